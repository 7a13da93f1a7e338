import t from 'tap'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

t.test('a workflow enqueues a child that inherits trace, tenant and user', async (t) => {
  const registry = registerWorkflows(new JobRegistry())
  registry.register('test.parent', async (ctx, payload) => {
    const child = await ctx.enqueueChild(ctx.db, { type: 'system.echo', payload: { from: ctx.jobId, value: payload.value ?? null } })
    await ctx.log('child enqueued', { data: { child_id: child.id } })
    return { child_id: child.id }
  })
  const services = await startTestServices(t, { worker: true, registry })
  const tenantId = await insertTenant(services.database.db)
  const { job: parent } = await services.jobs.enqueue(services.database.db, { type: 'test.parent', payload: { value: 7 }, tenantId })
  const done = await eventually(async () => {
    const current = await services.jobs.get(parent.id)
    return current.status === 'success' ? current : undefined
  }, 10_000, 'the parent to finish')
  const childId = (done.result as { child_id: string }).child_id
  const child = await eventually(async () => {
    const current = await services.jobs.get(childId)
    return current.status === 'success' ? current : undefined
  }, 10_000, 'the child to finish')
  t.equal(child.parent_job_id, parent.id)
  t.equal(child.trace_id, parent.trace_id)
  t.equal(child.tenant_id, tenantId)
  t.equal(child.trigger, 'system')
  t.same(child.result, { from: parent.id, value: 7 })
  const { jobs } = await services.jobs.list({ parentJobId: parent.id })
  t.same(jobs.map((j) => j.id), [childId])
  const parentEvents = await services.jobs.events(parent.id)
  t.ok(parentEvents.some((e) => e.message === 'child enqueued' && e.source === 'workflow'))
})
