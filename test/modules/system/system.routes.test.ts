import t from 'tap'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'

const PASSWORD = 'a long and unusual passphrase 42'

t.test('/system/* is for staff only, across tenants, and honours ADMIN_IP_ALLOWLIST', async (t) => {
  for (const allowlist of ['', '10.9.8.7']) {
    const services = await startTestServices(t, { env: { ADMIN_IP_ALLOWLIST: allowlist } })
    const app = await buildTestApp(t, services)
    await services.database.db.transaction().execute((trx) => createAccount(trx, { email: 'staff@example.test', password: PASSWORD, isStaff: true }))
    const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'staff@example.test', password: PASSWORD } })
    const staff = { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services) }
    const alice = await signUp(app, services)
    const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId })

    if (allowlist === '') {
      const overview = await app.inject({ method: 'GET', url: '/system/overview/', headers: staff })
      t.equal(overview.statusCode, 200, overview.body)
      t.match(overview.json(), { jobs_by_status: { queued: 1 }, tenants: 2, users: 2 })
      const detail = await app.inject({ method: 'GET', url: `/system/jobs/${job.id}/events/`, headers: staff })
      t.same(detail.json<Array<{ message: string }>>().map((e) => e.message), ['job queued'], 'staff see any tenant\'s job')
      t.equal((await app.inject({ method: 'GET', url: '/system/health/', headers: staff })).json().postgres.ok, true)
      const list = await app.inject({ method: 'GET', url: '/system/jobs/?type=system.echo', headers: staff })
      t.equal(list.statusCode, 200)
      t.same({ count: list.json().count, ids: list.json().results.map((j: { id: string }) => j.id) }, { count: 1, ids: [job.id] }, 'staff list any tenant\'s jobs')
      t.match(list.json().results[0], { type: 'system.echo', status: 'queued', trigger: 'api' })
      const one = await app.inject({ method: 'GET', url: `/system/jobs/${job.id}/`, headers: staff })
      t.equal(one.statusCode, 200)
      t.match(one.json(), { id: job.id, type: 'system.echo', status: 'queued' })
      const created = await app.inject({ method: 'POST', url: '/api/schedules/', headers: alice.headers, payload: { name: 'Friday report', kind: 'weekly', cron: '0 17 * * 5' } })
      t.equal(created.statusCode, 201, created.body)
      const schedules = await app.inject({ method: 'GET', url: '/system/schedules/', headers: staff })
      t.equal(schedules.statusCode, 200)
      t.same(schedules.json().map((s: { id: string }) => s.id), [created.json().id], 'staff see every tenant\'s schedules')
      t.match(schedules.json()[0], { name: 'Friday report', cron: '0 17 * * 5', enabled: true, tenant_id: alice.tenantId })
      const denied = await app.inject({ method: 'GET', url: '/system/overview/', headers: alice.headers })
      t.equal(denied.statusCode, 403, 'an owner of a tenant is not staff')
      const audit = await app.inject({ method: 'GET', url: '/api/audit/?kind=signup', headers: alice.headers })
      t.equal(audit.statusCode, 200)
      t.same(audit.json<Array<{ kind: string; user_id: string }>>().map((e) => [e.kind, e.user_id]), [['signup', alice.id]], 'owners read their own tenant\'s audit log only')
    } else {
      const blocked = await app.inject({ method: 'GET', url: '/system/overview/', headers: staff })
      t.equal(blocked.statusCode, 403, 'staff from an address outside the allowlist are refused')
    }
  }
})

t.test('MAINTENANCE_MODE pauses writes for everyone but staff', async (t) => {
  const services = await startTestServices(t, { env: { MAINTENANCE_MODE: 'true' } })
  const app = await buildTestApp(t, services)
  await services.database.db.transaction().execute((trx) => createAccount(trx, { email: 'owner@example.test', password: PASSWORD }))
  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'owner@example.test', password: PASSWORD } })
  const headers = { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services) }
  t.equal((await app.inject({ method: 'GET', url: '/api/jobs/', headers })).statusCode, 200, 'reads still work')
  const write = await app.inject({ method: 'POST', url: '/api/invites/', headers, payload: {} })
  t.equal(write.statusCode, 503)
  t.equal(write.json().code, 'maintenance')
})
