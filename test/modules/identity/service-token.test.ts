import t from 'tap'
import { checkServiceToken, makeServiceToken } from '../../../src/modules/identity/service-token.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

t.test('the token format and its window', async (t) => {
  const secret = 's3cret'
  const now = 1_800_000_000
  const token = makeServiceToken(secret, now)
  t.match(token, /^1800000000:[0-9a-f]{64}$/)
  t.equal(checkServiceToken(token, secret, now), 'ok')
  t.equal(checkServiceToken(token, secret, now + 300), 'ok', '300 s old is still fine')
  t.equal(checkServiceToken(token, secret, now + 301), 'expired')
  t.equal(checkServiceToken(makeServiceToken(secret, now + 301), secret, now), 'future')
  t.equal(checkServiceToken(token, 'other', now), 'invalid')
  t.equal(checkServiceToken(undefined, secret, now), 'missing')
  t.equal(checkServiceToken('1800000000', secret, now), 'malformed')
  t.equal(checkServiceToken(`${now}:abcd`, secret, now), 'malformed', 'a wrong-length signature is malformed, not a crash')
  t.equal(checkServiceToken(`${now}:${'zz'.repeat(32)}`, secret, now), 'malformed')
  t.equal(checkServiceToken(makeServiceToken(secret, now + 300), secret, now), 'ok', '300 s ahead is still fine')
  t.equal(checkServiceToken('', secret, now), 'missing', 'an empty header is a missing one')
  t.equal(checkServiceToken(`x${token}`, secret, now), 'malformed', 'nothing may come before the stamp')
  t.equal(checkServiceToken(`${token}0`, secret, now), 'malformed', 'nothing may follow the signature')
  t.equal(checkServiceToken(` ${token.toUpperCase()}\t`, secret, now), 'ok', 'surrounding blanks and upper-case hex are tolerated')
  // Without an explicit time both sides use the system clock, in seconds.
  t.equal(checkServiceToken(makeServiceToken(secret), secret), 'ok')
  t.equal(checkServiceToken(makeServiceToken(secret, Math.floor(Date.now() / 1000) - 310), secret), 'expired')
})

t.test('every /api/* route but the public ones requires X-Service-Token', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bearer = { authorization: `Bearer ${alice.access}` }
  const now = Math.floor(Date.now() / 1000)
  const secret = services.config.auth.serviceSecret
  const cases: Array<[string, Record<string, string>, number]> = [
    ['valid', { 'x-service-token': makeServiceToken(secret) }, 200],
    ['missing', {}, 401],
    ['expired', { 'x-service-token': makeServiceToken(secret, now - 400) }, 401],
    ['future', { 'x-service-token': makeServiceToken(secret, now + 400) }, 401],
    ['malformed', { 'x-service-token': 'hello' }, 401],
    ['wrong length', { 'x-service-token': `${now}:${'ab'.repeat(20)}` }, 401],
    ['wrong secret', { 'x-service-token': makeServiceToken('not-the-secret') }, 401],
  ]
  for (const [name, headers, status] of cases) {
    const res = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { ...bearer, ...headers } })
    t.equal(res.statusCode, status, name)
    if (status === 401) t.equal(res.json().code, 'invalid_service_token', `${name}: code`)
  }
  for (const url of ['/api/healthz', '/api/readyz', '/api/auth/me/']) {
    const res = await app.inject({ method: 'GET', url, headers: bearer })
    t.equal(res.statusCode, 200, `${url} is exempt: answered without X-Service-Token`)
  }
})

t.test('SKIP_SERVICE_AUTH turns the check off in development', async (t) => {
  const services = await startTestServices(t, { env: { SKIP_SERVICE_AUTH: 'true' } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const res = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { authorization: `Bearer ${alice.access}` } })
  t.equal(res.statusCode, 200)
})
