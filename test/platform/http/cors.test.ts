import t from 'tap'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

const SPA = 'https://app.example.test'
const EVIL = 'https://evil.example.test'

t.test('only allowlisted origins get CORS headers, with credentials', async (t) => {
  const services = await startTestServices(t, { env: { CORS_ALLOWED_ORIGINS: `${SPA}, https://admin.example.test` } })
  const app = await buildTestApp(t, services)
  const user = await signUp(app, services)

  const allowed = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...user.headers, origin: SPA } })
  t.equal(allowed.statusCode, 200)
  t.equal(allowed.headers['access-control-allow-origin'], SPA, 'the origin is echoed, never *')
  t.equal(allowed.headers['access-control-allow-credentials'], 'true', 'the refresh cookie may be sent')
  const exposed = String(allowed.headers['access-control-expose-headers']).toLowerCase()
  t.match(exposed, /x-correlation-id/)
  t.match(exposed, /retry-after/)
  t.match(String(allowed.headers.vary), /Origin/, 'caches keep per-origin answers apart')

  for (const origin of [EVIL, `${SPA}.evil.test`, 'null']) {
    const refused = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...user.headers, origin } })
    t.equal(refused.statusCode, 200, `${origin}: the server still answers; the browser withholds it`)
    t.notOk(refused.headers['access-control-allow-origin'], `${origin}: no Allow-Origin`)
    t.notOk(refused.headers['access-control-allow-credentials'], `${origin}: no Allow-Credentials`)
    t.notOk(refused.headers['access-control-expose-headers'], `${origin}: no Expose-Headers`)
  }

  const sameOrigin = await app.inject({ method: 'GET', url: '/api/auth/me', headers: user.headers })
  t.notOk(sameOrigin.headers['access-control-allow-origin'], 'no Origin header, no CORS headers')

  const failed = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: SPA }, payload: { email: 'nobody@example.test', password: 'not the password at all' } })
  t.equal(failed.statusCode, 401)
  t.equal(failed.headers['access-control-allow-origin'], SPA, 'errors are readable by the SPA too')
})

t.test('preflight: answered before access control for listed origins, refused otherwise', async (t) => {
  const services = await startTestServices(t, { env: { CORS_ALLOWED_ORIGINS: SPA } })
  const app = await buildTestApp(t, services)
  const preflight = (origin: string) => app.inject({
    method: 'OPTIONS',
    url: '/api/jobs',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-service-token, x-tenant-id, x-correlation-id',
    },
  })

  const ok = await preflight(SPA)
  t.equal(ok.statusCode, 204, 'no service token or bearer needed: browsers send neither on a preflight')
  t.equal(ok.headers['access-control-allow-origin'], SPA)
  t.equal(ok.headers['access-control-allow-credentials'], 'true')
  const methods = String(ok.headers['access-control-allow-methods'])
  for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) t.match(methods, method)
  const headers = String(ok.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
  for (const header of ['authorization', 'content-type', 'x-service-token', 'x-tenant-id', 'x-correlation-id']) {
    t.ok(headers.includes(header), `${header} may be sent`)
  }
  t.ok(Number(ok.headers['access-control-max-age']) > 0, 'browsers may cache the answer')
  t.equal(ok.headers['x-frame-options'], 'DENY', 'security headers on preflights too')

  const refused = await preflight(EVIL)
  // Not answered as a preflight: it falls through to access control like any request.
  t.equal(refused.statusCode, 401)
  t.match(refused.json(), { code: 'invalid_service_token' })
  t.notOk(refused.headers['access-control-allow-origin'])
  t.notOk(refused.headers['access-control-allow-methods'])
  t.notOk(refused.headers['access-control-allow-headers'])
})

t.test('an empty allowlist sends no CORS headers at all', async (t) => {
  const services = await startTestServices(t)
  t.same(services.config.http.corsAllowedOrigins, [])
  const app = await buildTestApp(t, services)
  const simple = await app.inject({ method: 'GET', url: '/api/healthz', headers: { origin: SPA } })
  t.equal(simple.statusCode, 200)
  const preflight = await app.inject({ method: 'OPTIONS', url: '/api/jobs', headers: { origin: SPA, 'access-control-request-method': 'GET', ...serviceHeader(services) } })
  // No CORS plugin answering OPTIONS: no such route.
  t.equal(preflight.statusCode, 404)
  t.match(preflight.json(), { code: 'route_not_found' })
  for (const response of [simple, preflight]) {
    t.notOk(Object.keys(response.headers).some((name) => name.startsWith('access-control-')), 'no access-control-* header')
  }
})
