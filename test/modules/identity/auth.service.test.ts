// AuthService called directly, on a clock the test moves: every refusal by its exact error
// and the exact audit row it leaves, every session and token by the times written for it.
// auth.test.ts and refresh.test.ts drive the same code over HTTP (cookies, rate limits).
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import { AuthService, hashToken, type AccessClaims, type AuthSettings } from '../../../src/modules/identity/auth.service.ts'
import type { RequestMeta } from '../../../src/modules/identity/audit.ts'
import type { Db } from '../../../src/platform/db/database.ts'
import { manualClock, type ManualClock } from '../../helpers/clock.ts'
import { startedOnce, startTestServices } from '../../helpers/services.ts'

const PASSWORD = 'a long and unusual passphrase 42'
const SETTINGS: AuthSettings = { accessTokenTtlSeconds: 600, refreshTokenTtlDays: 30 }
const META: RequestMeta = { ip: '192.0.2.1', userAgent: 'test', correlationId: null }
const DAY = 86_400_000

// One database for the file; each subtest makes users (and e-mails) of its own.
const services = startedOnce(() => startTestServices(t))

interface Setup { db: Db; clock: ManualClock; auth: AuthService; signed: AccessClaims[] }

async function setup (settings: AuthSettings = SETTINGS): Promise<Setup> {
  const db = (await services()).database.db
  const clock = manualClock(new Date('2026-11-29T10:00:00.000Z'))
  const signed: AccessClaims[] = []
  const auth = new AuthService(db, { sign: (claims) => { signed.push(claims); return `token-${signed.length}` } }, settings, clock)
  return { db, clock, auth, signed }
}

async function account (db: Db, options: { email?: string; tenantId?: string; role?: 'member' | 'admin' } = {}): Promise<{ id: string; email: string; tenantId: string }> {
  const email = options.email ?? `user-${randomUUID()}@example.test`
  const { user, tenantId } = await db.transaction().execute((trx) => createAccount(trx, { email, password: PASSWORD, displayName: 'Ada', ...(options.tenantId !== undefined && { tenantId: options.tenantId, role: options.role ?? 'member' }) }))
  return { id: user.id, email, tenantId }
}

async function auditOf (db: Db, where: { email?: string; userId?: string }): Promise<Array<{ kind: string; outcome: string; user_id: string | null; tenant_id: string | null; email: string | null; detail: unknown }>> {
  let query = db.selectFrom('auth_event').select(['kind', 'outcome', 'user_id', 'tenant_id', 'email', 'detail']).orderBy('id')
  if (where.email !== undefined) query = query.where('email', '=', where.email)
  if (where.userId !== undefined) query = query.where('user_id', '=', where.userId)
  return query.execute()
}

/** The error a promise rejects with (it must reject). */
async function failure (promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection') }, (error: unknown) => error)
}
function refusal (error: unknown): Record<string, unknown> {
  const { name, status, code, message, headers } = error as Record<string, unknown>
  return { name, status, code, message, headers }
}

t.test('login: each refusal is the same answer to the caller and a different reason in the audit log', async (t) => {
  const { db, auth } = await setup()
  const wrong = { name: 'AuthError', status: 401, code: 'invalid_credentials', message: 'E-mail or password is incorrect.' }

  const nobody = `nobody-${randomUUID()}@example.test`
  await t.rejects(auth.login({ email: nobody, password: PASSWORD, client: 'script' }, META), wrong)
  const alice = await account(db)
  await t.rejects(auth.login({ email: alice.email, password: 'not the password at all', client: 'script' }, META), wrong)
  await db.updateTable('app_user').set({ is_active: false }).where('id', '=', alice.id).execute()
  await t.rejects(auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META), wrong, 'an inactive user, with the right password')
  await db.updateTable('app_user').set({ is_active: true }).where('id', '=', alice.id).execute()
  await db.updateTable('tenant_membership').set({ is_active: false }).where('user_id', '=', alice.id).execute()
  await t.rejects(auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META), wrong, 'a user with no active tenant')

  t.same(await auditOf(db, { email: nobody }), [{ kind: 'login', outcome: 'failure', user_id: null, tenant_id: null, email: nobody, detail: { reason: 'unknown_email' } }])
  t.same((await auditOf(db, { email: alice.email })).map((e) => [e.kind, e.outcome, e.user_id, e.detail]), [
    ['login', 'failure', alice.id, { reason: 'wrong_password' }],
    ['login', 'failure', alice.id, { reason: 'inactive' }],
    ['login', 'failure', alice.id, { reason: 'no_active_tenant' }],
  ])
})

