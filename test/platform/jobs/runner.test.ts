// The runner's settlement, each outcome pinned: what the job row, its events, pg-boss's
// message, the credits port, the metrics and the log say after a success, a failure, a
// cancellation that raced the workflow, and a commit that failed. One JobRunner of the
// test's own runs over the real pg-boss and PostgreSQL; only its ports (credits, metrics,
// logger) are the test's, and they write where the test can read: the credits port into
// a table in the settling transaction, so a rolled-back settlement leaves no row.
// Workflows wait at a gate the test opens, so every race is staged, never slept through.
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { pino } from 'pino'
import type { Executor } from '../../../src/platform/db/database.ts'
import type { ExecutionContext } from '../../../src/platform/jobs/context.ts'
import type { JobCredits, PaidJob } from '../../../src/platform/jobs/credits.ts'
import type { Job } from '../../../src/platform/jobs/job.table.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { JobRunner, PermanentJobError, RetryLaterError, WORKER_NAME } from '../../../src/platform/jobs/runner.ts'
import type { AttemptOutcome, JobMetrics } from '../../../src/platform/observability/metrics.ts'
import type { Services } from '../../../src/runtime.ts'
import { queryOnce } from '../../helpers/database.ts'
import { eventually, startedOnce, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

/** What a test job does, attempt by attempt. */
interface Script {
  /** On its first attempt, wait at the gate (open(jobId)) before doing anything else. */
  hold?: boolean
  /** Attempts up to this one throw a plain Error. */
  fail_attempts?: number
  permanent?: boolean
  /** The first attempt throws RetryLaterError for this time. */
  retry_at?: string
  /** Record its own success on the row, then throw (a COMMIT whose acknowledgement was lost). */
  settle_elsewhere?: boolean
  /** Delete its own row, then throw. */
  vanish?: boolean
  /** Delete its pg-boss message (as retention would), then throw. */
  lose_delivery?: boolean
  /** Throw an error whose stack is 20 lines long. */
  long_stack?: boolean
  /** The settling transaction fails at COMMIT (a deferred trigger, see setup()). */
  doom_commit?: boolean
}

const PAID = 'runner.paid'
const FREE = 'runner.free'
const BATCH = 'runner.batch'

class Gates {
  readonly #waiting = new Map<string, () => void>()
  readonly #opened = new Set<string>()
  wait (jobId: string): Promise<void> {
    if (this.#opened.delete(jobId)) return Promise.resolve()
    return new Promise((resolve) => this.#waiting.set(jobId, resolve))
  }

  open (jobId: string): void {
    const resolve = this.#waiting.get(jobId)
    if (resolve === undefined) this.#opened.add(jobId)
    else { this.#waiting.delete(jobId); resolve() }
  }
}

/** `ownerUrl` is asked at run time: the workflows are registered before the services (and their URL) exist. */
function scripted (gates: Gates, ownerUrl: () => string) {
  return async (ctx: ExecutionContext, payload: Script) => {
    if (payload.hold === true && ctx.attempt === 1) {
      await gates.wait(ctx.jobId)
      ctx.signal.throwIfAborted()
    }
    if (payload.settle_elsewhere === true) {
      await ctx.db.updateTable('job').set({ status: 'success', result: sql`'{"by":"elsewhere"}'::jsonb`, finished_at: new Date() }).where('id', '=', ctx.jobId).execute()
      throw new Error('the acknowledgement was lost')
    }
    if (payload.vanish === true) {
      await queryOnce(ownerUrl(), 'DELETE FROM job WHERE id = $1', [ctx.jobId])
      throw new Error('its row is gone')
    }
    if (payload.lose_delivery === true) {
      await queryOnce(ownerUrl(), 'DELETE FROM pgboss.job WHERE id = $1', [ctx.jobId])
      throw new Error('its delivery is gone')
    }
    if (payload.long_stack === true) {
      const error = new Error('a deep failure')
      error.stack = ['Error: a deep failure', ...Array.from({ length: 19 }, (_, i) => `    at frame${i + 1} (deep.ts:${i + 1}:1)`)].join('\n')
      throw error
    }
    if (payload.permanent === true) throw new PermanentJobError('this input can never work')
    if (payload.retry_at !== undefined && ctx.attempt === 1) throw new RetryLaterError('the other server said later', new Date(payload.retry_at))
    if (ctx.attempt <= (payload.fail_attempts ?? 0)) throw new Error(`attempt ${ctx.attempt} breaks`)
    return { attempt: ctx.attempt }
  }
}

/** Credits that hold nothing but write each settlement through the executor they are given. */
class RecordingCredits implements JobCredits {
  readonly reserved: PaidJob[] = []
  async shortfall (): Promise<undefined> { return undefined }
  async reserve (job: PaidJob): Promise<undefined> {
    this.reserved.push(job)
    return undefined
  }

  async settle (executor: Executor, job: { jobId: string; tenantId: string }, ending: 'success' | 'ended'): Promise<void> {
    await sql`INSERT INTO runner_test_settlement (job_id, tenant_id, ending, in_transaction)
              VALUES (${job.jobId}, ${job.tenantId}, ${ending}, ${executor.isTransaction})`.execute(executor)
  }

  async releaseAbandoned (): Promise<number> { return 0 }
}

type MetricCall =
  | ['started', string, number | undefined]
  | ['attemptEnded', string, AttemptOutcome]
  | ['completed', string, number]
  | ['retried', string]
  | ['failed', string]
  | ['enqueued', string, number]

class RecordingMetrics implements JobMetrics {
  readonly calls: MetricCall[] = []
  enqueued (type: string, count: number): void { this.calls.push(['enqueued', type, count]) }
  started (type: string, pickupSeconds: number | undefined): void { this.calls.push(['started', type, pickupSeconds]) }
  attemptEnded (type: string, outcome: AttemptOutcome): void { this.calls.push(['attemptEnded', type, outcome]) }
  completed (type: string, count: number): void { this.calls.push(['completed', type, count]) }
  retried (type: string): void { this.calls.push(['retried', type]) }
  failed (type: string): void { this.calls.push(['failed', type]) }
  /** Calls about `type` since `from` (an earlier length of `calls`), without the run times. */
  since (from: number, type: string): MetricCall[] {
    return this.calls.slice(from).filter((call) => call[1] === type)
  }
}

interface Setup {
  services: Services
  runner: JobRunner
  gates: Gates
  credits: RecordingCredits
  metrics: RecordingMetrics
  logs: Array<Record<string, unknown>>
}

async function setup (t: Parameters<typeof startTestServices>[0]): Promise<Setup> {
  const gates = new Gates()
  const registry = new JobRegistry()
  let ownerUrl = ''
  const workflow = scripted(gates, () => ownerUrl)
  const retries = { retryLimit: 2, retryDelay: 1, retryBackoff: false }
  registry.register(PAID, workflow, { ...retries, credits: { estimatedTokens: 1000 } })
  registry.register(FREE, workflow, retries)
  registry.register(BATCH, workflow, { ...retries, credits: { estimatedTokens: 1000 }, batchSize: 4 })
  const services = await startTestServices(t, { registry })
  ownerUrl = services.url
  await queryOnce(services.url, `
    CREATE TABLE runner_test_settlement (id serial PRIMARY KEY, job_id uuid NOT NULL, tenant_id uuid NOT NULL, ending text NOT NULL, in_transaction boolean NOT NULL);
    GRANT ALL ON runner_test_settlement, runner_test_settlement_id_seq TO afterresume_app;
    CREATE FUNCTION runner_test_doom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload ? 'doom_commit' AND NEW.status <> 'running' THEN RAISE EXCEPTION 'commit refused for job %', NEW.id; END IF;
        RETURN NULL;
      END $$;
    CREATE CONSTRAINT TRIGGER runner_test_doom AFTER UPDATE ON job DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION runner_test_doom();`)
  const logs: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>) } })
  const credits = new RecordingCredits()
  const metrics = new RecordingMetrics()
  const platform = services.jobs
  const runner = new JobRunner({
    db: platform.db,
    tenantDb: platform.tenantDb,
    boss: platform.boss,
    registry,
    authorizer: { refusal: async () => undefined },
    credits,
    logger,
    enqueue: (executor, input) => platform.enqueue(executor, input),
    metrics,
  }, { concurrency: 1, heartbeatSeconds: 10, pollingIntervalSeconds: 0.5 })
  t.teardown(() => runner.stop())
  return { services, runner, gates, credits, metrics, logs }
}

