import t from 'tap'
import { sql } from 'kysely'
import { ConfigError } from '../../../src/config.ts'
import type { Db } from '../../../src/platform/db/database.ts'
import { queueRetention } from '../../../src/platform/jobs/platform.ts'
import { CLEANUP, CLEANUP_SCHEDULE, runCleanup, type CleanupReport } from '../../../src/workflows/system/cleanup.ts'
import { insertBackdatedAuthEvent, insertBackdatedJob, insertBackdatedLlmCall } from '../../helpers/backdated.ts'
import { eventually, startTestServices, testConfig } from '../../helpers/services.ts'

const POLICY = { jobDays: 30, failedJobDays: 90, auditDays: 365, batchSize: 2 }

async function countRows (db: Db): Promise<{ jobs: number; events: number; auth_events: number; llm_calls: number }> {
  const { rows: [counts] } = await sql<{ jobs: number; events: number; auth_events: number; llm_calls: number }>`
    SELECT (SELECT count(*)::int FROM job) AS jobs, (SELECT count(*)::int FROM event) AS events,
           (SELECT count(*)::int FROM auth_event) AS auth_events, (SELECT count(*)::int FROM llm_call) AS llm_calls`.execute(db)
  return counts!
}

async function exists (db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('job').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

const counts = (report: CleanupReport) => ({
  finished: [report.finished_jobs.jobs, report.finished_jobs.events],
  failed: [report.failed_jobs.jobs, report.failed_jobs.events],
  auth: report.auth_events.rows,
})

t.test('cleanup deletes old finished jobs with their events and old audit events, and keeps everything else', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const job = (status: 'queued' | 'running' | 'success' | 'failed' | 'cancelled', ageDays: number, extra: { events?: number; parentJobId?: string } = {}) =>
    insertBackdatedJob(db, { status, ageDays, ...extra })

  // Deleted: 5 successes/cancellations past 30 days (3 events each), one failure past 90.
  const oldSuccess = [await job('success', 40, { events: 3 }), await job('success', 41, { events: 3 }), await job('success', 200, { events: 3 })]
  const oldCancelled = await job('cancelled', 35, { events: 3 })
  const oldFailed = await job('failed', 100, { events: 4 })
  // A finished parent whose child has finished too goes; the child keeps its own row.
  const finishedParent = await job('success', 45, { events: 3 })
  const finishedChild = await job('success', 5, { events: 1, parentJobId: finishedParent })
  // A job with LLM calls goes; the ledger rows stay, unlinked.
  const llmJob = await job('success', 50, { events: 0 })
  const llmCall = await insertBackdatedLlmCall(db, 50, llmJob)
  const oldLlmCall = await insertBackdatedLlmCall(db, 900, null)

  // Kept: recent, unfinished however old, failed under 90 days, parents of live work,
  // a schedule's last job.
  const recentSuccess = await job('success', 10)
  const recentFailed = await job('failed', 60)
  const ancientQueued = await job('queued', 400)
  const ancientRunning = await job('running', 400)
  const liveParent = await job('success', 45)
  const liveChild = await job('queued', 1, { parentJobId: liveParent })
  const scheduledLast = await job('success', 60)
  const schedule = await services.schedules.create({ name: 'monthly echo', jobType: 'system.echo', cron: '@monthly' })
  await db.updateTable('schedule').set({ last_job_id: scheduledLast }).where('id', '=', schedule.id).execute()

  for (const age of [400, 500, 366]) await insertBackdatedAuthEvent(db, age)
  const recentAudit = await insertBackdatedAuthEvent(db, 100)

  const before = await countRows(db)
  const dry = await runCleanup(db, POLICY, { dryRun: true })
  t.equal(dry.dry_run, true)
  t.same(counts(dry), { finished: [6, 15], failed: [1, 4], auth: 3 }, 'the dry run counts what would go')
  t.ok(dry.finished_jobs.batches >= 3, `the dry run walked ${dry.finished_jobs.batches} batches of 2`)
  t.same(await countRows(db), before, 'a dry run deletes nothing')

  const logged: Array<{ message: string; phase: unknown }> = []
  const real = await runCleanup(db, POLICY, { dryRun: false, log: async (message, data) => { logged.push({ message, phase: data.phase }) } })
  t.same(counts(real), counts(dry), 'the real run deletes what the dry run counted')
  t.equal(real.finished_jobs.batches, 3, 'six jobs in batches of two')
  t.equal(real.auth_events.batches, 2, 'three audit events in batches of two')
  t.same(logged.map((l) => l.phase), ['finished_jobs', 'failed_jobs', 'auth_events'], 'one log line per phase')
  t.match(logged[0]?.message, /deleted 6 finished jobs/)

  for (const id of [...oldSuccess, oldCancelled, oldFailed, finishedParent, llmJob]) t.notOk(await exists(db, id), `job ${id} deleted`)
  for (const id of [recentSuccess, recentFailed, ancientQueued, ancientRunning, liveParent, liveChild, scheduledLast, finishedChild]) t.ok(await exists(db, id), `job ${id} kept`)
  const { rows: orphanEvents } = await sql`SELECT 1 FROM event e WHERE NOT EXISTS (SELECT 1 FROM job j WHERE j.id = e.job_id)`.execute(db)
  t.equal(orphanEvents.length, 0, 'no event outlives its job')
  t.equal((await db.selectFrom('event').select('id').where('job_id', '=', recentSuccess).execute()).length, 2, 'kept jobs keep their events')

  const child = await db.selectFrom('job').select('parent_job_id').where('id', '=', finishedChild).executeTakeFirstOrThrow()
  t.equal(child.parent_job_id, null, 'a finished child of a pruned parent loses the link, not its row')
  const live = await db.selectFrom('job').select('parent_job_id').where('id', '=', liveChild).executeTakeFirstOrThrow()
  t.equal(live.parent_job_id, liveParent, 'queued work keeps its parent')
  t.equal((await services.schedules.get(schedule.id)).last_job_id, scheduledLast, 'the schedule still points at its last job')

  const calls = await db.selectFrom('llm_call').select(['id', 'job_id']).orderBy('id').execute()
  t.same(calls, [{ id: llmCall, job_id: null }, { id: oldLlmCall, job_id: null }], 'the LLM ledger is kept, the pruned job unlinked')
  const audits = await db.selectFrom('auth_event').select('id').execute()
  t.same(audits.map((a) => a.id), [recentAudit], 'only audit events within a year are kept')

  const again = await runCleanup(db, POLICY, { dryRun: false })
  t.same(counts(again), { finished: [0, 0], failed: [0, 0], auth: 0 }, 'a second run finds nothing')
  t.equal(again.finished_jobs.batches, 0)
})

