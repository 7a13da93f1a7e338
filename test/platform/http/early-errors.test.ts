import t, { type Test } from 'tap'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { listenOnFreePort, rawExchange, type RawExchange } from '../../helpers/raw-http.ts'

function assertProblem (t: Test, reply: RawExchange, status: number, code: string, what: string): void {
  t.equal(reply.status, status, `${what}: ${status}`)
  t.equal(reply.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`)
  let body: unknown = null
  try { body = JSON.parse(reply.body) } catch {}
  t.match(body, { status, code }, `${what}: code ${code}`)
  for (const [name, value] of Object.entries({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cross-origin-resource-policy': 'same-origin' })) {
    t.equal(reply.headers[name], value, `${what}: ${name}`)
  }
  t.match(reply.headers['content-security-policy'], /frame-ancestors 'none'/, `${what}: CSP`)
  t.match(reply.headers['permissions-policy'], /camera=\(\)/, `${what}: Permissions-Policy`)
}

t.test('requests refused before any route answer problem+json with the security headers', async (t) => {
  const services = await startTestServices(t, { env: { ALLOWED_HOSTS: '127.0.0.1' } })
  const app = await buildTestApp(t, services)
  const port = await listenOnFreePort(t, app)

  const unknownMethod = await rawExchange(port, 'FOO /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  assertProblem(t, unknownMethod, 501, 'method_not_implemented', 'unknown method')
  t.ok(unknownMethod.closed)

  const noHost = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nConnection: close\r\n\r\n')
  assertProblem(t, noHost, 400, 'invalid_host', 'missing Host')

  const twoHosts = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
  assertProblem(t, twoHosts, 400, 'invalid_host', 'duplicate Host under ALLOWED_HOSTS')

  const hugeHeaders = await rawExchange(port, `GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  assertProblem(t, hugeHeaders, 431, 'headers_too_large', 'huge headers')
  t.ok(hugeHeaders.closed)

  const segment = 'q'.repeat(300)
  const longParam = await rawExchange(port, `GET /api/share/${segment}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
  assertProblem(t, longParam, 414, 'uri_too_long', 'long path parameter')
  t.notOk(longParam.body.includes(segment.slice(0, 20)), 'the URL is not echoed')
  t.match(longParam.headers['x-correlation-id'], /^[0-9a-f-]{36}$/)

  const badUrl = await rawExchange(port, 'GET /api/jobs/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  assertProblem(t, badUrl, 400, 'bad_url', 'malformed percent-encoding')
  t.notOk(badUrl.body.includes('%zz'), 'the URL is not echoed')

  const garbage = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')
  assertProblem(t, garbage, 400, 'bad_request', 'a header line without a colon')

  const fine = await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  t.equal(fine.status, 200, 'an ordinary request still works')
  const http10 = await rawExchange(port, 'GET /api/healthz HTTP/1.0\r\n\r\n')
  t.equal(http10.status, 400, 'HTTP/1.0 may omit Host, but ALLOWED_HOSTS still applies')
})

t.test('without ALLOWED_HOSTS, HTTP/1.0 without Host is served and a missing 1.1 Host is still refused', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const port = await listenOnFreePort(t, app)
  t.equal((await rawExchange(port, 'GET /api/healthz HTTP/1.0\r\n\r\n')).status, 200)
  assertProblem(t, await rawExchange(port, 'GET /api/healthz HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'invalid_host', 'missing Host')
})
