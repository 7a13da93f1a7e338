import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

function cspOf (response: LightMyRequestResponse): Map<string, string> {
  const header = String(response.headers['content-security-policy'] ?? '')
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name = '', ...values] = d.split(/\s+/)
    return [name, values.join(' ')] as const
  }))
}

function assertHardened (t: Test, response: LightMyRequestResponse, what: string): void {
  const h = response.headers
  const csp = cspOf(response)
  t.equal(csp.get('default-src'), "'self'", `${what}: CSP default-src 'self'`)
  t.equal(csp.get('object-src'), "'none'", `${what}: CSP object-src 'none'`)
  t.equal(csp.get('frame-ancestors'), "'none'", `${what}: CSP frame-ancestors 'none'`)
  t.equal(h['x-frame-options'], 'DENY', `${what}: X-Frame-Options`)
  t.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`)
  t.equal(h['referrer-policy'], 'strict-origin-when-cross-origin', `${what}: Referrer-Policy`)
  t.equal(h['x-xss-protection'], '0', `${what}: the obsolete XSS auditor is switched off`)
  for (const feature of ['geolocation', 'camera', 'microphone', 'payment', 'usb']) {
    t.match(String(h['permissions-policy']), new RegExp(`(^|, )${feature}=\\(\\)`), `${what}: Permissions-Policy denies ${feature}`)
  }
  t.notOk(h['x-powered-by'], `${what}: no X-Powered-By`)
}

t.test('every kind of response carries the security headers, error replies included', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  app.get('/api/test/explode', { config: { public: true } }, async () => {
    throw new Error('boom')
  })

  const ok = await app.inject({ method: 'GET', url: '/api/healthz' })
  t.equal(ok.statusCode, 200)
  assertHardened(t, ok, '200')
  t.notOk(ok.headers['strict-transport-security'], 'no HSTS outside production')

  const missing = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: serviceHeader(services) })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'route_not_found', 'from the not-found handler')
  assertHardened(t, missing, '404')

  const invalid = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'someone@example.test' } })
  t.equal(invalid.statusCode, 400)
  t.equal(invalid.json().code, 'validation_failed')
  assertHardened(t, invalid, '400')

  const anonymous = await app.inject({ method: 'GET', url: '/api/auth/me' })
  t.equal(anonymous.statusCode, 401)
  assertHardened(t, anonymous, '401')

  const noServiceToken = await app.inject({ method: 'GET', url: '/api/jobs' })
  t.equal(noServiceToken.statusCode, 401)
  t.equal(noServiceToken.json().code, 'invalid_service_token', 'refused by an onRequest hook')
  assertHardened(t, noServiceToken, '401 from a hook')

  const crash = await app.inject({ method: 'GET', url: '/api/test/explode', headers: serviceHeader(services) })
  t.equal(crash.statusCode, 500)
  t.equal(crash.json().code, 'internal_error')
  assertHardened(t, crash, '500')

  const user = await signUp(app, services)
  const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: user.headers })
  t.equal(me.statusCode, 200)
  assertHardened(t, me, 'signed-in 200')
})

t.test('the docs page gets just enough CSP to render, and nothing else does', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)

  const page = await app.inject({ method: 'GET', url: '/api/docs/' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /swagger-ui-bundle\.js/)
  assertHardened(t, page, 'docs page')
  const csp = cspOf(page)
  t.equal(csp.get('style-src'), "'self' 'unsafe-inline'", 'swagger-ui sets inline styles')
  t.equal(csp.get('img-src'), "'self' data:", 'its stylesheet draws icons from data: URIs')
  t.notOk(csp.has('script-src'), "scripts stay 'self' only (default-src)")
  t.notOk(csp.has('upgrade-insecure-requests'), 'no https upgrade for a development server on http')

  const bundle = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' })
  t.equal(bundle.statusCode, 200, 'its assets are served')
  t.equal(cspOf(bundle).get('style-src'), "'self' 'unsafe-inline'")
  const initializer = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' })
  t.equal(initializer.statusCode, 200)

  const api = cspOf(await app.inject({ method: 'GET', url: '/api/healthz' }))
  t.notOk(api.has('style-src'), 'the API keeps the strict policy')
  t.notOk(api.has('img-src'))
})

t.test('HSTS with preload in production only', async (t) => {
  const services = await startTestServices(t, { env: { NODE_ENV: 'production' } })
  const app = await buildTestApp(t, services)
  for (const url of ['/api/healthz', '/api/nothing-here']) {
    const response = await app.inject({ method: 'GET', url })
    const hsts = String(response.headers['strict-transport-security'] ?? '')
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0)
    t.ok(maxAge >= 31_536_000, `${url}: max-age of at least a year (${hsts})`)
    t.match(hsts, /includeSubDomains/)
    t.match(hsts, /preload/)
    t.ok(cspOf(response).has('upgrade-insecure-requests'), `${url}: subresources upgraded to https in production`)
    assertHardened(t, response, `production ${url}`)
  }
})
