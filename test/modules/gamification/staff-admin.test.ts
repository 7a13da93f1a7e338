import t from 'tap'
import { sql } from 'kysely'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'

t.test('staff may run gamification admin in any tenant, and nothing else there', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const password = 'a long and unusual passphrase 42'
  await services.database.db.transaction().execute((trx) => createAccount(trx, { email: 'staff@example.test', password, isStaff: true }))
  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'staff@example.test', password } })
  const staff = { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services), 'x-tenant-id': alice.tenantId }

  const grant = await app.inject({ method: 'POST', url: '/api/admin/gamification/grant/', headers: staff, payload: { user_id: alice.id, amount: 25, reason: 'Helped at the meetup' } })
  t.equal(grant.statusCode, 201, grant.body)
  const metrics = await app.inject({ method: 'GET', url: '/api/admin/gamification/metrics/', headers: staff })
  t.equal(metrics.statusCode, 200)
  const ledger = await sql<{ amount: number }>`SELECT amount FROM xp_event WHERE tenant_id = ${alice.tenantId}`.execute(services.database.db)
  t.same(ledger.rows.map((r) => r.amount), [25], 'ledgered in alice\'s tenant')

  for (const url of ['/api/worklogs/', '/api/jobs/', '/api/members/']) {
    const res = await app.inject({ method: 'GET', url, headers: staff })
    t.equal(res.statusCode, 403, `staff outside the tenant cannot read ${url}`)
  }
  const audit = await sql<{ outcome: string }>`SELECT outcome FROM auth_event WHERE kind = 'cross_tenant_access' AND tenant_id = ${alice.tenantId} ORDER BY id`.execute(services.database.db)
  t.ok(audit.rows.some((r) => r.outcome === 'success'), 'the staff access is audited')
  t.ok(audit.rows.some((r) => r.outcome === 'denied'))

  const member = await signUp(app, services)
  const plain = await app.inject({ method: 'POST', url: '/api/admin/gamification/grant/', headers: { ...member.headers, 'x-tenant-id': alice.tenantId }, payload: { user_id: alice.id, amount: 5, reason: 'x' } })
  t.equal(plain.statusCode, 403, 'a non-staff outsider is still refused')
})