/** One runner for the file: subtests use jobs of their own and read only about those. */
const started = startedOnce(async () => {
  const s = await setup(t)
  await s.runner.start()
  return s
})

async function enqueue (s: Setup, type: string, script: Script, options: { tenantId?: string | null; maxRetries?: number } = {}): Promise<Job> {
  const tenantId = options.tenantId === undefined ? await insertTenant(s.services.database.db) : options.tenantId
  const { job } = await s.services.jobs.enqueue(s.services.database.db, {
    type,
    payload: { ...script },
    ...(tenantId !== null && { tenantId }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
  })
  return job
}

function statusOf (s: Setup, id: string, wanted: Job['status'], what = `job ${id} to be ${wanted}`): Promise<Job> {
  return eventually(async () => {
    const job = await s.services.jobs.get(id)
    return job.status === wanted ? job : undefined
  }, 15_000, what)
}

/** pg-boss's own record of the job. */
async function delivery (s: Setup, job: Job): Promise<{ state: string; retry_count: number; retry_limit: number; start_after: Date; output: unknown }> {
  const { rows } = await sql<{ state: string; retry_count: number; retry_limit: number; start_after: Date; output: unknown }>`
    SELECT state, retry_count, retry_limit, start_after, output FROM pgboss.job WHERE name = ${job.type} AND id = ${job.id}`.execute(s.services.database.db)
  if (rows[0] === undefined) throw new Error(`no pg-boss message for job ${job.id}`)
  return rows[0]
}

async function settlements (s: Setup, ...ids: string[]): Promise<Array<[string, string, boolean]>> {
  const { rows } = await sql<{ job_id: string; ending: string; in_transaction: boolean }>`
    SELECT job_id, ending, in_transaction FROM runner_test_settlement WHERE job_id = ANY(${ids}::uuid[]) ORDER BY id`.execute(s.services.database.db)
  return rows.map((r) => [r.job_id, r.ending, r.in_transaction])
}

async function eventsOf (s: Setup, id: string): Promise<Array<{ level: string; source: string; message: string; data: Record<string, unknown> }>> {
  return (await s.services.jobs.events(id)).map((e) => ({ level: e.level, source: e.source, message: e.message, data: e.data }))
}

function logsOf (s: Setup, id: string): Array<[unknown, unknown]> {
  return s.logs.filter((line) => line.job_id === id && line.source === undefined).map((line) => [line.level, line.msg])
}

/** `data.duration_ms` is a time; the rest of an event is pinned exactly. */
function withoutDuration<T extends { data: Record<string, unknown> }> (t: Test, event: T | undefined): Omit<T, 'data'> & { data: Record<string, unknown> } {
  if (event === undefined) throw new Error('no such event')
  const { duration_ms: duration, ...data } = event.data
  t.ok(typeof duration === 'number' && duration >= 0, `"${String((event as unknown as { message: string }).message)}" carries a duration (${String(duration)})`)
  return { ...event, data }
}

t.test('successes fetched together: rows, events, pg-boss and credits settle in one transaction; metrics count them after it', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const [a, b] = await Promise.all([insertTenant(s.services.database.db), insertTenant(s.services.database.db)])
  // Enqueued with the other tenant first, so settling in tenant order is not enqueue order;
  // in one transaction, so the worker is told of all three at once and fetches them together.
  const [low, high] = a < b ? [a, b] : [b, a]
  const results = await s.services.database.db.transaction().execute((trx) => s.services.jobs.enqueueMany(trx, BATCH, [high, low, high].map((tenantId) => ({ tenantId, payload: {} }))))
  const jobs = results.map((r) => r.job)
  const done = await Promise.all(jobs.map((job) => statusOf(s, job.id, 'success')))
  for (const job of done) {
    t.same({ result: job.result, error: job.error, error_code: job.error_code, attempt: job.attempt, retry_count: job.retry_count }, { result: { attempt: 1 }, error: null, error_code: null, attempt: 1, retry_count: 0 })
    t.ok(job.started_at !== null && job.finished_at !== null && job.finished_at >= job.started_at, 'started, then finished')
    const events = await eventsOf(s, job.id)
    t.same(events.slice(0, 2).map((e) => [e.level, e.source, e.message, e.data]), [
      ['info', 'system', 'job queued', events[0]?.data],
      ['info', 'worker', 'job started', { attempt: 1, worker: WORKER_NAME }],
    ])
    t.same(withoutDuration(t, events[2]), { level: 'info', source: 'worker', message: 'job completed', data: { attempt: 1 } })
    t.equal(events.length, 3)
    t.same(await delivery(s, job).then((d) => [d.state, d.output]), ['completed', null], 'pg-boss completed it, with no output')
  }
  const settled = await settlements(s, ...jobs.map((j) => j.id))
  t.same(settled.map(([, ending, inTransaction]) => [ending, inTransaction]), [['success', true], ['success', true], ['success', true]], 'each charged once, in the transaction that recorded it')
  const tenantOf = new Map(jobs.map((j) => [j.id, j.tenant_id]))
  const order = settled.map(([id]) => tenantOf.get(id))
  t.same(order, [...order].sort(), 'holds settled in tenant order (no deadlock between batches)')
  t.same(s.credits.reserved.filter((r) => tenantOf.has(r.jobId)).map((r) => [r.jobId, r.tenantId, r.type, r.estimatedTokens]).sort(),
    jobs.map((j) => [j.id, j.tenant_id, BATCH, 1000]).sort(), 'each reserved before it ran')
  const calls = s.metrics.since(before, BATCH)
  t.same(calls.filter((c) => c[0] === 'attemptEnded'), jobs.map(() => ['attemptEnded', BATCH, 'success']))
  t.equal(calls.filter((c) => c[0] === 'started').length, 3)
  t.ok(calls.filter((c) => c[0] === 'started').every((c) => typeof c[2] === 'number' && c[2] >= 0), 'each with its pickup time')
  t.same(calls.filter((c) => c[0] === 'completed').reduce((sum, c) => sum + Number(c[2]), 0), 3, 'three completions counted')
  t.same(calls.filter((c) => c[0] === 'retried' || c[0] === 'failed'), [])
  for (const job of jobs) t.same(logsOf(s, job.id), [], 'a success logs nothing of its own')
})

