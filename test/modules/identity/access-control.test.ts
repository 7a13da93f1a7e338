// Access control on its own: a bare Fastify app with only the problem handler and
// installAccessControl, and probe routes for each kind of rule, so every branch of the
// pipeline (service token, bearer token, session, membership, staff, matrix, admin flags)
// is pinned by its exact answer and the exact audit row it leaves. The users and sessions
// are real, made through the full app over the same database.
import t, { type Test } from 'tap'
import { createHmac, randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../../../src/config.ts'
import { bearerSubject, derivedKey, installAccessControl, rejectionReason, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../src/modules/identity/access-control.ts'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import type { Clock } from '../../../src/platform/clock.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'
import { installProblemHandler } from '../../../src/platform/http/problem-handler.ts'
import type { Services } from '../../../src/runtime.ts'
import { manualClock } from '../../helpers/clock.ts'
import { buildTestApp, startedOnce, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp, type TestUser } from '../../helpers/auth.ts'

const PASSWORD = 'a long and unusual passphrase 42'

type Flags = Partial<Config['flags']>
interface ProbeOptions { flags?: Flags; skipServiceAuth?: boolean; clock?: Clock }

/** The app under test: access control and probe routes that echo what it decided. */
async function probeApp (t: Test, services: Services, options: ProbeOptions = {}): Promise<App> {
  const base = services.config
  const config: Config = {
    ...base,
    flags: { ...base.flags, ...options.flags },
    auth: { ...base.auth, ...(options.skipServiceAuth !== undefined && { skipServiceAuth: options.skipServiceAuth }) },
  }
  const app: App = Fastify({ genReqId: () => randomUUID() }).withTypeProvider<TypeBoxTypeProvider>()
  installProblemHandler(app, { exposeErrors: false })
  await installAccessControl(app, { config, db: services.database.db, ...(options.clock !== undefined && { clock: options.clock }) })
  const principal = (request: { principal: unknown }) => ({ principal: request.principal })
  app.get('/api/probe/read/', { config: { access: 'work:read' } }, principal)
  app.post('/api/probe/write/', { config: { access: 'work:write' } }, principal)
  app.post('/api/probe/admin/', { config: { access: 'gamification:admin' } }, principal)
  app.get('/api/probe/public/', { config: { public: true } }, principal)
  app.get('/api/auth/probe/', { config: { access: 'work:read' } }, principal)
  app.get('/api/probe/subject/', { config: { public: true } }, async (request) => ({ subject: await bearerSubject(request) ?? null }))
  app.get('/system/probe/', { config: { access: 'system:read' } }, principal)
  app.post('/system/probe/', { config: { access: 'system:write' } }, principal)
  app.get('/system/console/probe/', { config: { access: 'system:read', credentials: 'console-cookie' } }, principal)
  app.post('/system/console/probe/', { config: { access: 'system:write', credentials: 'console-cookie' } }, principal)
  t.teardown(() => app.close())
  return app
}

interface World { services: Services; full: App; owner: TestUser; reader: TestUser; staff: { headers: Record<string, string>; id: string; tenantId: string } }

// One database and set of users for the file (signing up hashes passwords, the slow part);
// a subtest that changes a user, tenant or session puts it back or uses users of its own.
const world = startedOnce(() => makeWorld(t))

async function makeWorld (t: Test): Promise<World> {
  const services = await startTestServices(t)
  const full = await buildTestApp(t, services)
  const owner = await signUp(full, services)
  const reader = await signUp(full, services, { tenantId: owner.tenantId, role: 'read_only' })
  const created = await services.database.db.transaction().execute((trx) => createAccount(trx, { email: `staff-${randomUUID()}@example.test`, password: PASSWORD, isStaff: true }))
  const login = await full.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: created.user.email, password: PASSWORD } })
  if (login.statusCode !== 200) throw new Error(login.body)
  const staff = { id: created.user.id, tenantId: created.tenantId, headers: { authorization: `Bearer ${login.json<{ access: string }>().access}`, ...serviceHeader(services) } }
  return { services, full, owner, reader, staff }
}

