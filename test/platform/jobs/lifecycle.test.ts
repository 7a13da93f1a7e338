import t from 'tap'
import { sql } from 'kysely'
import { eventually, startTestServices } from '../../helpers/services.ts'

t.test('a job moves queued → running → success and leaves its events in order', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const { job, created } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { x: 1 } })
  t.ok(created)
  t.equal(job.status, 'queued')
  const done = await eventually(async () => {
    const current = await services.jobs.get(job.id)
    return current.status === 'success' ? current : undefined
  }, 10_000, 'the echo job to succeed')
  t.same(done.result, { x: 1 })
  t.equal(done.attempt, 1)
  t.ok(done.started_at !== null && done.finished_at !== null)
  const events = await services.jobs.events(job.id)
  t.same(events.map((e) => e.message), ['job queued', 'job started', 'job completed'])
  t.same(events.map((e) => e.source), ['system', 'worker', 'worker'])
  t.ok(events.every((e) => e.trace_id === job.trace_id), 'every event carries the trace id')
})

t.test('an unknown job type is refused at enqueue time and writes nothing', async (t) => {
  const services = await startTestServices(t)
  await t.rejects(services.jobs.enqueue(services.database.db, { type: 'nope.missing' }), {
    code: 'unknown_job_type',
    status: 400,
    message: /Unknown job type "nope\.missing".*system\.echo/,
  })
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM job`.execute(services.database.db)
  t.equal(rows[0]?.n, 0)
})

t.test('a payload that breaks the type\'s schema is refused naming the field', async (t) => {
  const services = await startTestServices(t)
  await t.rejects(services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { sleep_ms: 'long' } }), {
    code: 'validation_failed',
    field: 'payload.sleep_ms',
  })
})