t.test('a failed attempt with retries left: its error event, pg-boss\'s retry mirrored, the hold kept; the next attempt succeeds', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const job = await enqueue(s, PAID, { fail_attempts: 1 })
  const done = await statusOf(s, job.id, 'success')
  t.same([done.attempt, done.retry_count, done.error, done.result], [2, 1, null, { attempt: 2 }])
  const events = await eventsOf(s, job.id)
  t.same(events.map((e) => e.message), ['job queued', 'job started', 'attempt 1 failed: attempt 1 breaks', 'retry 1 of 2 scheduled', 'job started', 'job completed'])
  const failure = withoutDuration(t, events[2])
  const { stack, ...details } = failure.data
  t.same({ ...failure, data: details }, { level: 'error', source: 'worker', message: 'attempt 1 failed: attempt 1 breaks', data: { attempt: 1, error: 'attempt 1 breaks', error_code: 'internal_error', error_name: 'Error' } })
  const lines = String(stack).split('\n')
  t.equal(lines[0], 'Error: attempt 1 breaks', 'the stack starts with the error')
  t.ok(lines.length > 1 && lines.length <= 12, `the stack is cut to 12 lines (${lines.length})`)
  t.same(events[3]?.data, { retry_count: 1, scheduled_for: events[3]?.data.scheduled_for, delay_ms: 1000, error: 'attempt 1 breaks', error_code: 'internal_error' }, 'pg-boss\'s retry, a second later (no backoff), mirrored')
  t.same(events[4]?.data, { attempt: 2, worker: WORKER_NAME }, 'the second start is attempt 2')
  t.same(await settlements(s, job.id), [[job.id, 'success', true]], 'one settlement: the retry kept the hold, the success charged it')
  t.same(s.metrics.since(before, PAID).filter((c) => c[0] !== 'started'), [
    ['attemptEnded', PAID, 'failure'], ['retried', PAID], ['attemptEnded', PAID, 'success'], ['completed', PAID, 1],
  ])
  t.same(logsOf(s, job.id), [[40, 'job attempt failed']], 'the failed attempt is a warning in the log')
  t.equal(s.logs.find((l) => l.job_id === job.id && l.msg === 'job attempt failed')?.trace_id, job.trace_id)
})

