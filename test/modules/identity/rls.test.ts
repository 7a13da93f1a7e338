import t from 'tap'
import { sql } from 'kysely'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

t.test('row-level security holds against a query that forgets its tenant filter', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const a = await insertTenant(db, 'A')
  const b = await insertTenant(db, 'B')
  await services.jobs.enqueue(db, { type: 'system.echo', tenantId: a, payload: { secret: 'of A' } })
  await services.jobs.enqueue(db, { type: 'system.echo', tenantId: b, payload: { secret: 'of B' } })

  // Deliberately unfiltered: only RLS stands between B and A's rows.
  const seenByB = await withTenant(tenantDb, b, (trx) => trx.selectFrom('job').select(['tenant_id', 'payload']).execute())
  t.same(seenByB.map((r) => r.tenant_id), [b])
  const tenantsSeenByB = await withTenant(tenantDb, b, (trx) => trx.selectFrom('tenant').select('name').execute())
  t.same(tenantsSeenByB.map((r) => r.name), ['B'])

  // Outside withTenant the request pool sees nothing at all.
  t.same(await tenantDb.selectFrom('job').selectAll().execute(), [])

  // Writing into another tenant is refused by the policy's WITH CHECK.
  await t.rejects(withTenant(tenantDb, b, (trx) => trx.insertInto('schedule').values({ tenant_id: a, name: 'sneaky', job_type: 'system.echo', cron: '* * * * *' }).execute()),
    /row-level security/)
})

t.test('no tenant setting leaks between pooled transactions', async (t) => {
  const services = await startTestServices(t, { env: { DATABASE_POOL_MAX: '1' } })
  const { db, tenantDb } = services.database
  const a = await insertTenant(db, 'A')
  await withTenant(tenantDb, a, async (trx) => {
    const { rows } = await sql<{ tenant: string | null }>`SELECT app_tenant()::text AS tenant`.execute(trx)
    t.equal(rows[0]?.tenant, a)
  })
  // Same single pooled connection, next transaction: the setting is gone.
  const { rows } = await sql<{ tenant: string | null; platform: boolean }>`SELECT app_tenant()::text AS tenant, app_platform() AS platform`.execute(tenantDb)
  t.same(rows[0], { tenant: null, platform: false })
  t.same(await tenantDb.selectFrom('tenant').selectAll().execute(), [])
})

t.test('the service refuses a role that could bypass row-level security', async (t) => {
  const services = await startTestServices(t)
  // The test cluster's superuser URL as APP_DATABASE_URL: exactly what must be refused.
  const { testConfig } = await import('../../helpers/services.ts')
  const { startServices } = await import('../../../src/runtime.ts')
  const { createLogger } = await import('../../../src/platform/observability/logger.ts')
  const config = testConfig(services.url, { APP_DATABASE_URL: services.url })
  await t.rejects(startServices(config, services.url, createLogger({ level: 'silent' }), { worker: false, scheduler: false }), /Refusing to start: .* is a superuser/)
})