/** The auth_event rows written since `after` (an id), oldest first. */
async function eventsSince (services: Services, after: number): Promise<Array<{ kind: string; outcome: string; user_id: string | null; tenant_id: string | null; detail: Record<string, unknown> }>> {
  return await services.database.db.selectFrom('auth_event').select(['kind', 'outcome', 'user_id', 'tenant_id', 'detail'])
    .where('id', '>', after).orderBy('id').execute() as never
}
async function lastEventId (services: Services): Promise<number> {
  const row = await services.database.db.selectFrom('auth_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()
  return Number(row.id ?? 0)
}

function claimsOf (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}
/** An access token signed with the app's key, with chosen claims. */
function signed (services: Services, claims: Record<string, unknown>): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
  return `${unsigned}.${createHmac('sha256', derivedKey(services.config.secretKey, 'jwt-access')).update(unsigned).digest('base64url')}`
}

t.test('the key material and the token names are pinned: changing them ends every session', async (t) => {
  // HMAC-SHA256 of "afterresume:<purpose>" under the secret key, one key per purpose.
  t.equal(derivedKey('k', 'jwt-access'), '4f34b724609057033e045edfc42fef6298be1cdabea646d95a1d761b6e3895eb')
  t.not(derivedKey('k', 'jwt-access'), derivedKey('k', 'cookie-signing'))
  t.same([TOKEN_ISSUER, TOKEN_AUDIENCE], ['afterresume', 'afterresume-api'])
})

t.test('a route without an access rule cannot be added; public and access rules can', async (t) => {
  const services = await startTestServices(t)
  const app: App = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  t.teardown(() => app.close())
  await installAccessControl(app, { config: services.config, db: services.database.db })
  t.throws(() => app.get('/api/naked/', async () => ({})), { message: 'Route GET /api/naked/ has no access rule: set config.access to an action from permissions.ts, or config.public: true.' })
  t.throws(() => app.get('/api/not-public/', { config: { public: false } }, async () => ({})), { message: /has no access rule/ })
  t.throws(() => app.get('/api/both/', { config: { public: true, access: 'work:read' } }, async () => ({})), { message: 'Route GET /api/both/ is both public and guarded (work:read): choose one.' })
  t.doesNotThrow(() => app.get('/api/open/', { config: { public: true } }, async () => ({})))
  t.doesNotThrow(() => app.get('/api/guarded/', { config: { access: 'work:read' } }, async () => ({})))
})

t.test('X-Service-Token: required on /api/* but the exempt prefixes, with one message per verdict, and every refusal audited', async (t) => {
  const { services, owner } = await world()
  const app = await probeApp(t, services)
  const bearer = { authorization: owner.headers.authorization! }
  const now = Math.floor(Date.now() / 1000)
  const mac = (at: number) => createHmac('sha256', services.config.auth.serviceSecret).update(String(at)).digest('hex')
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['missing', {}, 'missing', 'X-Service-Token is required: "<unix-seconds>:<hex HMAC-SHA256(secret, unix-seconds)>".'],
    ['expired', { 'x-service-token': `${now - 400}:${mac(now - 400)}` }, 'expired', 'X-Service-Token is older than 300 seconds.'],
    ['future', { 'x-service-token': `${now + 400}:${mac(now + 400)}` }, 'future', 'X-Service-Token is dated more than 300 seconds ahead.'],
    ['malformed', { 'x-service-token': 'nonsense' }, 'malformed', 'X-Service-Token must look like "<unix-seconds>:<64 hex digits>".'],
    ['bad signature', { 'x-service-token': `${now}:${'0'.repeat(64)}` }, 'invalid', 'X-Service-Token signature is not valid.'],
  ]
  for (const [name, header, reason, detail] of cases) {
    const before = await lastEventId(services)
    const res = await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...bearer, ...header } })
    t.equal(res.statusCode, 401, name)
    t.match(res.json(), { code: 'invalid_service_token', detail }, name)
    t.same(await eventsSince(services, before), [{ kind: 'service_token_rejected', outcome: 'denied', user_id: null, tenant_id: null, detail: { reason, path: '/api/probe/read/' } }], `${name}: audited`)
  }
  // A repeated header arrives joined ("a, b"): malformed, however good its first value.
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...bearer, 'x-service-token': [serviceHeader(services)['x-service-token']!, 'x'] } })).json().detail, cases[3]![3], 'a repeated header is malformed')

  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).statusCode, 200, 'the control: with the token it passes')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/probe/', headers: bearer })).statusCode, 200, 'an exempt prefix needs no service token')
  t.equal((await app.inject({ method: 'GET', url: '/system/probe/', headers: bearer })).statusCode, 403, 'outside /api/ no service token is asked (the route itself refuses a non-staff user)')
  const skipping = await probeApp(t, services, { skipServiceAuth: true })
  t.equal((await skipping.inject({ method: 'GET', url: '/api/probe/read/', headers: bearer })).statusCode, 200, 'SKIP_SERVICE_AUTH lets a call without the token through')

  const dated = manualClock(new Date(Date.now() + 3600_000))
  const later = await probeApp(t, services, { clock: dated })
  const res = await later.inject({ method: 'GET', url: '/api/probe/public/', headers: serviceHeader(services) })
  t.equal(res.json().detail, cases[1]![3], 'the service-token window is judged by the injected clock')
})