t.test('a permanent failure ends the job on its first attempt, retries left or not, and gives the hold back', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const job = await enqueue(s, PAID, { permanent: true })
  const failed = await statusOf(s, job.id, 'failed')
  t.same([failed.error, failed.error_code, failed.attempt, failed.retry_count], ['this input can never work', 'permanent_failure', 1, 0])
  t.same(await delivery(s, job).then((d) => [d.state, d.retry_count, d.retry_limit, d.output]), ['failed', 0, 0, { message: 'this input can never work' }])
  t.same((await eventsOf(s, job.id)).map((e) => [e.level, e.message]), [
    ['info', 'job queued'], ['info', 'job started'], ['error', 'attempt 1 failed: this input can never work'], ['error', 'job failed'],
  ])
  t.same(await settlements(s, job.id), [[job.id, 'ended', true]])
  t.same(s.metrics.since(before, PAID).filter((c) => c[0] !== 'started'), [['attemptEnded', PAID, 'failure'], ['failed', PAID]])
})

t.test('a plain failure on the last attempt fails the job; on a free type, or a paid one without a tenant, nothing is settled', async (t) => {
  const s = await started()
  const [paid, free, platformOwned] = [
    await enqueue(s, PAID, { fail_attempts: 9 }, { maxRetries: 0 }),
    await enqueue(s, FREE, { fail_attempts: 9 }, { maxRetries: 0 }),
    await enqueue(s, PAID, { fail_attempts: 9 }, { maxRetries: 0, tenantId: null }),
  ]
  for (const job of [paid, free, platformOwned]) {
    const failed = await statusOf(s, job.id, 'failed')
    t.same([failed.error, failed.error_code], ['attempt 1 breaks', 'internal_error'])
    t.same(await delivery(s, job).then((d) => d.state), 'failed')
  }
  t.same(await settlements(s, paid.id, free.id, platformOwned.id), [[paid.id, 'ended', true]], 'only the tenant\'s paid job had a hold to return')
  const freeDone = await enqueue(s, FREE, {})
  await statusOf(s, freeDone.id, 'success')
  const platformDone = await enqueue(s, PAID, {}, { tenantId: null })
  await statusOf(s, platformDone.id, 'success')
  t.same(await settlements(s, freeDone.id, platformDone.id), [], 'nor is a success of either charged')
})

