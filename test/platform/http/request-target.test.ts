// Security finding 1: the service token and the rate limits must hold however the
// request target is spelled. app.inject() cannot send an absolute-form target, so these
// tests talk to a listening server through node:http with the target as `path`.
import t from 'tap'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signUp } from '../../helpers/auth.ts'
import { manualClock } from '../../helpers/clock.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'

interface Answer { status: number; code: string | undefined; body: string }

function send (port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection each time, so a 400 that closes one cannot
    // spill into the next request.
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => {
        let code: string | undefined
        try { code = (JSON.parse(text) as { code?: string }).code } catch { code = undefined }
        resolve({ status: res.statusCode ?? 0, code, body: text })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function listen (app: App): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as AddressInfo).port
}

const EXEMPT = ['/api/auth/', '/api/healthz', '/api/readyz', '/api/share/', '/api/docs', '/api/openapi.json', '/api/billing/webhook']
const SOME_ID = '00000000-0000-4000-8000-000000000000'

/** One documented route per guarded /api/<prefix>, parameters filled in, with a trailing slash. */
function guardedRoutes (app: App): Array<{ method: string; path: string }> {
  const paths = (app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths
  const byPrefix = new Map<string, { method: string; path: string }>()
  for (const [pattern, operations] of Object.entries(paths)) {
    if (!pattern.startsWith('/api/') || EXEMPT.some((prefix) => pattern.startsWith(prefix))) continue
    const prefix = pattern.split('/').slice(0, 3).join('/')
    const methods = Object.keys(operations).map((m) => m.toUpperCase())
    const method = methods.includes('POST') ? 'POST' : methods[0] ?? 'GET'
    // Prefer a POST without parameters: the finding's own shape, and one that would be
    // a 201 if it got through.
    const current = byPrefix.get(prefix)
    if (current !== undefined && (current.method === 'POST' && !current.path.includes(SOME_ID))) continue
    byPrefix.set(prefix, { method, path: `${pattern.replace(/\{[^}]+\}/g, SOME_ID)}/` })
  }
  return [...byPrefix.values()]
}

/** The same path spelled the ways a client can spell it. */
function spellings (port: number, path: string): string[] {
  const rest = path.slice('/api/'.length)
  return [
    `http://127.0.0.1:${port}${path}`,
    `HTTP://localhost${path}`,
    `/${path}`,
    `/.${path}`,
    `/${path.slice(1).replaceAll('/', '%2F')}`,
    `/%61pi/${rest}`,
    `/API/${rest}`,
    `/api/../api/${rest}`,
    `/api/./${rest}`,
  ]
}

t.test('no spelling of a guarded path gets past X-Service-Token', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const user = await signUp(app, services)
  const port = await listen(app)
  const routes = guardedRoutes(app)
  t.ok(routes.length >= 10, `every guarded prefix is tried (${routes.map((r) => r.path.split('/')[2]).join(', ')})`)

  // Authenticated, but without the proxy's signature: exactly what the finding used.
  const headers = { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' }
  const plain = await send(port, 'POST', '/api/clients/', headers, '{"name":"x"}')
  t.same([plain.status, plain.code], [401, 'invalid_service_token'], 'the ordinary spelling is refused')

  for (const { method, path } of routes) {
    for (const target of spellings(port, path)) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : '{"name":"x"}'
      const answer = await send(port, method, target, headers, body)
      const refused = (answer.status === 401 && answer.code === 'invalid_service_token') ||
        (answer.status === 404 && answer.code === 'route_not_found') ||
        (answer.status === 400 && answer.code !== 'validation_failed')
      t.ok(refused, `${method} ${target} → ${answer.status} ${answer.code ?? answer.body.slice(0, 80)}`)
    }
  }
  const clients = await services.database.db.selectFrom('client').select('id').execute()
  t.same(clients, [], 'no client was created')
})

t.test('no spelling gets past an exhausted rate limit', async (t) => {
  const services = await startTestServices(t, { env: { RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_USER_PER_MINUTE: '2' } })
  // One-minute windows: the app's clock stands at the start of one for the whole test.
  const clock = manualClock(new Date(Math.floor(Date.now() / 60_000) * 60_000))
  const app = await buildTestApp(t, services, services, { clock })
  const user = await signUp(app, services, { clock })
  const port = await listen(app)

  const cases = [
    { who: 'an anonymous client (per address)', method: 'GET', path: '/api/openapi.json/', headers: {} },
    { who: 'a signed-in user (per user)', method: 'POST', path: '/api/skills/recompute/', headers: user.headers },
  ]
  for (const { who, method, path, headers } of cases) {
    for (let i = 1; i <= 2; i++) t.equal((await send(port, method, path, headers)).status, method === 'GET' ? 200 : 202, `${who}: request ${i} of 2`)
    t.equal((await send(port, method, path, headers)).status, 429, `${who}: the 3rd is refused`)
    for (const target of spellings(port, path)) {
      const answer = await send(port, method, target, headers)
      t.ok(answer.status === 429 || answer.status === 400, `${who}: ${method} ${target} → ${answer.status} ${answer.code ?? ''}`)
    }
  }
})