t.test('the bearer token: its header, its signature, its kind and its claims', async (t) => {
  const { services, owner } = await world()
  const app = await probeApp(t, services)
  const service = serviceHeader(services)
  const call = (authorization?: string) => app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...service, ...(authorization !== undefined && { authorization }) } })
  const notAuthenticated = { status: 401, code: 'not_authenticated', detail: 'Send an access token: Authorization: Bearer <access>.' }
  for (const header of [undefined, 'Bearer', 'Bearer ', `Basic ${owner.access}`, `Token ${owner.access}`, `xBearer ${owner.access}`, `Bearer ${owner.access} ${owner.access}`]) {
    const res = await call(header)
    t.match(res.json(), notAuthenticated, `Authorization: ${String(header)}`)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="afterresume"')
  }
  t.equal((await call(`bearer ${owner.access}`)).statusCode, 200, 'the scheme is case-insensitive')

  const before = await lastEventId(services)
  const res = await call(`Bearer ${owner.access}x`)
  t.match(res.json(), { status: 401, code: 'invalid_token', detail: 'The access token is invalid or has expired.' })
  t.same(await eventsSince(services, before), [{ kind: 'token_rejected', outcome: 'denied', user_id: null, tenant_id: null, detail: { reason: 'FST_JWT_AUTHORIZATION_TOKEN_INVALID' } }])

  // Correctly signed, but not an access token or not naming real ids: refused without an audit row.
  const real = claimsOf(owner.access)
  const afterSigned = await lastEventId(services)
  for (const [name, change] of [['a refresh token', { typ: 'refresh' }], ['no kind', { typ: undefined }], ['sid not a uuid', { sid: `${String(real.sid)}x` }], ['sub not a uuid', { sub: `x${String(real.sub)}` }], ['tid not a uuid', { tid: `${String(real.tid)}0` }]] as const) {
    const answer = await call(`Bearer ${signed(services, { ...real, ...change, jti: randomUUID() })}`)
    t.match(answer.json(), { status: 401, code: 'invalid_token', detail: 'The access token is invalid or has expired.' }, name)
  }
  t.same(await eventsSince(services, afterSigned), [], 'claims refused after the signature check leave no audit row')
  t.same([rejectionReason({ code: 'FAST_JWT_EXPIRED' }), rejectionReason(new Error('no code')), rejectionReason({ code: 7 }), rejectionReason(null)], ['FAST_JWT_EXPIRED', 'invalid', 'invalid', 'invalid'], 'the reason recorded is the library\'s code, or "invalid"')
  t.equal((await call(`Bearer ${signed(services, { ...real, jti: randomUUID() })}`)).statusCode, 200, 'the control: the same claims unchanged pass')
})