t.test('RetryLaterError: the retry starts when the other server said, not after the backoff; on the last attempt the job fails', async (t) => {
  const s = await started()
  const retryAt = new Date(Date.now() + 3_600_000)
  retryAt.setMilliseconds(0)
  const [later, last, other] = [
    await enqueue(s, FREE, { retry_at: retryAt.toISOString() }),
    await enqueue(s, FREE, { retry_at: retryAt.toISOString() }, { maxRetries: 0 }),
    await enqueue(s, FREE, { fail_attempts: 1, hold: true }),
  ]
  const waiting = await eventually(async () => {
    const current = await s.services.jobs.get(later.id)
    return current.retry_count === 1 ? current : undefined
  }, 15_000, 'the retry to be scheduled')
  t.equal(waiting.status, 'queued')
  t.same([waiting.error, waiting.error_code, waiting.scheduled_for?.toISOString()], ['the other server said later', 'retry_later', retryAt.toISOString()])
  t.same(await delivery(s, later).then((d) => [d.state, d.start_after.toISOString()]), ['retry', retryAt.toISOString()])
  const retryEvent = (await eventsOf(s, later.id)).find((e) => e.message === 'retry 1 of 2 scheduled')
  t.equal(retryEvent?.data.scheduled_for, retryAt.toISOString())

  const failed = await statusOf(s, last.id, 'failed')
  t.same([failed.error, failed.error_code], ['the other server said later', 'retry_later'])
  const lastDelivery = await delivery(s, last)
  t.same(lastDelivery.state, 'failed')
  t.not(lastDelivery.start_after.toISOString(), retryAt.toISOString(), 'a failed message keeps its start time')

  // Another job of the type, failing at the same time, keeps the type's own backoff.
  s.gates.open(other.id)
  const otherRetry = await eventually(async () => {
    const current = await s.services.jobs.get(other.id)
    return current.retry_count === 1 ? current : undefined
  }, 15_000, 'the other job\'s retry')
  t.ok(otherRetry.scheduled_for !== null && otherRetry.scheduled_for.getTime() < retryAt.getTime() - 3_000_000, 'its retry is about a second away')
  await statusOf(s, other.id, 'success')
})