t.test('login: a session and tokens dated by the clock, the e-mail normalised, the own tenant first', async (t) => {
  const { db, clock, auth, signed } = await setup()
  const owner = await account(db)
  const alice = await account(db, { email: `Alice-${randomUUID()}@Example.TEST` })
  // Alice also belongs to an older workspace, as a member: she still lands in her own.
  await db.insertInto('tenant_membership').values({ tenant_id: owner.tenantId, user_id: alice.id, role: 'member', created_at: new Date('2020-01-01') }).execute()

  const issued = await auth.login({ email: `  ${alice.email.toUpperCase()} `, password: PASSWORD, client: 'browser' }, META)
  const long = await auth.login({ email: owner.email, password: PASSWORD, client: 'script' }, { ...META, userAgent: 'u'.repeat(600) })
  const longRow = await db.selectFrom('auth_session').select('user_agent').where('id', '=', long.session_id).executeTakeFirstOrThrow()
  t.equal(longRow.user_agent, 'u'.repeat(500), 'a user agent is kept to 500 characters')
  const email = alice.email.toLowerCase()
  t.same(issued.user, { id: alice.id, email, display_name: 'Ada', is_staff: false, tenant_id: alice.tenantId, role: 'owner' })
  t.equal(issued.expires_in, 600)
  t.equal(issued.access, 'token-1')
  t.match(signed, [{ sub: alice.id, tid: alice.tenantId, sid: issued.session_id, typ: 'access', jti: /^[0-9a-f-]{36}$/ }])
  const session = await db.selectFrom('auth_session').selectAll().where('id', '=', issued.session_id).executeTakeFirstOrThrow()
  t.same([session.client, session.tenant_id, session.expires_at.toISOString(), session.ip, session.user_agent], ['browser', alice.tenantId, new Date(clock.now().getTime() + 30 * DAY).toISOString(), '192.0.2.1', 'test'])
  const refresh = await db.selectFrom('refresh_token').selectAll().where('token_hash', '=', hashToken(issued.refresh)).executeTakeFirstOrThrow()
  t.same([refresh.session_id, refresh.expires_at.toISOString(), refresh.used_at], [issued.session_id, new Date(clock.now().getTime() + 30 * DAY).toISOString(), null])
  t.match(issued.refresh, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url')
  const user = await db.selectFrom('app_user').select('last_login_at').where('id', '=', alice.id).executeTakeFirstOrThrow()
  t.equal(user.last_login_at?.toISOString(), clock.now().toISOString())
  t.same(await auditOf(db, { email }), [{ kind: 'login', outcome: 'success', user_id: alice.id, tenant_id: alice.tenantId, email, detail: { client: 'browser', session_id: issued.session_id } }])

  // Without her own workspace she lands in the oldest other one; an inactive one is skipped.
  await db.updateTable('tenant').set({ is_active: false }).where('id', '=', alice.tenantId).execute()
  t.same((await auth.login({ email, password: PASSWORD, client: 'script' }, META)).user.tenant_id, owner.tenantId)

  const consoleSession = await auth.login({ email: owner.email, password: PASSWORD, client: 'console' }, META)
  const consoleRow = await db.selectFrom('auth_session').select('expires_at').where('id', '=', consoleSession.session_id).executeTakeFirstOrThrow()
  t.equal(consoleRow.expires_at.toISOString(), new Date(clock.now().getTime() + 12 * 3_600_000).toISOString(), 'a console sign-in lasts 12 hours by default')
  const { auth: shorter, clock: itsClock } = await setup({ ...SETTINGS, consoleSessionHours: 2 })
  const short = await shorter.login({ email: owner.email, password: PASSWORD, client: 'console' }, META)
  const shortRow = await db.selectFrom('auth_session').select('expires_at').where('id', '=', short.session_id).executeTakeFirstOrThrow()
  t.equal(shortRow.expires_at.toISOString(), new Date(itsClock.now().getTime() + 2 * 3_600_000).toISOString(), 'or as configured')
})

t.test('login lockout: five failed checks per e-mail and window; the sixth is refused before the password is read; success clears it', async (t) => {
  const { db, clock, auth } = await setup()
  const alice = await account(db)
  const fail = () => auth.login({ email: alice.email, password: 'not the password at all', client: 'script' }, META)
  for (let i = 0; i < 4; i++) await t.rejects(fail(), { code: 'invalid_credentials' })
  await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  for (let i = 0; i < 5; i++) await t.rejects(fail(), { code: 'invalid_credentials' }, `failure ${i + 1} after the success`)
  // Compared whole (t.same): t.match would take '900000' as matching '900'.
  const locked = (retryAfter: string) => ({ name: 'AuthError', status: 429, code: 'too_many_attempts', message: 'Too many failed sign-in attempts for this e-mail. Try again later.', headers: { 'Retry-After': retryAfter } })
  t.same(refusal(await failure(fail())), locked('900'))
  clock.advance(899_000)
  t.same(refusal(await failure(auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META))), locked('1'), 'even the right password, until the window ends')
  const denied = (await auditOf(db, { email: alice.email })).filter((e) => e.outcome === 'denied')
  t.same(denied.map((e) => [e.kind, e.detail]), [['login', { reason: 'too_many_failures' }], ['login', { reason: 'too_many_failures' }]])
  clock.advance(1_000)
  t.equal((await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)).user.id, alice.id, 'a new window')
})

