// One style (neostandard, TypeScript) and the layer rules of docs/architecture.md: an
// import that runs against the layers fails `npm run lint`, and so CI.
import neostandard from 'neostandard'

/** Import patterns (gitignore syntax, matched against the import path) a layer may not use. */
const ABOVE_PLATFORM = ['**/modules/**', '**/workflows/**', '**/agents/**', '**/app.ts', '**/runtime.ts', '**/main.ts']
const ENTRY_POINTS = ['**/app.ts', '**/runtime.ts', '**/main.ts']
const AGENTS_ARE_PURE = 'agents/ are pure: they import only the LLM interface (platform/llm) and their own folder (docs/architecture.md).'

function layer (files, patterns, message, extra = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: patterns, message, ...extra }] }],
    },
  }
}

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', '.data/**', '.tap/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] }),
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
  layer(['src/platform/**/*.ts'], ABOVE_PLATFORM,
    'platform/ imports nothing above it: declare an interface here and let runtime.ts wire the module that implements it (docs/architecture.md).'),
  // The one exception: the Database type lists every module's table types.
  {
    files: ['src/platform/db/database.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ABOVE_PLATFORM.filter((p) => p !== '**/modules/**'), message: 'platform/ imports nothing above it (docs/architecture.md).' },
          { group: ['**/modules/**', '!**/modules/*/*.table.ts'], message: 'database.ts may only take table types from modules.' },
          { group: ['**/modules/*/*.table.ts'], allowTypeImports: true, message: 'database.ts takes table types only (import type).' },
        ],
      }],
    },
  },
  layer(['src/modules/**/*.ts'], ['**/workflows/**', '**/agents/**', ...ENTRY_POINTS],
    'modules/ hold domain data and rules: they never import workflows or agents; a workflow calls the module instead (docs/architecture.md).'),
  {
    files: ['src/agents/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/modules/**', '**/workflows/**', ...ENTRY_POINTS], message: AGENTS_ARE_PURE },
          { regex: '(^|/)platform/(?!llm/)', message: AGENTS_ARE_PURE },
        ],
      }],
    },
  },
  layer(['src/workflows/**/*.ts'], ENTRY_POINTS,
    'workflows/ are composed by runtime.ts, never the other way round (docs/architecture.md).'),
]