t.test('a job cancelled while its workflow ran keeps its cancellation, whatever the workflow did next', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  // Together, in one batch: a held job holds its batch, and the type runs one batch at a time.
  const tenantId = await insertTenant(s.services.database.db)
  const [succeeds, fails] = (await s.services.database.db.transaction().execute((trx) => s.services.jobs.enqueueMany(trx, PAID, [
    { tenantId, payload: { hold: true } },
    { tenantId, payload: { hold: true, fail_attempts: 9 } },
  ]))).map((r) => r.job) as [Job, Job]
  await Promise.all([statusOf(s, succeeds.id, 'running'), statusOf(s, fails.id, 'running')])
  // No cancel listener runs here: the workflows do not hear of it and finish on their own.
  await s.services.jobs.cancel(succeeds.id, { by: 'test' })
  await s.services.jobs.cancel(fails.id, { by: 'test' })
  s.gates.open(succeeds.id)
  s.gates.open(fails.id)

  const discarded = await eventually(async () => (await eventsOf(s, succeeds.id)).find((e) => e.message.startsWith('workflow finished')), 15_000, 'the discarded result')
  t.same(withoutDuration(t, discarded), { level: 'warning', source: 'worker', message: 'workflow finished after the job was cancelled; result discarded', data: {} })
  const stopped = await eventually(async () => (await eventsOf(s, fails.id)).find((e) => e.message.startsWith('workflow stopped')), 15_000, 'the stopped workflow')
  t.same(withoutDuration(t, stopped), { level: 'info', source: 'worker', message: 'workflow stopped after cancellation', data: {} })
  for (const job of [succeeds, fails]) {
    const row = await s.services.jobs.get(job.id)
    t.same([row.status, row.result, row.error], ['cancelled', null, null], 'the row stays cancelled, with no result or error')
    t.equal(await delivery(s, job).then((d) => d.state), 'cancelled', 'pg-boss\'s message stays cancelled')
  }
  t.same((await eventsOf(s, fails.id)).filter((e) => e.level === 'error'), [], 'no attempt failure is recorded')
  t.same(await settlements(s, succeeds.id, fails.id), [[fails.id, 'ended', true]], 'the stopped one returns its hold in its own transaction; the discarded result charges nothing')
  t.same(s.metrics.since(before, PAID).filter((c) => c[0] === 'completed' || c[0] === 'retried' || c[0] === 'failed'), [['completed', PAID, 0]], 'no success, retry or failure counted')
})

