// The sweeper's branches, each from a state written straight into the database: our job
// row says queued or running while pg-boss's message says something else (or is gone).
// No worker runs here, so nothing but the sweep under test touches these rows.
import t from 'tap'
import { sql } from 'kysely'
import { sweepOrphanedJobs } from '../../../src/platform/jobs/sweeper.ts'
import type { Services } from '../../../src/runtime.ts'
import { startTestServices } from '../../helpers/services.ts'

type Delivery = 'missing' | 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

/**
 * A job whose row says `status` and whose pg-boss message is in `delivery`, last
 * touched a minute ago (the sweeper leaves rows younger than 2 s to their runner).
 */
async function orphan (services: Services, status: 'queued' | 'running', delivery: Delivery, options: { output?: object; startAfter?: Date; touched?: Date } = {}): Promise<string> {
  const db = services.database.db
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: {} })
  const touched = options.touched ?? new Date(Date.now() - 60_000)
  await db.updateTable('job').set({
    status,
    updated_at: touched,
    ...(status === 'running' && { started_at: touched, attempt: 1 }),
  }).where('id', '=', job.id).execute()
  if (delivery === 'missing') {
    await sql`DELETE FROM pgboss.job WHERE id = ${job.id}`.execute(db)
  } else {
    await sql`UPDATE pgboss.job
              SET state = ${delivery}::pgboss.job_state,
                  output = ${options.output === undefined ? null : JSON.stringify(options.output)}::jsonb,
                  retry_count = ${delivery === 'retry' ? 1 : 0},
                  start_after = ${options.startAfter ?? new Date()}
              WHERE id = ${job.id}`.execute(db)
  }
  return job.id
}

async function lastEvent (services: Services, id: string) {
  const events = await services.jobs.events(id)
  return events.at(-1)
}

t.test('each kind of orphan is settled to match its delivery, with an event saying the sweeper found it', async (t) => {
  const services = await startTestServices(t, { worker: false })
  const retryAt = new Date(Date.now() + 30_000)
  const missing = await orphan(services, 'running', 'missing')
  const cancelled = await orphan(services, 'queued', 'cancelled')
  const completed = await orphan(services, 'running', 'completed')
  const retrying = await orphan(services, 'running', 'retry', { output: { message: 'worker went away' }, startAfter: retryAt })
  const failed = await orphan(services, 'running', 'failed', { output: { value: { message: 'job heartbeat missed' } } })
  const silent = await orphan(services, 'running', 'failed')
  // Not orphans: a delivery that is running or waiting as the row says, and a row touched just now.
  const active = await orphan(services, 'running', 'active')
  const waiting = await orphan(services, 'queued', 'created')
  const fresh = await orphan(services, 'running', 'missing', { touched: new Date() })

  t.equal(await sweepOrphanedJobs(services.database.db), 6, 'six orphans settled')

  t.match(await services.jobs.get(missing), { status: 'failed', error: 'the job\'s delivery message is missing', error_code: 'internal_error', finished_at: Date })
  t.match(await lastEvent(services, missing), { level: 'error', source: 'system', message: 'job failed: the job\'s delivery message is missing', data: { detected_by: 'sweeper', delivery_state: null } })

  t.match(await services.jobs.get(cancelled), { status: 'cancelled', error: null, error_code: null, finished_at: Date })
  t.match(await lastEvent(services, cancelled), { level: 'warning', source: 'system', message: 'job cancelled in the delivery engine', data: { detected_by: 'sweeper', delivery_state: 'cancelled' } })

  t.match(await services.jobs.get(completed), { status: 'failed', error: 'delivery completed without a recorded outcome', error_code: 'internal_error' })
  t.match(await lastEvent(services, completed), { level: 'error', message: 'job failed: delivery completed without a recorded outcome', data: { detected_by: 'sweeper', delivery_state: 'completed' } })

  const retried = await services.jobs.get(retrying)
  t.match(retried, { status: 'queued', retry_count: 1, error: 'worker went away', error_code: 'internal_error', finished_at: null })
  t.equal(retried.scheduled_for?.getTime(), retryAt.getTime(), 'the row waits for the time pg-boss chose')
  t.match(await lastEvent(services, retrying), { level: 'warning', source: 'system', message: 'retry 1 of 3 scheduled', data: { detected_by: 'sweeper', retry_count: 1, scheduled_for: retryAt.toISOString(), error: 'worker went away' } })

  t.match(await services.jobs.get(failed), { status: 'failed', error: 'job heartbeat missed', error_code: 'internal_error', finished_at: Date })
  t.match(await lastEvent(services, failed), { level: 'error', source: 'system', message: 'job failed', data: { detected_by: 'sweeper', error: 'job heartbeat missed', attempts: 1 } })
  t.match(await services.jobs.get(silent), { status: 'failed', error: 'the delivery engine failed the job without an error message' }, 'a failure pg-boss gave no message still gets one')

  t.equal((await services.jobs.get(active)).status, 'running', 'a running delivery is left to its worker')
  t.equal((await services.jobs.get(waiting)).status, 'queued', 'a waiting delivery is left to pg-boss')
  t.equal((await services.jobs.get(fresh)).status, 'running', 'a row touched in the last 2 s is left to the runner settling it')
  for (const id of [active, waiting, fresh]) t.equal((await lastEvent(services, id))?.message, 'job queued', 'and gets no event')

  t.equal(await sweepOrphanedJobs(services.database.db), 0, 'a second sweep finds nothing: settled rows stay settled')
})

t.test('a queued row whose delivery is back to retry (pg-boss retried it without us) is not an orphan', async (t) => {
  const services = await startTestServices(t, { worker: false })
  const queued = await orphan(services, 'queued', 'retry', { startAfter: new Date(Date.now() + 30_000) })
  t.equal(await sweepOrphanedJobs(services.database.db), 0)
  t.equal((await services.jobs.get(queued)).status, 'queued')
})
