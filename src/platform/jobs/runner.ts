// The runner (seed `execute_job`): pg-boss hands us claimed messages; for each we move
// the job row to running, run its workflow with an ExecutionContext, and record the
// outcome. Outcome and pg-boss settlement commit in ONE transaction (complete/fail are
// called with our transaction as their `db`), so a crash between "we recorded success"
// and "pg-boss knows" cannot happen. pg-boss's own settle after the handler returns then
// finds nothing left to do.
import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import { fromKysely, type JobWithMetadata } from 'pg-boss'
import type { Db, Executor } from '../db/database.ts'
import { withTenant } from '../db/tenant.ts'
import { toJson, type JsonObject } from '../db/json.ts'
import type { JobAuthorizer } from './authorizer.ts'
import type { PgBoss } from './boss.ts'
import { INSUFFICIENT_CREDITS, type JobCredits } from './credits.ts'
import type { ExecutionContext, LogOptions } from './context.ts'
import { countMirroredFailure, mirrorFailure, readDelivery, releaseClaims } from './delivery.ts'
import type { EnqueueInput, EnqueueResult } from './enqueue.ts'
import { recordEvent, recordEvents } from './events.ts'
import { failureCode, PermanentJobError, RetryLaterError } from './failure.ts'
import type { Job, JobStatus } from './job.table.ts'
import type { JobRegistry, JobType } from './registry.ts'
import { isJobTypePaused, listPausedJobTypes } from './pauses.ts'
import type { AttemptOutcome, JobMetrics } from '../observability/metrics.ts'
import { addSpanEvent, contextFromTraceParent, flatAttributes, inSpan, markFailed, SpanKind } from '../observability/tracing.ts'

export { PermanentJobError, RetryLaterError } from './failure.ts'

export class JobCancelledError extends Error {
  constructor (jobId: string) {
    super(`job ${jobId} was cancelled`)
    this.name = 'JobCancelledError'
  }
}

export interface RunnerDeps {
  db: Db
  /** The request pool (no platform flag) for ExecutionContext.inTenant(). */
  tenantDb: Db
  boss: PgBoss
  registry: JobRegistry
  /** May the user who asked for a job still run it? (The identity module answers.) */
  authorizer: JobAuthorizer
  /** Can the tenant pay for paid work? (The billing module answers; FREE_OF_CHARGE with billing off.) */
  credits: JobCredits
  logger: Logger
  enqueue(executor: Executor, input: EnqueueInput): Promise<EnqueueResult>
  /** Attempts, outcomes and pickup latency, counted in this (the worker's) process. */
  metrics: JobMetrics
}

export interface RunnerOptions {
  /** Fetch loops per job type unless the type sets its own. */
  concurrency: number
  /** Default heartbeat for types that set none. */
  heartbeatSeconds: number
  /** Polling fallback when a notification is missed. */
  pollingIntervalSeconds?: number
}

type Outcome =
  | { kind: 'success'; job: Job; claim: Claim; result: unknown; durationMs: number }
  | { kind: 'failure'; job: Job; claim: Claim; error: Error; durationMs: number }

interface Claim { id: string; retryCount: number }

/** How this process names itself in events and in worker_heartbeat. */
export const WORKER_NAME = `${hostname()}:${process.pid}`

export class JobRunner {
  readonly #deps: RunnerDeps
  readonly #options: RunnerOptions
  /** Running jobs of this process, so a cancel notification can reach the right workflow. */
  readonly #running = new Map<string, AbortController>()
  readonly #settleQueues = new Map<string, SettleQueue<Extract<Outcome, { kind: 'success' }>>>()
  readonly #paused = new Set<string>()
  #pauseSync = Promise.resolve()
  #stopped = false

  constructor (deps: RunnerDeps, options: RunnerOptions) {
    this.#deps = deps
    this.#options = options
  }

