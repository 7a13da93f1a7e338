import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'

t.test('owners invite; a passkey is single-use, even under 10 concurrent redemptions', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const invited = await app.inject({ method: 'POST', url: '/api/invites/', headers: owner.headers, payload: { role: 'member' } })
  t.equal(invited.statusCode, 201, invited.body)
  const { passkey } = invited.json<{ passkey: string }>()
  t.ok(passkey.length >= 22, '≥ 128 bits of randomness')
  const stored = await services.database.db.selectFrom('invite').select('passkey_hash').executeTakeFirstOrThrow()
  t.not(stored.passkey_hash, passkey, 'only a hash is stored')

  // Ten racers from ten addresses: the per-client signup rate limit is not what is tested here.
  const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => app.inject({
    method: 'POST', url: '/api/auth/signup/', remoteAddress: `192.0.2.${i + 1}`, payload: { email: `racer${i}@example.test`, password: 'a long and unusual passphrase 42', passkey },
  })))
  t.equal(attempts.filter((r) => r.statusCode === 201).length, 1, 'exactly one redemption wins')
  t.ok(attempts.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 400 && r.json().field === 'passkey'))
  const winner = attempts.find((r) => r.statusCode === 201)!.json<{ user: { tenant_id: string; role: string } }>()
  t.equal(winner.user.tenant_id, owner.tenantId, 'the invite joins the inviter\'s tenant')
  t.equal(winner.user.role, 'member')
})

t.test('signup refuses bad passkeys and mass assignment', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const bad = await app.inject({ method: 'POST', url: '/api/auth/signup/', payload: { email: 'x@example.test', password: 'a long and unusual passphrase 42', passkey: 'definitely-not-a-passkey' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().field, 'passkey')
  for (const extra of ['tenant_id', 'role', 'is_staff', 'user_id']) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/signup/', payload: { email: 'x@example.test', password: 'a long and unusual passphrase 42', passkey: 'definitely-not-a-passkey', [extra]: 'owner' } })
    t.equal(res.statusCode, 400, `${extra} is refused`)
    t.equal(res.json().field, `body.${extra}`)
  }
})

