// Every route the app registers is requested by some test. The routes come from the app
// itself (printRoutes, cross-checked with the OpenAPI document); "requested" is measured
// by a static scan of the test sources: a route counts when its path appears as a string
// (params matched loosely: `${id}` or a literal segment) in a call or request object that
// names its method (no method named: GET, app.inject's default).
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

const TEST_ROOT = resolve(import.meta.dirname, '..', '..')
const THIS_FILE = resolve(import.meta.filename)

/**
 * Routes no test need request, each with the reason. HEAD is not listed per route:
 * Fastify adds a HEAD twin to every GET (exposeHeadRoutes), answered by the GET handler.
 */
const NOT_REQUESTED: ReadonlyMap<string, string> = new Map([
  // @fastify/swagger-ui serves its package's files under one wildcard route; a request for
  // one asset (security-headers.test.ts asks for two) is no request for the pattern.
  ['GET /api/docs*', 'swagger-ui static assets (its wildcard route)'],
])

interface Route { method: string; path: string }

/** Parse `printRoutes({ commonPrefix: false })`: one node a line, 4 columns a level. */
export function parseRouteTree (tree: string): Route[] {
  const routes: Route[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.trimEnd())
    if (match === null) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    // A node shared by routes naming their param differently prints as ":id|:worklog_id".
    stack.push(match[2]!.replace(/:[\w]+(?:\|:[\w]+)+/g, ':param'))
    const path = stack.join('')
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '')) routes.push({ method, path })
  }
  return routes
}

function escape (text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')
}

/** The path as a test would write it: params as `${…}` or a literal segment, slash optional. */
export function pathPattern (path: string): RegExp {
  const body = path.replace(/\/$/, '').split(/(:\w+)/).map((part) => part.startsWith(':') ? '(?:\\$\\{[^}]*\\}|[\\w.~%-]+)' : escape(part)).join('')
  return new RegExp(`(?<![\\w/.-])${body}/?(?=['"\`?])`, 'g')
}

/** The innermost (…) or {…} around `index`: the call or request object a path is part of. */
function enclosing (source: string, index: number): { text: string; before: string } {
  let depth = 0
  let start = index
  for (; start > 0; start--) {
    const c = source[start - 1]
    if (c === ')' || c === '}') depth++
    if (c === '(' || c === '{') {
      if (depth === 0) break
      depth--
    }
  }
  depth = 0
  let end = index
  for (; end < source.length; end++) {
    const c = source[end]
    if (c === '(' || c === '{') depth++
    if (c === ')' || c === '}') {
      if (depth === 0) break
      depth--
    }
  }
  return { text: source.slice(start, end), before: source.slice(Math.max(0, start - 8), start) }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

export function requestedMethods (source: string, path: string): Set<string> {
  const found = new Set<string>()
  for (const match of source.matchAll(pathPattern(path))) {
    const around = enclosing(source, match.index)
    const named = METHODS.filter((method) => new RegExp(`['"]${method}['"]`).test(around.text))
    // No method named: a GET only in a request object (`{ url: … }`) or a fetch(…); a
    // path handed to anything else (a redaction helper, a table of cases) is no request.
    if (named.length === 0 && (/\burl:/.test(around.text) || /\bfetch\($/.test(around.before))) found.add('GET')
    for (const method of named) found.add(method)
  }
  return found
}

function testSources (dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    // Benchmarks are not tests; this file names routes only to allow-list them.
    if (entry.isDirectory()) {
      if (full !== join(TEST_ROOT, 'bench')) out.push(...testSources(full))
    } else if (entry.name.endsWith('.ts') && full !== THIS_FILE) {
      out.push({ file: relative(TEST_ROOT, full), text: readFileSync(full, 'utf8') })
    }
  }
  return out
}

t.test('the route scan itself', async (t) => {
  t.same(parseRouteTree([
    '├── /api/jobs (GET, HEAD)',
    '│   └── /:id (GET, HEAD)',
    '│       └── /cancel (POST)',
    '└── /api/worklogs/:id|:worklog_id (PATCH)',
    '    └── /links (POST)',
  ].join('\n')), [
    { method: 'GET', path: '/api/jobs' }, { method: 'HEAD', path: '/api/jobs' },
    { method: 'GET', path: '/api/jobs/:id' }, { method: 'HEAD', path: '/api/jobs/:id' },
    { method: 'POST', path: '/api/jobs/:id/cancel' },
    { method: 'PATCH', path: '/api/worklogs/:param' },
    { method: 'POST', path: '/api/worklogs/:param/links' },
  ])
  // Test sources quoted as text, so their `${…}` is meant literally.
  /* eslint-disable no-template-curly-in-string */
  const source = [
    "await app.inject({ method: 'PATCH', url: `/api/schedules/${id}/`, headers })",
    "await call('DELETE', `/api/jobs/${job.id}`)",
    "await app.inject({ url: '/api/jobs/?limit=2' })",
    "await app.inject({ method: 'POST', url: '/api/jobs/x/cancel/' })",
    "t.equal(redactUrl('/api/share-links/'), '/api/share-links/')",
    'const res = await fetch(`http://127.0.0.1:${port}/api/healthz`)',
  ].join('\n')
  /* eslint-enable no-template-curly-in-string */
  t.same([...requestedMethods(source, '/api/schedules/:id')], ['PATCH'])
  t.same([...requestedMethods(source, '/api/jobs/:id')], ['DELETE'], 'a longer path is not its prefix')
  t.same([...requestedMethods(source, '/api/jobs')], ['GET'], 'no method named: GET')
  t.same([...requestedMethods(source, '/api/jobs/:id/cancel')], ['POST'])
  t.same([...requestedMethods(source, '/api/skills')], [])
  t.same([...requestedMethods(source, '/api/share-links')], [], 'a path handed to a helper is no request')
  t.same([...requestedMethods(source, '/api/healthz')], ['GET'], 'fetch')
})

t.test('every registered route is requested by some test', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  await app.ready()
  const routes = parseRouteTree(app.printRoutes({ commonPrefix: false })).filter((route) => route.method !== 'HEAD')

  // The parse is checked against the OpenAPI document: every documented operation is there.
  const openapi = app.swagger() as { paths: Record<string, Record<string, unknown>> }
  const keys = new Set(routes.map((route) => `${route.method} ${route.path.replace(/:\w+/g, ':p')}`))
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(operations)) {
      const key = `${method.toUpperCase()} ${path.replace(/\{\w+\}/g, ':p').replace(/\/$/, '')}`
      t.ok(keys.has(key), `${key} (OpenAPI) was found in the route tree`)
    }
  }

  const sources = testSources(TEST_ROOT)
  const unrequested: string[] = []
  for (const route of routes) {
    const key = `${route.method} ${route.path}`
    if (NOT_REQUESTED.has(key)) continue
    if (!sources.some((source) => requestedMethods(source.text, route.path).has(route.method))) unrequested.push(key)
  }
  t.comment(`${routes.length} routes (HEAD twins aside), ${NOT_REQUESTED.size} allow-listed`)
  t.same(unrequested, [], 'routes no test requests')
  const stale = [...NOT_REQUESTED.keys()].filter((key) => !routes.some((route) => `${route.method} ${route.path}` === key))
  t.same(stale, [], 'every allow-listed route still exists')
  // The allow-list is for what cannot be requested: an entry a test does request goes.
  const requestedAnyway = routes.filter((route) => NOT_REQUESTED.has(`${route.method} ${route.path}`) &&
    sources.some((source) => requestedMethods(source.text, route.path).has(route.method)))
  t.same(requestedAnyway, [], 'no allow-listed route is requested')
})
