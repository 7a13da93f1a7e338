import t from 'tap'
import { createHmac, generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto'
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

// Real tokens, each signed correctly for the algorithm its header names, so the only
// thing wrong with them is the algorithm: each is refused by the pin (HS256 only), not by
// a bad signature. The reason recorded in auth_event says which rule refused it.
function sign (alg: 'HS256' | 'HS384' | 'HS512', claims: object, secret: string | Buffer): string {
  const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`
  const digest = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg]
  return `${unsigned}.${createHmac(digest, secret).update(unsigned).digest('base64url')}`
}

function signRs256 (claims: object, privateKey: KeyObject): string {
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`
  return `${unsigned}.${cryptoSign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`
}

t.test('the access-token algorithm is pinned to HS256: other algorithms are refused even when correctly signed', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const real = JSON.parse(Buffer.from(alice.access.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
  const now = Math.floor(Date.now() / 1000)
  const claims = { ...real, iat: now, exp: now + 300 }
  const secret = derivedKey(services.config.secretKey, 'jwt-access')
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' })

  const db = services.database.db
  // The reason of the rejection this call recorded (none when it was accepted).
  const call = async (token: string) => {
    const before = await db.selectFrom('auth_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()
    const response = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { authorization: `Bearer ${token}`, ...serviceHeader(services) } })
    const events = await db.selectFrom('auth_event').select('detail')
      .where('kind', '=', 'token_rejected').where('id', '>', before.id ?? 0).execute()
    return { status: response.statusCode, code: response.json<{ code?: string }>().code, reasons: events.map((event) => event.detail.reason) }
  }

  // The control: the same claims and secret under HS256 pass, so what refuses the others
  // is their algorithm and nothing else.
  const control = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { authorization: `Bearer ${sign('HS256', { ...claims, jti: randomUUID() }, secret)}`, ...serviceHeader(services) } })
  t.equal(control.statusCode, 200, 'HS256 with the app secret is accepted')

  const cases: Array<[string, string, string]> = [
    ['HS384 with the app secret', sign('HS384', { ...claims, jti: randomUUID() }, secret), 'FAST_JWT_INVALID_ALGORITHM'],
    ['HS512 with the app secret', sign('HS512', { ...claims, jti: randomUUID() }, secret), 'FAST_JWT_INVALID_ALGORITHM'],
    ['RS256 with a fresh RSA key', signRs256({ ...claims, jti: randomUUID() }, privateKey), 'FAST_JWT_INVALID_ALGORITHM'],
    // The classic confusion: a verifier that picks its algorithm from the token would check
    // this HMAC against the public key's bytes and accept it.
    ['HS256 keyed with an RSA public key', sign('HS256', { ...claims, jti: randomUUID() }, publicPem), 'FST_JWT_AUTHORIZATION_TOKEN_INVALID'],
    ['alg none, unsigned', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, jti: randomUUID() })}.`, 'FAST_JWT_MISSING_SIGNATURE'],
  ]
  for (const [name, token, reason] of cases) {
    t.same(await call(token), { status: 401, code: 'invalid_token', reasons: [reason] }, name)
  }
})