t.test('bearerSubject names the user of a valid access token and nothing else', async (t) => {
  const { services, owner } = await world()
  const app = await probeApp(t, services)
  const service = serviceHeader(services)
  const subject = async (authorization?: string) => (await app.inject({ method: 'GET', url: '/api/probe/subject/', headers: { ...service, ...(authorization !== undefined && { authorization }) } })).json<{ subject: string | null }>().subject
  const real = claimsOf(owner.access)
  t.equal(await subject(`Bearer ${owner.access}`), owner.id)
  t.equal(await subject(`bearer ${owner.access}`), owner.id)
  t.equal(await subject(undefined), null, 'no header')
  t.equal(await subject(`Basic ${owner.access}`), null, 'another scheme')
  t.equal(await subject(`Bearer ${owner.access}x`), null, 'a bad signature')
  t.equal(await subject(`Bearer ${signed(services, { ...real, typ: 'refresh' })}`), null, 'a refresh token')
  t.equal(await subject(`Bearer ${signed(services, { ...real, sub: 'not-a-uuid' })}`), null, 'a subject that is not a user id')
})

t.test('the principal: the session, the user and the membership are checked on every request', async (t) => {
  const { services, full, owner: tenantOwner, reader } = await world()
  // Its own user: this test ends the user's session.
  const owner = await signUp(full, services)
  const clock = manualClock()
  const app = await probeApp(t, services, { clock })
  const db = services.database.db
  const ok = await app.inject({ method: 'GET', url: '/api/probe/read/', headers: reader.headers })
  t.same(ok.json(), { principal: { userId: reader.id, email: reader.email, tenantId: tenantOwner.tenantId, role: 'read_only', isStaff: false, sessionId: claimsOf(reader.access).sid, asStaffOutsider: false } })
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...reader.headers, 'x-tenant-id': '' } })).statusCode, 200, 'an empty X-Tenant-ID means the token\'s tenant')
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/public/', headers: serviceHeader(services) })).json().principal, null, 'public routes have no principal and need no bearer token')

  for (const tenant of ['acme', `${tenantOwner.tenantId}0`, `0${tenantOwner.tenantId}`, tenantOwner.tenantId.replace(/-/g, '')]) {
    const badTenant = await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...reader.headers, 'x-tenant-id': tenant } })
    t.match(badTenant.json(), { status: 400, code: 'validation_failed', field: 'headers.x-tenant-id', detail: 'X-Tenant-ID must be a tenant id (UUID).' }, `X-Tenant-ID: ${tenant}`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...reader.headers, 'x-tenant-id': tenantOwner.tenantId.toUpperCase() } })).statusCode, 200, 'a tenant id in capitals is the same id')

  const sessionEnded = { status: 401, code: 'session_ended', detail: 'The session has ended. Sign in again.' }
  const { expires_at: expiresAt } = await db.selectFrom('auth_session').select('expires_at').where('id', '=', String(claimsOf(owner.access).sid)).executeTakeFirstOrThrow()
  // The service token is dated by the same clock, as the SPA proxy would date it then.
  const at = (instant: Date) => { clock.set(instant); return { ...owner.headers, ...serviceHeader(services, clock) } }
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: at(new Date(expiresAt.getTime() - 1000)) })).statusCode, 200, 'a session is live until its expiry')
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: at(expiresAt) })).json(), sessionEnded, 'and ended at it')
  clock.set(new Date())

  await db.updateTable('app_user').set({ is_active: false }).where('id', '=', owner.id).execute()
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).json(), sessionEnded, 'a deactivated user')
  await db.updateTable('app_user').set({ is_active: true }).where('id', '=', owner.id).execute()
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).statusCode, 200, 'reactivated')
  await db.updateTable('auth_session').set({ revoked_at: new Date() }).where('id', '=', String(claimsOf(owner.access).sid)).execute()
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).json(), sessionEnded, 'a revoked session')
  const forged = signed(services, { ...claimsOf(reader.access), sub: owner.id, jti: randomUUID() })
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...reader.headers, authorization: `Bearer ${forged}` } })).json(), sessionEnded, 'a session belongs to its own user only')
})

