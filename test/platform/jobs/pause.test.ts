// Pausing a job type: no worker fetches it and its jobs wait as `queued`, also when the
// worker missed the notification; resuming runs them, as first attempts. And the worker
// heartbeat rows the console shows.
import t from 'tap'
import { queryOnce } from '../../helpers/database.ts'
import { sql } from 'kysely'
import type { Db } from '../../../src/platform/db/database.ts'
import { RELEASE_HOLD_SECONDS, releaseClaims } from '../../../src/platform/jobs/delivery.ts'
import { WORKER_NAME } from '../../../src/platform/jobs/runner.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'

async function delivery (db: Db, id: string) {
  const { rows } = await sql<{ state: string; retry_count: number; started_on: Date | null }>`SELECT state, retry_count, started_on FROM pgboss.job WHERE id = ${id}`.execute(db)
  return rows[0]
}

async function messages (db: Db, id: string): Promise<string[]> {
  return (await db.selectFrom('event').select('message').where('job_id', '=', id).orderBy('id').execute()).map((e) => e.message)
}

t.test('a paused type waits as queued while others run; resumed, its jobs run as first attempts', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const db = services.database.db
  const runner = services.worker!.runner
  t.equal(await services.jobs.pauseType('system.echo', { userId: null, reason: 'maintenance' }), true)
  t.equal(await services.jobs.pauseType('system.echo', { userId: null }), false, 'pausing twice changes nothing')
  t.match(await services.jobs.pausedTypes(), [{ job_type: 'system.echo', reason: 'maintenance' }])
  await eventually(async () => runner.pausedTypes.has('system.echo') ? true : undefined, 10_000, 'the worker hears of the pause')

  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: { waited: true } })
  // Another type is fetched as usual meanwhile: the worker is alive, only echo waits.
  const other = (await services.jobs.enqueue(db, { type: 'system.compute_metrics' })).job.id
  await eventually(async () => (await db.selectFrom('job').select('status').where('id', '=', other).executeTakeFirst())?.status === 'success' ? true : undefined, 10_000, 'the other type ran')
  t.equal((await db.selectFrom('job').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status, 'queued')
  t.same(await messages(db, job.id), ['job queued'])
  t.match(await delivery(db, job.id), { state: 'created', retry_count: 0, started_on: null })

  t.equal(await services.jobs.resumeType('system.echo'), true)
  t.equal(await services.jobs.resumeType('system.echo'), false, 'resuming twice changes nothing')
  await eventually(async () => (await db.selectFrom('job').select('status').where('id', '=', job.id).executeTakeFirst())?.status === 'success' ? true : undefined, 10_000, 'the job ran')
  t.match(await db.selectFrom('job').select(['attempt', 'retry_count', 'result']).where('id', '=', job.id).executeTakeFirstOrThrow(), { attempt: 1, retry_count: 0, result: { waited: true } })
  t.equal(runner.pausedTypes.has('system.echo'), false)
  await t.rejects(services.jobs.pauseType('system.nope', { userId: null }), { code: 'unknown_job_type' })
})

t.test('a worker that missed the notification hands the batch back unstarted', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const db = services.database.db
  // Paused behind the workers' backs: a row and no NOTIFY.
  await db.insertInto('job_type_pause').values({ job_type: 'system.echo' }).execute()
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo' })
  // Whether its batch check or its next sweep told it, the worker stops fetching the type.
  await eventually(async () => services.worker!.runner.pausedTypes.has('system.echo') ? true : undefined, 10_000, 'the worker finds the pause')
  t.equal((await db.selectFrom('job').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status, 'queued')
  t.same(await messages(db, job.id), ['job queued'], 'never started')
  t.match(await delivery(db, job.id), { state: 'created', retry_count: 0, started_on: null })
  await services.jobs.resumeType('system.echo')
  // A worker that fetched the job before it heard of the pause handed it back for RELEASE_HOLD_SECONDS.
  await eventually(async () => (await db.selectFrom('job').select('status').where('id', '=', job.id).executeTakeFirst())?.status === 'success' ? true : undefined, 10_000 + RELEASE_HOLD_SECONDS * 1000, 'the job ran')
  t.equal((await db.selectFrom('job').select('attempt').where('id', '=', job.id).executeTakeFirstOrThrow()).attempt, 1)
})

t.test('releaseClaims puts a claimed message back as it was', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo' })
  const [claimed] = await services.boss.fetch('system.echo')
  t.equal(claimed?.id, job.id)
  t.match(await delivery(db, job.id), { state: 'active', retry_count: 0 })
  await releaseClaims(db, 'system.echo', [job.id])
  t.match(await delivery(db, job.id), { state: 'created', retry_count: 0, started_on: null })
  // Held: pg-boss's settle of the batch that handed it back comes after the hand-back, and
  // must find no new claim with the same retry count to complete.
  const { rows: [hold] } = await sql<{ seconds: number }>`SELECT extract(epoch FROM start_after - now())::float8 AS seconds FROM pgboss.job WHERE id = ${job.id}`.execute(db)
  t.ok(hold!.seconds > RELEASE_HOLD_SECONDS - 1 && hold!.seconds <= RELEASE_HOLD_SECONDS, `due again in ${RELEASE_HOLD_SECONDS} s (${hold!.seconds})`)
  t.same(await services.boss.fetch('system.echo'), [], 'not fetched again within the hold')
  t.match(await services.boss.complete('system.echo', [{ id: job.id, retryCount: 0 }]), { requested: 1, affected: 0 }, "the batch's settle finds nothing to complete")
  await sql`UPDATE pgboss.job SET start_after = now() WHERE id = ${job.id}`.execute(db)
  const [again] = await services.boss.fetch('system.echo')
  t.equal(again?.id, job.id, 'fetched again once due')
  t.match(await delivery(db, job.id), { state: 'active', retry_count: 0 }, 'as a first claim, not a retry')
})

t.test('a worker stamps worker_heartbeat while it runs and removes its row when it stops', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const row = await services.database.db.selectFrom('worker_heartbeat').selectAll().execute()
  t.match(row, [{ worker: WORKER_NAME, beat_interval_seconds: 1, concurrency: services.config.worker.concurrency, job_types: services.jobs.registry.names() }])
  const firstBeat = row[0]!.last_seen_at
  await eventually(async () => {
    const beat = await services.database.db.selectFrom('worker_heartbeat').select('last_seen_at').where('worker', '=', WORKER_NAME).executeTakeFirst()
    return beat !== undefined && beat.last_seen_at > firstBeat ? true : undefined
  }, 10_000, 'a later stamp')
  await services.stop()
  t.same(await queryOnce(services.url, 'SELECT worker FROM worker_heartbeat'), [], 'gone on a graceful stop')
})