t.test('refresh: rotation, the race grace, reuse, and every way a session ends', async (t) => {
  const { db, clock, auth } = await setup()
  const alice = await account(db)
  const first = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)

  const second = await auth.refresh(first.refresh, META)
  t.equal(second.session_id, first.session_id, 'the same session')
  t.not(second.refresh, first.refresh)
  const spent = await db.selectFrom('refresh_token').select('used_at').where('token_hash', '=', hashToken(first.refresh)).executeTakeFirstOrThrow()
  t.equal(spent.used_at?.toISOString(), clock.now().toISOString())
  t.match(await auditOf(db, { userId: alice.id }), [{ kind: 'login' }, { kind: 'refresh', outcome: 'success', tenant_id: alice.tenantId, detail: { session_id: first.session_id } }])

  const race = { status: 401, code: 'refresh_token_used', message: 'This refresh token has just been used by another request.' }
  clock.advance(2_000)
  await t.rejects(auth.refresh(first.refresh, META), race, 'used again 2 s later: a racing tab')
  clock.advance(1)
  await t.rejects(auth.refresh(first.refresh, META), { status: 401, code: 'refresh_token_reused', message: 'This refresh token was already used; the session has been ended for safety. Sign in again.' }, 'later: a thief')
  const revoked = await db.selectFrom('auth_session').select(['revoked_at', 'revoked_reason']).where('id', '=', first.session_id).executeTakeFirstOrThrow()
  t.same([revoked.revoked_at?.toISOString(), revoked.revoked_reason], [clock.now().toISOString(), 'refresh_token_reuse'])
  t.match((await auditOf(db, { userId: alice.id })).at(-1), { kind: 'refresh_reuse_detected', outcome: 'denied', tenant_id: alice.tenantId, detail: { session_id: first.session_id, action: 'session revoked' } })
  const ended = { status: 401, code: 'session_ended', message: 'The session has ended. Sign in again.' }
  await t.rejects(auth.refresh(second.refresh, META), ended, 'the successor dies with its session')
  t.match((await auditOf(db, { userId: alice.id })).at(-1), { kind: 'refresh', outcome: 'failure', detail: { reason: 'session_ended', session_id: first.session_id } })

  await t.rejects(auth.refresh('no-such-token', META), { status: 401, code: 'invalid_refresh_token', message: 'The refresh token is not valid.' })
  const unknown = await db.selectFrom('auth_event').select(['user_id', 'detail']).where('kind', '=', 'refresh').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.same(unknown, { user_id: null, detail: { reason: 'unknown_token' } })

  // Expiry: the refresh token's own, and the session's (the console's is shorter than its tokens).
  const late = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  clock.advance(30 * DAY - 1)
  const justInTime = await auth.refresh(late.refresh, META)
  clock.advance(30 * DAY)
  await t.rejects(auth.refresh(justInTime.refresh, META), ended, 'at the end of the session')
  const consoleSession = await auth.login({ email: alice.email, password: PASSWORD, client: 'console' }, META)
  clock.advance(12 * 3_600_000)
  await t.rejects(auth.refresh(consoleSession.refresh, META), ended, 'a console session ends before its token would')

  // A user or membership made inactive ends the session at the next refresh.
  for (const [what, table] of [['user', 'app_user'], ['membership', 'tenant_membership']] as const) {
    const session = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
    if (table === 'app_user') await db.updateTable('app_user').set({ is_active: false }).where('id', '=', alice.id).execute()
    else await db.updateTable('tenant_membership').set({ is_active: false }).where('user_id', '=', alice.id).execute()
    await t.rejects(auth.refresh(session.refresh, META), ended, `an inactive ${what}`)
    const row = await db.selectFrom('auth_session').select('revoked_reason').where('id', '=', session.session_id).executeTakeFirstOrThrow()
    t.equal(row.revoked_reason, 'account_or_membership_inactive')
    await db.updateTable('app_user').set({ is_active: true }).where('id', '=', alice.id).execute()
    await db.updateTable('tenant_membership').set({ is_active: true }).where('user_id', '=', alice.id).execute()
  }
  // A membership removed altogether, likewise.
  const removed = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  await db.deleteFrom('tenant_membership').where('user_id', '=', alice.id).execute()
  await t.rejects(auth.refresh(removed.refresh, META), ended, 'a removed membership')
})

