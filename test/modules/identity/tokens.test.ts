import t from 'tap'
import { createHmac, randomUUID } from 'node:crypto'
import { derivedKey, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../src/modules/identity/access-control.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'

function b64 (value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function forge (header: object, claims: object, key: string | null): string {
  const unsigned = `${b64(header)}.${b64(claims)}`
  const signature = key === null ? '' : createHmac('sha256', key).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}

t.test('only well-formed, correctly signed, current access tokens for this API are accepted', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const [, payloadPart] = alice.access.split('.')
  const real = JSON.parse(Buffer.from(payloadPart!, 'base64url').toString()) as Record<string, unknown>
  t.match(real, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: alice.id, tid: alice.tenantId, typ: 'access' })
  t.ok(typeof real.jti === 'string' && typeof real.exp === 'number')
  t.ok((real.exp as number) - (real.iat as number) <= 600, 'access tokens live at most 10 minutes')

  const key = derivedKey(services.config.secretKey, 'jwt-access')
  const now = Math.floor(Date.now() / 1000)
  const good = { ...real, iat: now, exp: now + 300, jti: randomUUID() }
  const call = (token: string) => app.inject({ method: 'GET', url: '/api/jobs/', headers: { authorization: `Bearer ${token}`, ...serviceHeader(services) } })

  t.equal((await call(forge({ alg: 'HS256', typ: 'JWT' }, good, key))).statusCode, 200, 'the control: a correctly forged token with the real key works')
  const cases: Array<[string, string]> = [
    ['alg none', forge({ alg: 'none', typ: 'JWT' }, good, null)],
    ['wrong key', forge({ alg: 'HS256', typ: 'JWT' }, good, 'not-the-key')],
    ['expired', forge({ alg: 'HS256', typ: 'JWT' }, { ...good, iat: now - 1000, exp: now - 10 }, key)],
    ['wrong audience', forge({ alg: 'HS256', typ: 'JWT' }, { ...good, aud: 'someone-else' }, key)],
    ['wrong issuer', forge({ alg: 'HS256', typ: 'JWT' }, { ...good, iss: 'evil' }, key)],
    ['no jti', forge({ alg: 'HS256', typ: 'JWT' }, { ...good, jti: undefined }, key)],
    ['HS512', forge({ alg: 'HS512', typ: 'JWT' }, good, key)],
    ['unknown session', forge({ alg: 'HS256', typ: 'JWT' }, { ...good, sid: randomUUID() }, key)],
    ['garbage', 'not.a.token'],
  ]
  for (const [name, token] of cases) {
    const res = await call(token)
    t.equal(res.statusCode, 401, name)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/jobs/', headers: serviceHeader(services) })).statusCode, 401, 'no token at all')
})