t.test('system.cleanup runs through the real worker, on the nightly schedule set by CLEANUP_CRON', async (t) => {
  const services = await startTestServices(t, { worker: true, env: { CLEANUP_BATCH_SIZE: '3' } })
  const db = services.database.db
  const old = await Promise.all(Array.from({ length: 7 }, () => insertBackdatedJob(db, { status: 'success', ageDays: 31 })))
  const kept = await insertBackdatedJob(db, { status: 'success', ageDays: 29 })
  await insertBackdatedAuthEvent(db, 400)

  const schedules = (await services.schedules.list({ tenantId: null })).filter((s) => s.name === CLEANUP_SCHEDULE)
  t.same(schedules.map((s) => [s.job_type, s.cron, s.enabled]), [[CLEANUP, '30 3 * * *', true]], 'the worker created the nightly schedule')

  const run = async (): Promise<CleanupReport> => {
    const { job } = await services.jobs.enqueue(db, { type: CLEANUP, trigger: 'system' })
    const done = await eventually(async () => { const j = await services.jobs.get(job.id); return j.status === 'success' || j.status === 'failed' ? j : undefined }, 15_000, 'the cleanup job')
    t.equal(done.status, 'success', done.error ?? 'cleanup succeeded')
    const messages = (await services.jobs.events(job.id)).map((e) => e.message)
    t.equal(messages.length, 6)
    t.match(messages, ['job queued', 'job started', /^retention: deleted \d+ finished jobs$/, /^retention: deleted \d+ failed jobs$/, /^retention: deleted \d+ audit events$/, 'job completed'])
    return done.result as CleanupReport
  }
  const first = await run()
  t.same(counts(first), { finished: [7, 14], failed: [0, 0], auth: 1 })
  t.equal(first.finished_jobs.batches, 3, 'seven jobs in batches of three')
  for (const id of old) t.notOk(await exists(db, id))
  t.ok(await exists(db, kept))
  const second = await run()
  t.same(counts(second), { finished: [0, 0], failed: [0, 0], auth: 0 }, 'running it twice is harmless')
  t.ok(await exists(db, kept))

  // A second worker started with another CLEANUP_CRON moves the schedule, and keeps it disabled if an operator disabled it.
  const [cleanupSchedule] = schedules
  await services.schedules.setEnabled(cleanupSchedule!.id, false)
  const other = await startTestServices(t, { worker: true, url: services.url, env: { CLEANUP_CRON: '15 2 * * *' } })
  await other.stop()
  const moved = await services.schedules.get(cleanupSchedule!.id)
  t.same([moved.cron, moved.enabled], ['15 2 * * *', false])
})

t.test('pg-boss queues keep finished deliveries as long as JOB_RETENTION_DAYS, and waiting ones at least 14 days', async (t) => {
  const services = await startTestServices(t, { env: { JOB_RETENTION_DAYS: '45' } })
  const queue = await services.boss.getQueue(CLEANUP)
  t.match(queue, { deleteAfterSeconds: 45 * 86_400, retentionSeconds: 45 * 86_400 })
  const echo = await services.boss.getQueue('system.echo')
  t.match(echo, { deleteAfterSeconds: 45 * 86_400, retentionSeconds: 45 * 86_400 })
  t.same(queueRetention({ finishedJobDays: 3 }), { deleteAfterSeconds: 3 * 86_400, retentionSeconds: 14 * 86_400 }, 'a short history never shortens how long a job may wait to start')
})

t.test('retention settings are positive integers and a valid cron', async (t) => {
  const config = testConfig('postgres://127.0.0.1/x')
  t.same(config.retention, { jobDays: 30, failedJobDays: 90, auditDays: 365, cron: '30 3 * * *', batchSize: 2000 })
  for (const [name, value, message] of [
    ['JOB_RETENTION_DAYS', '0', /JOB_RETENTION_DAYS must be a positive integer/],
    ['FAILED_JOB_RETENTION_DAYS', '-3', /FAILED_JOB_RETENTION_DAYS must be a positive integer/],
    ['AUDIT_RETENTION_DAYS', '1.5', /AUDIT_RETENTION_DAYS must be a positive integer/],
    ['CLEANUP_BATCH_SIZE', '0', /CLEANUP_BATCH_SIZE must be a positive integer/],
    ['CLEANUP_CRON', '61 * * * *', /CLEANUP_CRON: Invalid cron/],
  ] as const) {
    t.throws(() => testConfig('postgres://127.0.0.1/x', { [name]: value }), ConfigError, `${name}=${value} is refused`)
    t.throws(() => testConfig('postgres://127.0.0.1/x', { [name]: value }), { message })
  }
})
