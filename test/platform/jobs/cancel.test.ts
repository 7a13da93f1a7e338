import t from 'tap'
import { sql } from 'kysely'
import { eventually, startTestServices } from '../../helpers/services.ts'

t.test('a cancelled queued job never runs', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const runAt = new Date(Date.now() + 1500)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', runAt })
  const cancelled = await services.jobs.cancel(job.id, { by: 'test' })
  t.equal(cancelled.status, 'cancelled')
  // No sleep to outlast runAt: a witness due at the same moment, enqueued after it, runs;
  // once it has, the cancelled job would have been fetched too.
  const { job: witness } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', runAt })
  await eventually(async () => (await services.jobs.get(witness.id)).status === 'success' || undefined, 10_000, 'the witness to run')
  const after = await services.jobs.get(job.id)
  t.equal(after.status, 'cancelled')
  t.equal(after.started_at, null, 'it never started')
  const { rows } = await sql<{ state: string }>`SELECT state FROM pgboss.job WHERE id = ${job.id}`.execute(services.database.db)
  t.equal(rows[0]?.state, 'cancelled')
  await t.rejects(services.jobs.cancel(job.id), { status: 409, code: 'conflict' }, 'cancelling twice is a conflict')
})

t.test('cancelling a running job fires its AbortSignal and it ends cancelled', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { sleep_ms: 60_000 } })
  await eventually(async () => (await services.jobs.get(job.id)).status === 'running' || undefined, 10_000, 'the job to start')
  const started = Date.now()
  await services.jobs.cancel(job.id)
  const events = await eventually(async () => {
    const list = await services.jobs.events(job.id)
    return list.some((e) => e.message === 'workflow stopped after cancellation') ? list : undefined
  }, 10_000, 'the workflow to stop')
  t.ok(Date.now() - started < 5000, 'the workflow stopped promptly, not after its 60 s sleep')
  t.same(events.map((e) => e.message), ['job queued', 'job started', 'job cancelled', 'workflow stopped after cancellation'])
  t.equal((await services.jobs.get(job.id)).status, 'cancelled')
  t.equal(services.worker?.runner.runningCount, 0)
})