t.test('logout ends the session named by its refresh token or its id, audited; an unknown one is nothing', async (t) => {
  const { db, clock, auth } = await setup()
  const alice = await account(db)
  const byToken = await auth.login({ email: alice.email, password: PASSWORD, client: 'browser' }, META)
  const byId = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  const kept = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  await auth.logout({ refreshToken: byToken.refresh }, META)
  await auth.logout({ sessionId: byId.session_id }, META)
  const named = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  const other = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  const before = await db.selectFrom('auth_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()
  await auth.logout({ refreshToken: 'unknown' }, META)
  await auth.logout({}, META)
  const after = await db.selectFrom('auth_event').select((eb) => eb.fn.count<string>('id').as('n')).where('id', '>', before.id ?? 0).executeTakeFirstOrThrow()
  t.equal(Number(after.n), 0, 'an unknown session: nothing ended, nothing audited')
  // Both named: the session id (the access token's) is the one ended.
  await auth.logout({ sessionId: named.session_id, refreshToken: other.refresh }, META)
  await auth.logout({ sessionId: other.session_id }, META)
  const sessions = await db.selectFrom('auth_session').select(['id', 'revoked_at', 'revoked_reason']).where('user_id', '=', alice.id).execute()
  const state = Object.fromEntries(sessions.map((s) => [s.id, [s.revoked_at?.toISOString() ?? null, s.revoked_reason]]))
  const ended = [clock.now().toISOString(), 'logout']
  t.same(state, { [byToken.session_id]: ended, [byId.session_id]: ended, [kept.session_id]: [null, null], [named.session_id]: ended, [other.session_id]: ended })
  const logouts = (await auditOf(db, { userId: alice.id })).filter((e) => e.kind === 'logout')
  t.same(logouts.map((e) => [e.tenant_id, e.detail]), [byToken, byId, named, other].map((s) => [alice.tenantId, { session_id: s.session_id }]), 'in order: the named session before the other')
})

t.test('changePassword: the current one is checked (and counted), the new one meets the policy, other sessions end', async (t) => {
  const { db, clock, auth } = await setup()
  const alice = await account(db)
  const here = await auth.login({ email: alice.email, password: PASSWORD, client: 'browser' }, META)
  const elsewhere = await auth.login({ email: alice.email, password: PASSWORD, client: 'script' }, META)
  const change = (currentPassword: string, newPassword = 'another quite long passphrase 7') => auth.changePassword({ userId: alice.id, sessionId: here.session_id, currentPassword, newPassword }, META)

  await t.rejects(change('not the password at all'), { status: 400, field: 'current_password', message: 'The current password is incorrect.' })
  await t.rejects(change(PASSWORD, 'short'), { status: 400, field: 'new_password', message: 'Password must be at least 10 characters.' }, 'the policy applies to the new password')
  await change(PASSWORD)
  const sessions = await db.selectFrom('auth_session').select(['id', 'revoked_at', 'revoked_reason']).where('user_id', '=', alice.id).execute()
  t.same(Object.fromEntries(sessions.map((s) => [s.id, [s.revoked_at?.toISOString() ?? null, s.revoked_reason]])), { [here.session_id]: [null, null], [elsewhere.session_id]: [clock.now().toISOString(), 'password_changed'] })
  t.equal((await auth.login({ email: alice.email, password: 'another quite long passphrase 7', client: 'script' }, META)).user.id, alice.id, 'the new password works')
  const changes = (await auditOf(db, { userId: alice.id })).filter((e) => e.kind === 'password_change')
  t.same(changes.map((e) => [e.outcome, e.detail]), [['failure', { reason: 'wrong_current_password' }], ['success', { other_sessions: 'revoked' }]])

  for (let i = 0; i < 5; i++) await t.rejects(change('not the password at all', 'x'), { field: 'current_password', message: 'The current password is incorrect.' })
  // Counted per user: another user's checks are their own.
  const bob = await account(db)
  const bobs = await auth.login({ email: bob.email, password: PASSWORD, client: 'script' }, META)
  await auth.changePassword({ userId: bob.id, sessionId: bobs.session_id, currentPassword: PASSWORD, newPassword: 'yet another long passphrase 9' }, META)
  t.same(refusal(await failure(change('another quite long passphrase 7'))), { name: 'AuthError', status: 429, code: 'too_many_attempts', message: 'Too many wrong current passwords. Try again later.', headers: { 'Retry-After': '900' } })
  t.match((await auditOf(db, { userId: alice.id })).at(-1), { kind: 'password_change', outcome: 'denied', detail: { reason: 'too_many_failures' } })
})