t.test('membership: a non-member, an inactive membership and an inactive tenant are refused, audited in the caller\'s tenant', async (t) => {
  const { services, full, owner, reader } = await world()
  const app = await probeApp(t, services)
  const db = services.database.db
  const stranger = await signUp(full, services)
  const notMember = { status: 403, code: 'not_a_member', field: 'headers.x-tenant-id', detail: 'You are not a member of that tenant.' }

  const before = await lastEventId(services)
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: { ...stranger.headers, 'x-tenant-id': owner.tenantId } })).json(), notMember)
  t.same(await eventsSince(services, before), [{ kind: 'cross_tenant_access', outcome: 'denied', user_id: stranger.id, tenant_id: stranger.tenantId, detail: { path: '/api/probe/read/', requested_tenant: owner.tenantId } }], 'recorded in the stranger\'s own tenant, naming the one asked for')

  t.match((await app.inject({ method: 'POST', url: '/api/probe/admin/', headers: { ...stranger.headers, 'x-tenant-id': owner.tenantId } })).json(), notMember, 'what staff may do in any tenant, a non-staff outsider may not')

  await db.updateTable('tenant_membership').set({ is_active: false }).where('user_id', '=', reader.id).execute()
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: reader.headers })).json(), notMember, 'an inactive membership')
  await db.updateTable('tenant_membership').set({ is_active: true }).where('user_id', '=', reader.id).execute()
  await db.updateTable('tenant').set({ is_active: false }).where('id', '=', owner.tenantId).execute()
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: reader.headers })).json(), notMember, 'an inactive tenant')
  await db.updateTable('tenant').set({ is_active: true }).where('id', '=', owner.tenantId).execute()
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: reader.headers })).statusCode, 200, 'the control: active again')
})

t.test('staff outside a tenant: only the actions staff may take in any tenant, in a tenant that exists, audited there', async (t) => {
  const { services, owner, staff } = await world()
  const app = await probeApp(t, services)
  const headers = { ...staff.headers, 'x-tenant-id': owner.tenantId }

  let before = await lastEventId(services)
  const admin = await app.inject({ method: 'POST', url: '/api/probe/admin/', headers })
  t.equal(admin.statusCode, 200)
  t.same(admin.json().principal, { userId: staff.id, email: admin.json().principal.email, tenantId: owner.tenantId, role: 'read_only', isStaff: true, sessionId: claimsOf(staff.headers.authorization!.slice(7)).sid, asStaffOutsider: true })
  t.same(await eventsSince(services, before), [{ kind: 'cross_tenant_access', outcome: 'success', user_id: staff.id, tenant_id: owner.tenantId, detail: { as: 'staff', action: 'gamification:admin', path: '/api/probe/admin/' } }])

  before = await lastEventId(services)
  t.match((await app.inject({ method: 'GET', url: '/api/probe/read/', headers })).json(), { status: 403, code: 'not_a_member' }, 'staff cannot read a tenant\'s work')
  t.same(await eventsSince(services, before), [{ kind: 'cross_tenant_access', outcome: 'denied', user_id: staff.id, tenant_id: owner.tenantId, detail: { path: '/api/probe/read/', requested_tenant: owner.tenantId } }], 'a staff attempt is recorded in the tenant it concerns')

  // Staff whose own membership of the tenant was ended are not outsiders there: refused.
  await services.database.db.insertInto('tenant_membership').values({ tenant_id: owner.tenantId, user_id: staff.id, role: 'member', is_active: false }).execute()
  t.match((await app.inject({ method: 'POST', url: '/api/probe/admin/', headers })).json(), { status: 403, code: 'not_a_member' }, 'a staff member whose membership is inactive')
  await services.database.db.deleteFrom('tenant_membership').where('tenant_id', '=', owner.tenantId).where('user_id', '=', staff.id).execute()

  const nowhere = randomUUID()
  t.match((await app.inject({ method: 'POST', url: '/api/probe/admin/', headers: { ...staff.headers, 'x-tenant-id': nowhere } })).json(), { status: 403, code: 'not_a_member' }, 'not in a tenant that does not exist')
  await services.database.db.updateTable('tenant').set({ is_active: false }).where('id', '=', owner.tenantId).execute()
  t.match((await app.inject({ method: 'POST', url: '/api/probe/admin/', headers })).json(), { status: 403, code: 'not_a_member' }, 'nor in an inactive one')
  await services.database.db.updateTable('tenant').set({ is_active: true }).where('id', '=', owner.tenantId).execute()
})

