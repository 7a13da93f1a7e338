import t from 'tap'
import { sql } from 'kysely'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

t.test('a job runs with the enqueuing user\'s rights at run time, inside its tenant', async (t) => {
  let ran = 0
  const registry = registerWorkflows(new JobRegistry())
  registry.register('test.tenant_write', async (ctx) => {
    ran++
    // Unfiltered on purpose: inTenant's row-level security limits it to the job's tenant.
    const visible = await ctx.inTenant((trx) => trx.selectFrom('job').select('tenant_id').execute())
    return { tenants: [...new Set(visible.map((r) => r.tenant_id))] }
  }, { requires: 'work:write', retryLimit: 3 })
  const services = await startTestServices(t, { worker: true, registry })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const member = await signUp(app, services, { tenantId: owner.tenantId, role: 'member' })
  const stranger = await signUp(app, services)
  await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: stranger.tenantId, runAt: new Date(Date.now() + 600_000) })

  const { job: allowed } = await services.jobs.enqueue(services.database.db, { type: 'test.tenant_write', tenantId: owner.tenantId, userId: member.id })
  const done = await eventually(async () => {
    const current = await services.jobs.get(allowed.id)
    return current.status === 'success' ? current : undefined
  }, 10_000, 'the allowed job')
  t.same(done.result, { tenants: [owner.tenantId] }, 'the workflow saw only its own tenant')

  // Enqueued as a member, demoted before it runs: refused, once, with a clear error.
  const { job: later } = await services.jobs.enqueue(services.database.db, { type: 'test.tenant_write', tenantId: owner.tenantId, userId: member.id, runAt: new Date(Date.now() + 1500) })
  await sql`UPDATE tenant_membership SET role = 'read_only' WHERE user_id = ${member.id}`.execute(services.database.db)
  const refused = await eventually(async () => {
    const current = await services.jobs.get(later.id)
    return current.status === 'failed' ? current : undefined
  }, 15_000, 'the demoted user\'s job to fail')
  t.match(refused.error, /no longer has permission for work:write .*role now: read_only/)
  t.equal(refused.attempt, 1, 'a permission failure is not retried')
  t.equal(ran, 1, 'the workflow never ran for the demoted user')
})