t.test('an abort from a cancel notification ends the attempt as a cancellation, logged at info, with nothing failed', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const job = await enqueue(s, PAID, { hold: true, fail_attempts: 9 })
  await statusOf(s, job.id, 'running')
  await eventually(async () => s.runner.abort(job.id) || undefined, 5_000, 'the runner to hold the attempt')
  t.equal(s.runner.abort('00000000-0000-4000-8000-000000000000'), false, 'a job not running here is not aborted')
  s.gates.open(job.id)
  const stopped = await eventually(async () => (await eventsOf(s, job.id)).find((e) => e.message.startsWith('workflow stopped')), 15_000, 'the stopped workflow')
  t.equal(stopped.level, 'info')
  const row = await s.services.jobs.get(job.id)
  t.same([row.status, row.error, row.retry_count], ['running', null, 0], 'the row is left to the cancel that sent the abort')
  t.equal(await delivery(s, job).then((d) => d.state), 'completed', 'the message is retired, not failed or retried')
  t.same(await settlements(s, job.id), [[job.id, 'ended', true]])
  t.same(s.metrics.since(before, PAID).filter((c) => c[0] !== 'started'), [['attemptEnded', PAID, 'cancelled']])
  t.same(logsOf(s, job.id), [[30, 'job stopped after cancellation']])
})

