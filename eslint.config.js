// One style (neostandard, TypeScript) and the layer rules of docs/architecture.md.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', '.data/**', '.tap/**', 'coverage/**'] }),
  {
    rules: {
      // `void promise` marks a deliberately unawaited call (timers, fire-and-forget
      // notifications); as a statement it is the clearest way to say so.
      'no-void': ['error', { allowAsStatement: true }],
      // A TypeBox schema and its Static type share one name (`const X = Type.Object(…)`,
      // `type X = Static<typeof X>`): one word for the value and its type. The compiler
      // still rejects a real redeclaration.
      '@typescript-eslint/no-redeclare': 'off',
    },
  },
]
