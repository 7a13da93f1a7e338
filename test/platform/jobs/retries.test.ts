import t from 'tap'
import { eventually, startTestServices } from '../../helpers/services.ts'

t.test('failed attempts retry with growing backoff, the row mirrors each retry, then success', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { fail_attempts: 2 } })

  // While waiting for a retry the row is back to queued with the backoff time.
  const retrying = await eventually(async () => {
    const current = await services.jobs.get(job.id)
    return current.status === 'queued' && current.retry_count === 1 ? current : undefined
  }, 10_000, 'the first retry to be scheduled')
  t.ok(retrying.scheduled_for !== null && retrying.scheduled_for.getTime() > Date.now() - 2000, 'scheduled_for holds the backoff time')
  t.match(retrying.error, /fail attempt 1/)

  const done = await eventually(async () => {
    const current = await services.jobs.get(job.id)
    return current.status === 'success' ? current : undefined
  }, 20_000, 'the job to succeed on its third attempt')
  t.equal(done.attempt, 3)
  t.equal(done.retry_count, 2)
  t.equal(done.error, null, 'a later success clears the error; its history stays in the events')

  const events = await services.jobs.events(job.id)
  t.same(events.map((e) => e.message), [
    'job queued',
    'job started', 'attempt 1 failed: echo asked to fail attempt 1', 'retry 1 of 3 scheduled',
    'job started', 'attempt 2 failed: echo asked to fail attempt 2', 'retry 2 of 3 scheduled',
    'job started', 'job completed',
  ])
  // delay_ms is start_after, as pg-boss recorded it, less the time of the transaction in
  // which pg-boss scheduled the retry: its backoff exactly (retryDelay 1 s, doubling, with
  // up to 100% jitter), give or take the millisecond lost in rounding to JavaScript dates.
  const retries = events.filter((e) => e.message.startsWith('retry'))
  const delays = retries.map((e) => Number(e.data.delay_ms))
  t.ok(delays[0]! >= 999 && delays[0]! <= 2001, `first backoff 1-2 s (was ${delays[0]} ms)`)
  t.ok(delays[1]! >= 1999 && delays[1]! <= 4001, `second backoff 2-4 s, exponential (was ${delays[1]} ms)`)
  t.equal(retries[0]?.data.scheduled_for, retrying.scheduled_for?.toISOString(), 'the event names the time the row was scheduled for')
  const failure = events.find((e) => e.level === 'error')
  t.match(failure?.data, { attempt: 1, error: 'echo asked to fail attempt 1', stack: /Error: echo asked/ })
})

t.test('the last failed attempt ends the job failed with its error', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { fail_attempts: 50 }, maxRetries: 1 })
  const failed = await eventually(async () => {
    const current = await services.jobs.get(job.id)
    return current.status === 'failed' ? current : undefined
  }, 15_000, 'the job to fail')
  t.equal(failed.attempt, 2)
  t.equal(failed.retry_count, 1)
  t.equal(failed.error, 'echo asked to fail attempt 2')
  t.ok(failed.finished_at)
  const events = await services.jobs.events(job.id)
  t.same(events.at(-1)?.message, 'job failed')
  t.equal(events.at(-1)?.level, 'error')

  // An operator re-run is a new job pointing back at the failed one.
  const rerun = await services.jobs.retry(job.id)
  t.equal(rerun.trigger, 'retry')
  t.equal(rerun.parent_job_id, job.id)
  t.not(rerun.id, job.id)
})