t.test('an outcome already recorded stands: a failure after a success elsewhere, or after the row went, changes nothing', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const elsewhere = await enqueue(s, PAID, { settle_elsewhere: true })
  const vanished = await enqueue(s, PAID, { vanish: true })
  await eventually(async () => (await delivery(s, elsewhere)).state === 'completed' || undefined, 15_000, 'pg-boss to retire the first')
  await eventually(async () => (await delivery(s, vanished)).state === 'completed' || undefined, 15_000, 'pg-boss to retire the second')
  const row = await s.services.jobs.get(elsewhere.id)
  t.same([row.status, row.result, row.error, row.retry_count], ['success', { by: 'elsewhere' }, null, 0])
  t.same((await eventsOf(s, elsewhere.id)).map((e) => e.message), ['job queued', 'job started'], 'no failure recorded over the success')
  for (const job of [elsewhere, vanished]) t.same(await delivery(s, job).then((d) => [d.retry_count, d.output]), [0, null], 'retired as it was, not failed and run again')
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM job WHERE id = ${vanished.id}`.execute(s.services.database.db)
  t.equal(rows[0]?.n, 0)
  t.same(await settlements(s, elsewhere.id, vanished.id), [], 'nothing settled by the runner')
  t.same(s.metrics.since(before, PAID).filter((c) => c[0] === 'retried' || c[0] === 'failed' || c[0] === 'completed'), [])
})

t.test('a settlement whose COMMIT fails leaves pg-boss unsettled too: the same transaction, or none', async (t) => {
  const s = await started()
  const success = await enqueue(s, PAID, { doom_commit: true }, { maxRetries: 0 })
  const failure = await enqueue(s, PAID, { doom_commit: true, fail_attempts: 9 }, { maxRetries: 0 })
  for (const job of [success, failure]) {
    const settled = await eventually(async () => {
      const d = await delivery(s, job)
      return d.state === 'failed' || d.state === 'completed' ? d : undefined
    }, 15_000, 'pg-boss to end the message')
    // pg-boss failed it itself, with the handler's error: our complete() or fail() was rolled back with the rest.
    t.same([settled.state, (settled.output as { message?: unknown }).message], ['failed', `commit refused for job ${job.id}`])
    const row = await s.services.jobs.get(job.id)
    t.same([row.status, row.error], ['running', null], 'the row still says running (the sweeper reconciles it)')
    t.same((await eventsOf(s, job.id)).map((e) => e.message), ['job queued', 'job started'], 'no event of the rolled-back transaction')
  }
  t.same(await settlements(s, success.id, failure.id), [], 'no credits settled in a transaction that did not commit')
})

t.test('a row still running when its message comes back is started again with a warning; a finished one is not run', async (t) => {
  const s = await started()
  const before = s.metrics.calls.length
  const later = new Date(Date.now() + 2_000)
  const { job: rerun } = await s.services.jobs.enqueue(s.services.database.db, { type: FREE, payload: {}, runAt: later })
  const { job: finished } = await s.services.jobs.enqueue(s.services.database.db, { type: FREE, payload: { fail_attempts: 9 }, runAt: later })
  await s.services.database.db.updateTable('job').set({ status: 'running', attempt: 1 }).where('id', '=', rerun.id).execute()
  await s.services.database.db.updateTable('job').set({ status: 'success', result: sql`'{"by":"elsewhere"}'::jsonb`, finished_at: new Date() }).where('id', '=', finished.id).execute()
  const done = await statusOf(s, rerun.id, 'success')
  t.equal(done.attempt, 1, 'the attempt is pg-boss\'s claim count, not one more than the row said')
  const startEvent = (await eventsOf(s, rerun.id)).find((e) => e.source === 'worker')
  t.same(startEvent, { level: 'warning', source: 'worker', message: 'job started again (the previous attempt\'s worker stopped responding)', data: { attempt: 1, worker: WORKER_NAME } })
  await eventually(async () => (await delivery(s, finished)).state === 'completed' || undefined, 15_000, 'pg-boss to retire the finished job\'s message')
  const row = await s.services.jobs.get(finished.id)
  t.same([row.status, row.result], ['success', { by: 'elsewhere' }], 'the finished job was not run again')
  t.same((await eventsOf(s, finished.id)).map((e) => e.message), ['job queued'])
  t.same(s.metrics.since(before, FREE).filter((c) => c[0] === 'started'), [['started', FREE, undefined]], 'one start, with no pickup time for the re-run')
})

t.test('a failure still open on the row is recorded even when the row went back to queued or the delivery is gone; stacks are cut to 12 lines', async (t) => {
  const s = await started()
  // The orphan sweep mirrors a retry pg-boss made without us back onto the row as queued;
  // an attempt of that job still running here and then failing is still recorded.
  const requeued = await enqueue(s, FREE, { hold: true, fail_attempts: 1 })
  await statusOf(s, requeued.id, 'running')
  await s.services.database.db.updateTable('job').set({ status: 'queued' }).where('id', '=', requeued.id).execute()
  s.gates.open(requeued.id)
  await statusOf(s, requeued.id, 'success')
  t.same((await eventsOf(s, requeued.id)).map((e) => e.message), ['job queued', 'job started', 'attempt 1 failed: attempt 1 breaks', 'retry 1 of 2 scheduled', 'job started', 'job completed'])

  // Its pg-boss message deleted mid-attempt: the failure is written; there is nothing to mirror.
  const lost = await enqueue(s, FREE, { lose_delivery: true })
  const failure = await eventually(async () => (await eventsOf(s, lost.id)).find((e) => e.level === 'error'), 15_000, 'the failure event')
  t.equal(failure.message, 'attempt 1 failed: its delivery is gone')
  t.same([(await s.services.jobs.get(lost.id)).status], ['running'], 'the row is left for the sweep')

  const deep = await enqueue(s, FREE, { long_stack: true }, { maxRetries: 0 })
  await statusOf(s, deep.id, 'failed')
  const event = (await eventsOf(s, deep.id)).find((e) => e.message === 'attempt 1 failed: a deep failure')
  t.same(String(event?.data.stack).split('\n'), ['Error: a deep failure', ...Array.from({ length: 11 }, (_, i) => `    at frame${i + 1} (deep.ts:${i + 1}:1)`)], 'the first 12 lines')
})
