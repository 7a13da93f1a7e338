import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { manualClock } from '../../helpers/clock.ts'
import { NO_REQUEST } from '../../../src/modules/identity/audit.ts'
import { createInvite } from '../../../src/modules/identity/invite.service.ts'

t.test('passwords are stored as argon2id at the ASVS floor', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const { password_hash: hash } = await services.database.db.selectFrom('app_user').select('password_hash').where('id', '=', alice.id).executeTakeFirstOrThrow()
  t.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
})

t.test('login sets a hardened refresh cookie; wrong password and unknown e-mail look the same', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const ok = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: alice.email.toUpperCase(), password: alice.password } })
  t.equal(ok.statusCode, 200, 'e-mail is case-insensitive')
  const cookie = ok.cookies.find((c) => c.name === 'afterresume_refresh')
  t.match(cookie, { path: '/api/auth/', httpOnly: true, sameSite: 'Lax' })
  t.notOk(cookie?.secure, 'not Secure outside production')
  t.notOk('refresh' in ok.json(), 'browsers never see the refresh token in the body')

  const wrong = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: alice.email, password: 'not the password at all' } })
  const unknown = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'nobody@example.test', password: 'not the password at all' } })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.equal(wrong.json().detail, unknown.json().detail, 'no user enumeration through messages')
  t.equal(wrong.json().code, unknown.json().code)
  const { rows } = await sql<{ kind: string; outcome: string }>`SELECT kind, outcome FROM auth_event WHERE kind = 'login' ORDER BY id`.execute(services.database.db)
  t.same(rows.map((r) => r.outcome), ['success', 'failure', 'failure'])
})

t.test('repeated failures lock an e-mail out with 429 and Retry-After, known or not', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  // Each e-mail from its own address, so the per-client rate limit stays out of the way.
  for (const [email, remoteAddress] of [[alice.email, '192.0.2.1'], ['ghost@example.test', '192.0.2.2']] as const) {
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login/', remoteAddress, payload: { email, password: 'wrong password here' } })
      t.equal(res.statusCode, 401)
    }
    const locked = await app.inject({ method: 'POST', url: '/api/auth/login/', remoteAddress, payload: { email, password: email === alice.email ? alice.password : 'x'.repeat(12) } })
    t.equal(locked.statusCode, 429, `locked: ${email}`)
    t.ok(Number(locked.headers['retry-after']) > 0)
    t.equal(locked.json().code, 'too_many_attempts')
  }
})

t.test('parallel wrong logins: at most five per e-mail reach the password check', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  const db = services.database.db
  const guess = (email: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login/', remoteAddress, payload: { email, password: 'wrong password here' } })
  const tally = (responses: Array<{ statusCode: number; json: () => { code?: string } }>) => ({
    checked: responses.filter((r) => r.statusCode === 401 && r.json().code === 'invalid_credentials').length,
    locked: responses.filter((r) => r.statusCode === 429 && r.json().code === 'too_many_attempts').length,
  })
  const verified = async (email: string): Promise<number> => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_event WHERE kind = 'login' AND outcome = 'failure' AND email = ${email.toLowerCase()}`.execute(db)
    return rows[0]?.n ?? 0
  }

  t.same(tally(await Promise.all(Array.from({ length: 10 }, () => guess(alice.email, '192.0.2.10')))), { checked: 5, locked: 5 }, 'ten at once from one address')
  t.equal(await verified(alice.email), 5)
  const twoAddresses = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(bob.email, i % 2 === 0 ? '192.0.2.11' : '192.0.2.12')))
  t.same(tally(twoAddresses), { checked: 5, locked: 15 }, 'twenty at once from two addresses')
  t.equal(await verified(bob.email), 5)
  const right = await app.inject({ method: 'POST', url: '/api/auth/login/', remoteAddress: '192.0.2.13', payload: { email: bob.email, password: bob.password } })
  t.equal(right.statusCode, 429, 'the right password waits out the window too')
})

t.test('a successful sign-in gives back its attempt and clears earlier failures', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const login = (password: string) => app.inject({ method: 'POST', url: '/api/auth/login/', remoteAddress: '192.0.2.20', payload: { email: alice.email, password } })
  for (let i = 0; i < 4; i++) t.equal((await login('wrong password here')).statusCode, 401)
  t.equal((await login(alice.password)).statusCode, 200, 'the fifth attempt is still checked')
  for (let i = 0; i < 4; i++) t.equal((await login('wrong password here')).statusCode, 401, 'failures count from zero again')
  t.equal((await login(alice.password)).statusCode, 200)
})

t.test('parallel wrong current passwords: at most five are checked per user', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const attempts = await Promise.all(Array.from({ length: 10 }, () => app.inject({
    method: 'POST', url: '/api/auth/password/', headers: alice.headers, payload: { current_password: 'a guessed passphrase 1', new_password: 'an entirely new passphrase 7' },
  })))
  t.equal(attempts.filter((r) => r.statusCode === 400 && r.json().field === 'current_password').length, 5, 'five guesses are checked')
  const locked = attempts.filter((r) => r.statusCode === 429)
  t.equal(locked.length, 5, 'the rest are refused unchecked')
  t.equal(locked[0]?.json().code, 'too_many_attempts')
  t.ok(Number(locked[0]?.headers['retry-after']) > 0)
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_event WHERE kind = 'password_change' AND outcome = 'failure' AND detail->>'reason' = 'wrong_current_password'`.execute(services.database.db)
  t.equal(rows[0]?.n, 5)
  const right = await app.inject({ method: 'POST', url: '/api/auth/password/', headers: alice.headers, payload: { current_password: alice.password, new_password: 'an entirely new passphrase 7' } })
  t.equal(right.statusCode, 429, 'even the right password waits: a thief with a token cannot tell')
})