  get runningCount (): number { return this.#running.size }

  async start (): Promise<void> {
    const paused = new Set((await listPausedJobTypes(this.#deps.db)).map((p) => p.job_type))
    for (const jobType of this.#deps.registry.all()) {
      if (paused.has(jobType.type)) this.#paused.add(jobType.type)
      else await this.#work(jobType)
    }
  }

  async #work (jobType: JobType): Promise<void> {
    await this.#deps.boss.work(jobType.type, {
      batchSize: jobType.options.batchSize,
      // A full batch means more are waiting: fetch again at once instead of after the
      // polling interval, so a backlog drains at the speed of the workflows.
      burstWhenBatchFull: true,
      localConcurrency: jobType.options.concurrency ?? this.#options.concurrency,
      includeMetadata: true,
      pollingIntervalSeconds: this.#options.pollingIntervalSeconds ?? 2,
      // NOTIFY only announces new messages. Delayed jobs and retries become due silently,
      // so the backstop poll (pg-boss defaults it to 30 s on notify queues) decides how
      // late a retry starts; keep it at the polling interval.
      notifyPollingIntervalSeconds: this.#options.pollingIntervalSeconds ?? 2,
    }, (jobs: JobWithMetadata<object>[]) => this.#runBatch(jobType, jobs))
  }

  /** The types this process does not fetch because they are paused. */
  get pausedTypes (): ReadonlySet<string> { return this.#paused }

  /**
   * Re-read the paused types: stop fetching the newly paused ones (running jobs finish),
   * start fetching the resumed ones. Calls run one after another.
   */
  syncPauses (): Promise<void> {
    this.#pauseSync = this.#pauseSync.then(async () => {
      if (this.#stopped) return
      const paused = new Set((await listPausedJobTypes(this.#deps.db)).map((p) => p.job_type))
      for (const jobType of this.#deps.registry.all()) {
        const { type } = jobType
        if (paused.has(type) && !this.#paused.has(type)) {
          this.#paused.add(type)
          await this.#deps.boss.offWork(type, { wait: false })
        } else if (!paused.has(type) && this.#paused.has(type)) {
          // Marked resumed only once fetching has started, so a failed start is tried again.
          await this.#work(jobType)
          this.#paused.delete(type)
        }
      }
    }).catch((error: unknown) => {
      this.#deps.logger.warn({ err: error }, 'could not re-read the paused job types')
    })
    return this.#pauseSync
  }

  /** No more fetch loops are started (pg-boss is stopping). */
  stop (): void {
    this.#stopped = true
  }

  /** Abort a job running in this process (the cancel listener calls this). */
  abort (jobId: string): boolean {
    const controller = this.#running.get(jobId)
    if (controller === undefined) return false
    controller.abort(new JobCancelledError(jobId))
    return true
  }

  async #runBatch (jobType: JobType, messages: JobWithMetadata<object>[]): Promise<void> {
    // Paused after this process last heard: hand the messages back unstarted and stop
    // fetching the type. They are held for RELEASE_HOLD_SECONDS, so pg-boss's settle after
    // this handler finds them no longer active rather than claimed again (delivery.ts).
    if (await isJobTypePaused(this.#deps.db, jobType.type)) {
      await releaseClaims(this.#deps.db, jobType.type, messages.map((m) => m.id))
      void this.syncPauses()
      return
    }
    const claims = new Map(messages.map((m) => [m.id, m]))
    const started = await this.#markStarted(messages)
    const metrics = this.#deps.metrics
    // Each outcome is recorded as soon as its workflow ends, so a slow job does not hold
    // back the result of a fast one fetched with it; successes that end in the same tick
    // (a batch of quick jobs) share one transaction.
    await Promise.all(started.map(async (job) => {
      const message = claims.get(job.id)
      if (message === undefined) throw new Error(`claimed job ${job.id} vanished from its batch`)
      metrics.started(jobType.type, pickupSeconds(job))
      const outcome = await this.#execute(jobType, job, message)
      metrics.attemptEnded(jobType.type, attemptOutcome(outcome), outcome.durationMs / 1000)
      if (outcome.kind === 'success') await this.#successes(jobType).add(outcome)
      else await this.#recordFailure(jobType, outcome)
    }))
  }

  #successes (jobType: JobType): SettleQueue<Extract<Outcome, { kind: 'success' }>> {
    let queue = this.#settleQueues.get(jobType.type)
    if (queue === undefined) {
      queue = new SettleQueue((outcomes) => this.#recordSuccesses(jobType, outcomes))
      this.#settleQueues.set(jobType.type, queue)
    }
    return queue
  }

  /**
   * queued → running for the whole batch in one statement, with a "job started" event
   * each. A row still `running` means an earlier attempt's worker died (pg-boss retried
   * it after missed heartbeats): run it again, and say so. Rows already finished or
   * cancelled are skipped, and pg-boss's settle then retires their message.
   *
   * The rows are found by primary key alone (`id = ANY`) and their per-job values read
   * from a JSON object keyed by id: joined to unnest(), the planner judged the join by
   * the status column's stale statistics and chose a scan of every job, or rescanned
   * the whole unnest() once per row.
   * The status the row had comes from a subquery in RETURNING: it reads the statement's
   * snapshot, which does not see this statement's own update. That replaces a SELECT …
   * FOR UPDATE before the update, which locked (and wrote WAL for) every row twice.
   */
  async #markStarted (messages: JobWithMetadata<object>[]): Promise<StartedJob[]> {
    const ids = messages.map((m) => m.id)
    const attempts = toJson(Object.fromEntries(messages.map((m) => [m.id, m.retryCount + 1])))
    const { rows } = await sql<StartedJob>`
      WITH started AS (
        UPDATE job j SET status = 'running', attempt = (${attempts}::jsonb ->> j.id::text)::int, started_at = now(), updated_at = now()
        WHERE j.id = ANY(${ids}::uuid[]) AND j.status IN ('queued', 'running')
        RETURNING j.*, (SELECT p.status FROM job p WHERE p.id = j.id) AS prior_status
      ), logged AS (
        INSERT INTO event (job_id, tenant_id, trace_id, level, source, message, data)
        SELECT id, tenant_id, trace_id,
               CASE WHEN prior_status = 'running' THEN 'warning' ELSE 'info' END,
               'worker',
               CASE WHEN prior_status = 'running' THEN 'job started again (the previous attempt''s worker stopped responding)' ELSE 'job started' END,
               jsonb_build_object('attempt', attempt, 'worker', ${WORKER_NAME}::text)
        FROM started
      )
      SELECT * FROM started`.execute(this.#deps.db)
    return rows
  }

  /**
   * One attempt, as a span continuing the trace of whoever enqueued the job (a request, or
   * the parent job's step), even when that was another process: the job row carries it.
   */
  async #execute (jobType: JobType, job: Job, message: JobWithMetadata<object>): Promise<Outcome> {
    return inSpan(`job ${job.type}`, {
      kind: SpanKind.CONSUMER,
      parent: contextFromTraceParent(job.trace_parent),
      attributes: {
        'messaging.system': 'pg-boss',
        'messaging.operation.type': 'process',
        'messaging.destination.name': job.type,
        'messaging.message.id': job.id,
        'afterresume.job.attempt': job.attempt,
        'afterresume.job.trigger': job.trigger,
        'afterresume.correlation_id': job.trace_id,
      },
    }, async (span) => {
      const outcome = await this.#attempt(jobType, job, message)
      if (span !== undefined && outcome.kind === 'failure') markFailed(span, outcome.error)
      return outcome
    })
  }

  async #attempt (jobType: JobType, job: Job, message: JobWithMetadata<object>): Promise<Outcome> {
    const controller = new AbortController()
    this.#running.set(job.id, controller)
    const claim = { id: job.id, retryCount: message.retryCount }
    const startedAt = performance.now()
    const ctx = this.#context(job, AbortSignal.any([controller.signal, message.signal]))
    try {
      await this.#admit(jobType, job, ctx)
      const result = await jobType.workflow(ctx, job.payload)
      ctx.signal.throwIfAborted()
      return { kind: 'success', job, claim, result, durationMs: performance.now() - startedAt }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      return { kind: 'failure', job, claim, error: failure, durationMs: performance.now() - startedAt }
    } finally {
      this.#running.delete(job.id)
    }
  }

  /**
   * What must hold before the workflow runs: its user still has the permission the type
   * requires, and a paid job has its credits reserved — before any model call, so a
   * tenant that cannot pay gets no call made. A refusal fails the job for good.
   */
  async #admit (jobType: JobType, job: Job, ctx: ExecutionContext): Promise<void> {
    try {
      const action = jobType.options.requires
      if (action !== undefined && job.user_id !== null && job.tenant_id !== null) {
        const refusal = await this.#deps.authorizer.refusal({ tenantId: job.tenant_id, userId: job.user_id, action })
        if (refusal !== undefined) throw new PermanentJobError(refusal)
      }
      const paid = jobType.options.credits
      if (paid !== undefined && job.tenant_id !== null) {
        const refusal = await this.#deps.credits.reserve({ jobId: job.id, tenantId: job.tenant_id, type: job.type, estimatedTokens: paid.estimatedTokens })
        if (refusal !== undefined) throw new PermanentJobError(refusal, { code: INSUFFICIENT_CREDITS })
      }
    } catch (error) {
      if (error instanceof PermanentJobError && jobType.options.onRefused !== undefined) await jobType.options.onRefused(ctx, job.payload)
      throw error
    }
  }

  /** A paid job's hold, charged and released in the transaction that records its end. */
  async #settleCredits (executor: Executor, jobType: JobType, job: Job, ending: 'success' | 'ended'): Promise<void> {
    if (jobType.options.credits === undefined || job.tenant_id === null) return
    await this.#deps.credits.settle(executor, { jobId: job.id, tenantId: job.tenant_id }, ending)
  }

  #context (job: Job, signal: AbortSignal): ExecutionContext {
    const deps = this.#deps
    const logger = deps.logger.child({ job_id: job.id, trace_id: job.trace_id, job_type: job.type })
    return {
      jobId: job.id,
      type: job.type,
      trigger: job.trigger,
      traceId: job.trace_id,
      tenantId: job.tenant_id,
      userId: job.user_id,
      parentJobId: job.parent_job_id,
      attempt: job.attempt,
      isLastAttempt: job.attempt > job.max_retries,
      signal,
      db: deps.db,
      inTenant: (work) => {
        if (job.tenant_id === null) throw new Error(`job ${job.id} belongs to no tenant; use ctx.db for platform work`)
        return withTenant(deps.tenantDb, job.tenant_id, work)
      },
      async log (message: string, options: LogOptions = {}): Promise<void> {
        const level = options.level ?? 'info'
        logger[level === 'warning' ? 'warn' : level]({ source: options.source ?? 'workflow', ...options.data }, message)
        addSpanEvent(message, () => ({ 'afterresume.event.source': options.source ?? 'workflow', 'afterresume.event.level': level, ...flatAttributes(options.data, 'afterresume.event.data.') }))
        await recordEvent(deps.db, {
          jobId: job.id,
          tenantId: job.tenant_id,
          traceId: job.trace_id,
          level,
          source: options.source ?? 'workflow',
          message,
          ...(options.data !== undefined && { data: options.data }),
        })
      },
      step: (name, work) => inSpan(`step ${name}`, { attributes: { 'afterresume.job.type': job.type } }, () => work()),
      async enqueueChild (executor, input) {
        const { job: child } = await deps.enqueue(executor, {
          ...input,
          trigger: 'system',
          parentJobId: job.id,
          traceId: job.trace_id,
          tenantId: job.tenant_id,
          userId: job.user_id,
        })
        return child
      },
    }
  }

  /**
   * The batch's outcomes, their "job completed" events and pg-boss's settlement in one
   * transaction: rows and events in one statement (the events are made from the rows the
   * update returns, so nothing is joined twice), then complete(). A job cancelled while
   * its workflow ran keeps its cancellation and gets a warning event instead.
   */
  async #recordSuccesses (jobType: JobType, outcomes: Array<Extract<Outcome, { kind: 'success' }>>): Promise<void> {
    if (outcomes.length === 0) return
    const ids = outcomes.map((o) => o.job.id)
    // Keyed by job id, so the update finds its rows by primary key and joins nothing (see #markStarted).
    const results = toJson(Object.fromEntries(outcomes.map((o) => [o.job.id, o.result ?? null])))
    const durations = toJson(Object.fromEntries(outcomes.map((o) => [o.job.id, round(o.durationMs)])))
    const completed = await this.#deps.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        WITH recorded AS (
          UPDATE job j SET status = 'success', result = ${results}::jsonb -> j.id::text, error = NULL, error_code = NULL,
                 finished_at = now(), updated_at = now()
          WHERE j.id = ANY(${ids}::uuid[]) AND j.status = 'running'
          RETURNING j.id, j.tenant_id, j.trace_id, j.attempt
        ), logged AS (
          INSERT INTO event (job_id, tenant_id, trace_id, level, source, message, data)
          SELECT id, tenant_id, trace_id, 'info', 'worker', 'job completed',
                 jsonb_build_object('attempt', attempt, 'duration_ms', ${durations}::jsonb -> id::text)
          FROM recorded
        )
        SELECT id FROM recorded`.execute(trx)
      const recorded = new Set(rows.map((r) => r.id))
      // By tenant: two batches settling holds of the same tenants lock their balance rows
      // in the same order instead of deadlocking. (#settleCredits skips unpaid types.)
      const settling = outcomes.filter((o) => recorded.has(o.job.id)).sort((a, b) => byTenant(a.job, b.job))
      for (const o of settling) await this.#settleCredits(trx, jobType, o.job, 'success')
      const discarded = outcomes.filter((o) => !recorded.has(o.job.id))
      await recordEvents(trx, discarded.map((o) => eventFor(o.job, 'warning', 'workflow finished after the job was cancelled; result discarded', { duration_ms: round(o.durationMs) })))
      const settled = outcomes.filter((o) => recorded.has(o.job.id)).map((o) => o.claim)
      if (settled.length > 0) await this.#deps.boss.complete(jobType.type, settled, null, { db: fromKysely(trx) })
      return settled.length
    })
    this.#deps.metrics.completed(jobType.type, completed)
  }

  async #recordFailure (jobType: JobType, outcome: Extract<Outcome, { kind: 'failure' }>): Promise<void> {
    const { job, error, claim } = outcome
    const cancelled = error instanceof JobCancelledError
    if (cancelled) this.#deps.logger.info({ job_id: job.id, trace_id: job.trace_id }, 'job stopped after cancellation')
    else this.#deps.logger.warn({ job_id: job.id, trace_id: job.trace_id, err: error }, 'job attempt failed')
    const settled = await this.#deps.db.transaction().execute(async (trx): Promise<JobStatus | undefined> => {
      const current = await trx.selectFrom('job').selectAll().where('id', '=', job.id).forUpdate().executeTakeFirst()
      if (current === undefined) return undefined
      if (current.status === 'cancelled' || cancelled) {
        await recordEvent(trx, eventFor(job, 'info', 'workflow stopped after cancellation', { duration_ms: round(outcome.durationMs) }))
        await this.#settleCredits(trx, jobType, job, 'ended')
        return undefined
      }
      if (current.status !== 'running' && current.status !== 'queued') {
        // Already settled: typically a success whose COMMIT reached the server while the
        // connection dropped before the acknowledgement, so the runner saw an error. The
        // recorded outcome stands; failing the delivery now would run the job twice.
        return undefined
      }
      // Stored whole for staff; the tenant API shows it through failure.ts (by its code).
      const code = failureCode(error)
      await recordEvent(trx, eventFor(job, 'error', `attempt ${job.attempt} failed: ${error.message}`, {
        attempt: job.attempt,
        error: error.message,
        error_code: code,
        error_name: error.name,
        stack: (error.stack ?? '').split('\n').slice(0, 12).join('\n'),
        duration_ms: round(outcome.durationMs),
      }))
      if (error instanceof PermanentJobError) {
        // No retry can fix this one: use up the delivery's retries before failing it.
        await sql`UPDATE pgboss.job SET retry_limit = retry_count WHERE name = ${jobType.type} AND id = ${job.id}`.execute(trx)
      }
      await this.#deps.boss.fail(jobType.type, claim, { message: error.message }, { db: fromKysely(trx) })
      if (error instanceof RetryLaterError) {
        // pg-boss just planned the retry after the type's backoff; the other server said
        // when to come back, so the retry starts then instead, sooner or later than that.
        await sql`UPDATE pgboss.job SET start_after = ${error.retryAt}::timestamptz
                  WHERE name = ${jobType.type} AND id = ${job.id} AND state = 'retry'`.execute(trx)
      }
      const delivery = await readDelivery(trx, jobType.type, job.id)
      const status = delivery === undefined ? undefined : await mirrorFailure(trx, current, delivery, { message: error.message, code })
      // A retry keeps the hold (keyed by the job, it is not reserved again); a final failure returns it.
      if (status === 'failed') await this.#settleCredits(trx, jobType, job, 'ended')
      return status
    })
    countMirroredFailure(this.#deps.metrics, jobType.type, settled)
  }
}

/**
 * Collects items added during one turn of the event loop and hands them to `flush`
 * together; each add() resolves (or rejects) with that flush.
 */
class SettleQueue<T> {
  readonly #flush: (items: T[]) => Promise<void>
  #pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = []

  constructor (flush: (items: T[]) => Promise<void>) {
    this.#flush = flush
  }

  add (item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => { void this.#drain() })
      this.#pending.push({ item, resolve, reject })
    })
  }

  async #drain (): Promise<void> {
    const batch = this.#pending
    this.#pending = []
    try {
      await this.#flush(batch.map((p) => p.item))
      for (const p of batch) p.resolve()
    } catch (error) {
      for (const p of batch) p.reject(error)
    }
  }
}

function eventFor (job: Job, level: 'info' | 'warning' | 'error', message: string, data: JsonObject) {
  return { jobId: job.id, tenantId: job.tenant_id, traceId: job.trace_id, level, source: 'worker', message, data }
}

type StartedJob = Job & { prior_status: JobStatus }

/**
 * Seconds from when the job was due (its run_at or retry time, else its creation) to its
 * start, both by the database's clock. None for a job re-run after its worker died: its
 * wait says nothing about pickup.
 */
function pickupSeconds (job: StartedJob): number | undefined {
  if (job.prior_status !== 'queued' || job.started_at === null) return undefined
  const due = job.scheduled_for !== null && job.scheduled_for > job.created_at ? job.scheduled_for : job.created_at
  return (job.started_at.getTime() - due.getTime()) / 1000
}

function attemptOutcome (outcome: Outcome): AttemptOutcome {
  if (outcome.kind === 'success') return 'success'
  return outcome.error instanceof JobCancelledError ? 'cancelled' : 'failure'
}

/** The order PostgreSQL sorts uuids in (their hex digits, as lower-case text). */
function byTenant (a: Job, b: Job): number {
  const x = a.tenant_id ?? ''
  const y = b.tenant_id ?? ''
  return x < y ? -1 : x > y ? 1 : 0
}

function round (ms: number): number {
  return Math.round(ms * 10) / 10
}