t.test('the permission matrix, staff-only actions, the admin allowlist and maintenance mode', async (t) => {
  const { services, owner, reader, staff } = await world()
  const app = await probeApp(t, services)

  let before = await lastEventId(services)
  t.match((await app.inject({ method: 'POST', url: '/api/probe/write/', headers: reader.headers })).json(), { status: 403, code: 'forbidden', detail: 'Your role (read_only) does not allow work:write.' })
  t.same(await eventsSince(services, before), [{ kind: 'permission_denied', outcome: 'denied', user_id: reader.id, tenant_id: owner.tenantId, detail: { action: 'work:write', role: 'read_only', path: '/api/probe/write/' } }])
  t.equal((await app.inject({ method: 'POST', url: '/api/probe/write/', headers: owner.headers })).statusCode, 200, 'the owner may write')

  before = await lastEventId(services)
  t.match((await app.inject({ method: 'GET', url: '/system/probe/', headers: owner.headers })).json(), { status: 403, code: 'forbidden', detail: 'Your role (owner) does not allow system:read.' }, 'no tenant role opens a staff action')
  t.same(await eventsSince(services, before), [{ kind: 'permission_denied', outcome: 'denied', user_id: owner.id, tenant_id: owner.tenantId, detail: { action: 'system:read', role: 'owner', path: '/system/probe/' } }])
  t.equal((await app.inject({ method: 'GET', url: '/system/probe/', headers: staff.headers })).statusCode, 200, 'staff may')

  const allowlisted = await probeApp(t, services, { flags: { adminIpAllowlist: ['203.0.113.7'] } })
  before = await lastEventId(services)
  t.match((await allowlisted.inject({ method: 'GET', url: '/system/probe/', headers: staff.headers, remoteAddress: '203.0.113.8' })).json(), { status: 403, code: 'forbidden', detail: 'Staff routes are not reachable from this address.' })
  t.same(await eventsSince(services, before), [{ kind: 'permission_denied', outcome: 'denied', user_id: staff.id, tenant_id: null, detail: { action: 'system:read', reason: 'ip_not_allowlisted' } }])
  t.equal((await allowlisted.inject({ method: 'GET', url: '/system/probe/', headers: staff.headers, remoteAddress: '203.0.113.7' })).statusCode, 200, 'from the listed address')
  t.equal((await allowlisted.inject({ method: 'POST', url: '/api/probe/admin/', headers: { ...staff.headers, 'x-tenant-id': owner.tenantId }, remoteAddress: '203.0.113.8' })).statusCode, 403, 'staff acting in another tenant are held to the list too')
  t.equal((await allowlisted.inject({ method: 'POST', url: '/api/probe/admin/', headers: owner.headers, remoteAddress: '203.0.113.8' })).statusCode, 200, 'a tenant admin in their own tenant is not')

  const paused = await probeApp(t, services, { flags: { maintenanceMode: true } })
  const write = await paused.inject({ method: 'POST', url: '/api/probe/write/', headers: owner.headers })
  t.match(write.json(), { status: 503, code: 'maintenance', detail: 'AfterResume is in maintenance mode; changes are paused. Please try again shortly.' })
  t.equal(write.headers['retry-after'], '300')
  t.equal((await paused.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).statusCode, 200, 'reads go on')
  t.equal((await paused.inject({ method: 'HEAD', url: '/api/probe/read/', headers: owner.headers })).statusCode, 200, 'HEAD is a read')
  t.equal((await paused.inject({ method: 'POST', url: '/system/probe/', headers: staff.headers })).statusCode, 200, 'staff still write')
})