t.test('refresh rotates the token; reuse of an old one revokes the whole session', async (t) => {
  const services = await startTestServices(t)
  const clock = manualClock()
  const app = await buildTestApp(t, services, services, { clock })
  const alice = await signUp(app, services)
  const first = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })
  t.equal(first.statusCode, 200, first.body)
  const rotated = first.cookies.find((c) => c.name === 'afterresume_refresh')?.value
  t.ok(rotated && rotated !== alice.refreshCookie, 'a new refresh token replaces the old one')
  const newAccess = first.json().access as string
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: { authorization: `Bearer ${newAccess}` } })).statusCode, 200)

  // The multi-tab grace: up to 2 s after its use, the old token is a racing tab, refused
  // without ending the session; one millisecond later it is a replay.
  clock.advance(2000)
  const racing = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })
  t.equal(racing.statusCode, 401)
  t.equal(racing.json().code, 'refresh_token_used', 'at the end of the grace: a racing tab')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: { authorization: `Bearer ${newAccess}` } })).statusCode, 200, 'the session lives on')
  clock.advance(1)
  const replay = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })
  t.equal(replay.statusCode, 401)
  t.equal(replay.json().code, 'refresh_token_reused')
  const afterReuse = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: rotated! } })
  t.equal(afterReuse.statusCode, 401, 'the legitimate successor is revoked too')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: { authorization: `Bearer ${newAccess}` } })).statusCode, 401, 'and so are the session\'s access tokens')
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_event WHERE kind = 'refresh_reuse_detected'`.execute(services.database.db)
  t.equal(rows[0]?.n, 1, 'reuse is audited')
})

t.test('concurrent refreshes with one token: at most one succeeds', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const results = await Promise.all(Array.from({ length: 8 }, () =>
    app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })))
  t.equal(results.filter((r) => r.statusCode === 200).length, 1)
  t.ok(results.every((r) => r.statusCode === 200 || r.statusCode === 401))
})

t.test('logout ends the refresh token and the access tokens of the session', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const out = await app.inject({ method: 'POST', url: '/api/auth/logout/', cookies: { afterresume_refresh: alice.refreshCookie } })
  t.equal(out.statusCode, 204)
  const cleared = out.cookies.find((c) => c.name === 'afterresume_refresh')
  t.equal(cleared?.value, '', 'the cookie is cleared')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: alice.headers })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })).statusCode, 401)
})

t.test('scripts: token endpoint with no-store, refresh in the body, never confused with access tokens', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const issued = await app.inject({ method: 'POST', url: '/api/auth/token/', payload: { email: alice.email, password: alice.password } })
  t.equal(issued.statusCode, 200)
  t.equal(issued.headers['cache-control'], 'no-store')
  const { access, refresh } = issued.json<{ access: string; refresh: string }>()
  t.equal(issued.cookies.length, 0, 'scripts get no cookie')
  const refreshed = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', payload: { refresh } })
  t.equal(refreshed.statusCode, 200)
  t.ok(refreshed.json().refresh && refreshed.json().refresh !== refresh, 'the rotated refresh token comes back in the body')
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', payload: { refresh: access } })).statusCode, 401, 'an access token is not a refresh token')
  t.equal((await app.inject({ method: 'GET', url: '/api/jobs/', headers: { authorization: `Bearer ${refresh}`, ...serviceHeader(services) } })).statusCode, 401, 'a refresh token is not an access token')
})

t.test('a password change ends other sessions but keeps the current one', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const other = await app.inject({ method: 'POST', url: '/api/auth/token/', payload: { email: alice.email, password: alice.password } })
  const otherAccess = other.json().access as string
  const weak = await app.inject({ method: 'POST', url: '/api/auth/password/', headers: alice.headers, payload: { current_password: alice.password, new_password: 'password123' } })
  t.equal(weak.statusCode, 400)
  t.equal(weak.json().field, 'new_password')
  const changed = await app.inject({ method: 'POST', url: '/api/auth/password/', headers: alice.headers, payload: { current_password: alice.password, new_password: 'an entirely new passphrase 7' } })
  t.equal(changed.statusCode, 204, changed.body)
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: alice.headers })).statusCode, 200, 'this session continues')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me/', headers: { authorization: `Bearer ${otherAccess}` } })).statusCode, 401, 'the other session ended')
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: alice.email, password: 'an entirely new passphrase 7' } })).statusCode, 200)
})

t.test('an open invite answers "registered" for at most one e-mail: the attempt spends it', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  const db = services.database.db
  const signup = (passkey: string, email: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/signup/', remoteAddress, payload: { email, password: 'a long and unusual passphrase 42', passkey } })

  const { passkey: open } = await createInvite(db, { createdBy: null }, NO_REQUEST)
  const probe = await signup(open, alice.email.toUpperCase(), '192.0.2.30')
  t.equal(probe.statusCode, 409, 'the answer stays honest: that address has an account')
  t.equal(probe.json().field, 'email')
  t.match(probe.json().detail, /sign in/i)
  const second = await signup(open, bob.email, '192.0.2.31')
  t.equal(second.statusCode, 400, 'the same passkey cannot ask about a second address')
  t.equal(second.json().code, 'invalid_passkey')
  t.equal((await signup(open, 'fresh@example.test', '192.0.2.32')).statusCode, 400, 'nor create an account')
  const { rows } = await sql<{ user_id: string | null; detail: { reason: string } }>`SELECT user_id, detail FROM auth_event WHERE kind = 'signup' AND outcome = 'failure' ORDER BY id`.execute(db)
  t.same(rows.map((r) => [r.user_id, r.detail.reason]), [[alice.id, 'email_registered'], [null, 'invalid_passkey'], [null, 'invalid_passkey']], 'the attempt is on the existing user\'s record')

  const { passkey: bound } = await createInvite(db, { createdBy: null, email: alice.email }, NO_REQUEST)
  t.equal((await signup(bound, alice.email, '192.0.2.33')).statusCode, 409, 'an invite made out to a registered address says so')
  t.equal((await signup(bound, alice.email, '192.0.2.34')).statusCode, 409, 'and keeps saying it: it reveals nothing about any other address')
})

t.test('an expired invite and an invite made out to another e-mail are refused with invalid_passkey, and nothing is created', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const signup = (passkey: string, email: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/signup/', remoteAddress, payload: { email, password: 'a long and unusual passphrase 42', passkey } })
  const refusal = { status: 400, code: 'invalid_passkey', field: 'passkey', detail: 'The invite passkey is invalid, expired, already used, or meant for another e-mail.' }

  const { invite: old, passkey: expired } = await createInvite(db, { createdBy: null }, NO_REQUEST)
  await db.updateTable('invite').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', old.id).execute()
  const late = await signup(expired, 'late@example.test', '192.0.2.40')
  t.equal(late.statusCode, 400)
  t.match(late.headers['content-type'], /^application\/problem\+json/)
  t.match(late.json(), refusal, 'an expired passkey')

  const { invite: bound, passkey: forCarol } = await createInvite(db, { createdBy: null, email: 'carol@example.test' }, NO_REQUEST)
  const other = await signup(forCarol, 'mallory@example.test', '192.0.2.41')
  t.equal(other.statusCode, 400)
  t.match(other.json(), refusal, 'a passkey made out to another address, with the same words (no hint whose it is)')

  const users = await db.selectFrom('app_user').select('email').where('email', 'in', ['late@example.test', 'mallory@example.test']).execute()
  t.same(users, [], 'no account was created')
  const invites = await db.selectFrom('invite').select(['id', 'redeemed_at']).where('id', 'in', [old.id, bound.id]).orderBy('created_at').execute()
  t.same(invites.map((i) => i.redeemed_at), [null, null], 'neither invite was spent')
  const { rows } = await sql<{ email: string; detail: { reason: string; invite_id: string } }>`SELECT email, detail FROM auth_event WHERE kind = 'signup' AND outcome = 'failure' ORDER BY id`.execute(db)
  t.same(rows.map((r) => [r.email, r.detail.reason, r.detail.invite_id]), [['late@example.test', 'invalid_passkey', old.id], ['mallory@example.test', 'invalid_passkey', bound.id]], 'both refusals are audited against their invite')

  const carol = await signup(forCarol, 'Carol@Example.test', '192.0.2.42')
  t.equal(carol.statusCode, 201, 'the invite still works for the address it was made out to (case-insensitive)')
})