t.test('members cannot invite; admins cannot make owners; the last owner stays', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const member = await signUp(app, services, { tenantId: owner.tenantId, role: 'member' })
  const admin = await signUp(app, services, { tenantId: owner.tenantId, role: 'admin' })
  const denied = await app.inject({ method: 'POST', url: '/api/invites/', headers: { ...member.headers, 'x-tenant-id': owner.tenantId }, payload: {} })
  t.equal(denied.statusCode, 403)
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_event WHERE kind = 'permission_denied' AND user_id = ${member.id}`.execute(services.database.db)
  t.equal(rows[0]?.n, 1, 'the denial is audited')

  const adminMakesOwner = await app.inject({ method: 'PATCH', url: `/api/members/${member.id}/`, headers: { ...admin.headers, 'x-tenant-id': owner.tenantId }, payload: { role: 'owner' } })
  t.equal(adminMakesOwner.statusCode, 403)
  const demoteLastOwner = await app.inject({ method: 'PATCH', url: `/api/members/${owner.id}/`, headers: owner.headers, payload: { role: 'admin' } })
  t.equal(demoteLastOwner.statusCode, 409)
  const removeLastOwner = await app.inject({ method: 'DELETE', url: `/api/members/${owner.id}/`, headers: owner.headers })
  t.equal(removeLastOwner.statusCode, 409)

  const list = await app.inject({ method: 'GET', url: '/api/members/', headers: owner.headers })
  t.same(list.json<Array<{ role: string }>>().map((m) => m.role).sort(), ['admin', 'member', 'owner'])

  // A demotion takes effect on the very next request, without waiting for token expiry.
  const demote = await app.inject({ method: 'PATCH', url: `/api/members/${admin.id}/`, headers: owner.headers, payload: { role: 'read_only' } })
  t.equal(demote.statusCode, 200)
  const afterDemotion = await app.inject({ method: 'POST', url: '/api/invites/', headers: { ...admin.headers, 'x-tenant-id': owner.tenantId }, payload: {} })
  t.equal(afterDemotion.statusCode, 403)
  const removed = await app.inject({ method: 'DELETE', url: `/api/members/${member.id}/`, headers: owner.headers })
  t.equal(removed.statusCode, 204)
  const gone = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { ...member.headers, 'x-tenant-id': owner.tenantId } })
  t.equal(gone.statusCode, 403, 'a removed member loses access at once')
})

t.test('a user picks one of their tenants with X-Tenant-ID, never another tenant', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  const res = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { ...bob.headers, 'x-tenant-id': alice.tenantId } })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'not_a_member')
  const audit = await sql<{ tenant_id: string; detail: { requested_tenant?: string } }>`SELECT tenant_id, detail FROM auth_event WHERE kind = 'cross_tenant_access'`.execute(services.database.db)
  t.same(audit.rows.map((r) => [r.tenant_id, r.detail.requested_tenant]), [[bob.tenantId, alice.tenantId]], 'the refusal is audited in bob\'s own tenant, naming the tenant he asked for')
  const aliceAudit = await app.inject({ method: 'GET', url: '/api/audit/', headers: alice.headers })
  t.same(aliceAudit.json<Array<{ kind: string }>>().filter((e) => e.kind === 'cross_tenant_access'), [], 'an outsider cannot write into alice\'s audit log')
  const bad = await app.inject({ method: 'GET', url: '/api/jobs/', headers: { ...bob.headers, 'x-tenant-id': 'nope' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'validation_failed', field: 'headers.x-tenant-id', detail: 'X-Tenant-ID must be a tenant id (UUID).' })
})

t.test('a removed or demoted member\'s schedules stop, audited; owners and admins see and manage every schedule', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const owner = await signUp(app, services)
  const admin = await signUp(app, services, { tenantId: owner.tenantId, role: 'admin' })
  const leaver = await signUp(app, services, { tenantId: owner.tenantId, role: 'member' })
  const demoted = await signUp(app, services, { tenantId: owner.tenantId, role: 'member' })
  const schedule = async (user: TestUser, name: string): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/api/schedules/', headers: user.headers, payload: { name, kind: 'weekly', cron: '0 17 * * 5' } })
    if (res.statusCode !== 201) throw new Error(`schedule: ${res.statusCode} ${res.body}`)
    return res.json<{ id: string }>().id
  }
  const leaverSchedule = await schedule(leaver, 'my weekly')
  const demotedSchedule = await schedule(demoted, 'my weekly')
  const adminSchedule = await schedule(admin, 'team weekly')
  const mirrored = async (id: string): Promise<boolean> =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.schedule WHERE key = ${id}`.execute(db)).rows[0]?.n === 1
  const enabled = async (id: string): Promise<boolean> => (await services.schedules.get(id)).enabled
  const listed = async (user: TestUser) => (await app.inject({ method: 'GET', url: '/api/schedules/', headers: user.headers })).json<Array<{ id: string; user_id: string; enabled: boolean }>>()

  t.same((await listed(leaver)).map((s) => s.id), [leaverSchedule], 'members see their own')
  t.same((await listed(owner)).map((s) => s.id).sort(), [leaverSchedule, demotedSchedule, adminSchedule].sort(), 'owners see every schedule of the tenant')
  t.equal((await listed(owner)).find((s) => s.id === leaverSchedule)?.user_id, leaver.id, 'with whose it is')

  // Admin → member keeps what a member may run; member → read_only does not.
  t.equal((await app.inject({ method: 'PATCH', url: `/api/members/${admin.id}/`, headers: owner.headers, payload: { role: 'member' } })).statusCode, 200)
  t.ok(await enabled(adminSchedule), 'a demotion that keeps the right keeps the schedule')
  t.equal((await app.inject({ method: 'PATCH', url: `/api/members/${demoted.id}/`, headers: owner.headers, payload: { role: 'read_only' } })).statusCode, 200)
  t.notOk(await enabled(demotedSchedule), 'a read_only member\'s report schedule is disabled')
  t.notOk(await mirrored(demotedSchedule), 'and leaves the cron clock')
  t.equal((await app.inject({ method: 'DELETE', url: `/api/members/${leaver.id}/`, headers: owner.headers })).statusCode, 204)
  t.notOk(await enabled(leaverSchedule), 'a removed member\'s schedule is disabled')
  t.notOk(await mirrored(leaverSchedule))
  t.ok(await mirrored(adminSchedule))

  const audit = await sql<{ user_id: string; tenant_id: string; detail: { member: string; reason: string; schedules: string[] } }>`
    SELECT user_id, tenant_id, detail FROM auth_event WHERE kind = 'schedules_disabled' ORDER BY id`.execute(db)
  t.same(audit.rows.map((r) => [r.user_id, r.tenant_id, r.detail.member, r.detail.reason, r.detail.schedules]), [
    [owner.id, owner.tenantId, demoted.id, 'role_changed', [demotedSchedule]],
    [owner.id, owner.tenantId, leaver.id, 'member_removed', [leaverSchedule]],
  ], 'each stop is audited with who did it and which schedules')

  const shown = (await listed(owner)).find((s) => s.id === leaverSchedule)
  t.equal(shown?.enabled, false, 'the owner sees the stopped schedule')
  const reenable = await app.inject({ method: 'PATCH', url: `/api/schedules/${leaverSchedule}/`, headers: owner.headers, payload: { enabled: true } })
  t.equal(reenable.statusCode, 409, 'it cannot be switched back on for someone who may not run it')
  t.equal(reenable.json().field, 'enabled')
  t.equal((await app.inject({ method: 'DELETE', url: `/api/schedules/${leaverSchedule}/`, headers: owner.headers })).statusCode, 204, 'the owner can delete it')
  t.equal((await app.inject({ method: 'DELETE', url: `/api/schedules/${adminSchedule}/`, headers: demoted.headers })).statusCode, 403, 'read_only cannot')
  const byMember = await app.inject({ method: 'PATCH', url: `/api/schedules/${adminSchedule}/`, headers: admin.headers, payload: { cron: '0 9 * * 1' } })
  t.equal(byMember.statusCode, 200, 'the former admin still manages their own')
  const other = await schedule(owner, 'owner weekly')
  t.equal((await app.inject({ method: 'DELETE', url: `/api/schedules/${other}/`, headers: admin.headers })).statusCode, 404, 'but a member cannot touch another person\'s')
})