t.test('console routes take the signed console cookie, not a Bearer token, and change nothing unless asked from our own origin', async (t) => {
  const { services, staff } = await world()
  const app = await probeApp(t, services)
  const db = services.database.db
  const session = await db.insertInto('auth_session').values({ user_id: staff.id, tenant_id: staff.tenantId, client: 'console', expires_at: new Date(Date.now() + 3_600_000) }).returning('id').executeTakeFirstOrThrow()
  // Signed as @fastify/cookie signs, with the key derived for cookies: value.HMAC-SHA256, base64 without padding.
  const signature = createHmac('sha256', derivedKey(services.config.secretKey, 'cookie-signing')).update(session.id).digest('base64').replace(/=+$/, '')
  const cookie = `afterresume_console=${session.id}.${signature}`
  const url = '/system/console/probe/'

  const read = await app.inject({ method: 'GET', url, headers: { cookie } })
  t.equal(read.statusCode, 200, read.body)
  t.match(read.json().principal, { userId: staff.id, sessionId: session.id, isStaff: true })
  t.equal((await app.inject({ method: 'HEAD', url, headers: { cookie } })).statusCode, 200, 'HEAD needs no origin')
  t.equal((await app.inject({ method: 'GET', url, headers: { authorization: staff.headers.authorization! } })).statusCode, 401, 'a Bearer token does not open a console route')
  t.equal((await app.inject({ method: 'GET', url, headers: { cookie: `afterresume_console=${session.id}.${signature.slice(1)}x` } })).statusCode, 401, 'nor a cookie with another signature')

  for (const [origin, what] of [[undefined, 'no Origin'], ['https://evil.example', 'another site']] as const) {
    const before = await lastEventId(services)
    const write = await app.inject({ method: 'POST', url, headers: { cookie, ...(origin !== undefined && { origin }) } })
    t.match(write.json(), { status: 403, code: 'untrusted_origin', field: 'headers.origin', detail: 'Console actions must come from the console\'s own pages (the Origin header did not match).' }, what)
    t.same(await eventsSince(services, before), [{ kind: 'permission_denied', outcome: 'denied', user_id: staff.id, tenant_id: null, detail: { reason: 'untrusted_origin', origin: origin ?? null, path: url } }], `${what}: audited`)
  }
  t.equal((await app.inject({ method: 'POST', url, headers: { cookie, origin: 'http://localhost:80' } })).statusCode, 200, 'from our own origin')
})

t.test('one signature check per request however many ask, and tokens that live ACCESS_TOKEN_TTL_SECONDS', async (t) => {
  const { services, owner } = await world()
  const app: App = Fastify({ genReqId: () => randomUUID() }).withTypeProvider<TypeBoxTypeProvider>()
  t.teardown(() => app.close())
  installProblemHandler(app, { exposeErrors: false })
  let verifications = 0
  // As the rate limiter does: read the subject before access control runs.
  app.addHook('onRequest', async (request) => {
    const verify = request.jwtVerify.bind(request)
    // @fastify/jwt's promise form calls itself again with a callback: count the outer calls only.
    request.jwtVerify = ((...args: unknown[]) => {
      if (typeof args.at(-1) !== 'function') verifications++
      return (verify as (...a: unknown[]) => unknown)(...args)
    }) as typeof request.jwtVerify
    t.equal(await bearerSubject(request), owner.id)
  })
  const signer = await installAccessControl(app, { config: services.config, db: services.database.db })
  app.get('/api/probe/read/', { config: { access: 'work:read' } }, async () => ({}))
  t.equal((await app.inject({ method: 'GET', url: '/api/probe/read/', headers: owner.headers })).statusCode, 200)
  t.equal(verifications, 1)

  const claims = claimsOf(signer.sign({ sub: owner.id, tid: owner.tenantId, sid: randomUUID(), typ: 'access', jti: randomUUID() }))
  t.equal(Number(claims.exp) - Number(claims.iat), services.config.auth.accessTokenTtlSeconds)
  t.match(claims, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE })
})
