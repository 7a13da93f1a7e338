// Fastify compiles every route's request validators and response serializers each time an
// app is built, and hands the compiler a fresh copy of each schema. A service builds one
// app; the test suite builds hundreds in a few processes, where compiling the same schemas
// again was about half of each build's CPU. What a compiler returns depends only on the
// schema's JSON and on the compiler's set-up, so a process compiles each pair once.

const compiled = new Map<string, unknown>()

/** `compile`, remembered per (set-up, schema JSON) for the life of the process. */
export function compiledOnce<Route extends { schema?: unknown }, Compiled> (setup: unknown, compile: (route: Route) => Compiled): (route: Route) => Compiled {
  // Functions in the set-up (Ajv plugins, hooks) count by their source: JSON alone would
  // drop them, and two set-ups differing only there would share compiled code.
  const prefix = JSON.stringify(setup, (_key, value: unknown) => typeof value === 'function' ? value.toString() : value)
  return (route) => {
    const key = `${prefix}\n${JSON.stringify(route.schema)}`
    let result = compiled.get(key) as Compiled | undefined
    if (result === undefined) compiled.set(key, result = compile(route))
    return result
  }
}
