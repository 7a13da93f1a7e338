// Transactional enqueue: the job row, its "job queued" event and the pg-boss message are
// written with the caller's executor, so they commit together with the domain write that
// caused them, or not at all. A crash can never leave a row without a message or a
// message without a row.
import { randomUUID } from 'node:crypto'
import { fromKysely } from 'pg-boss'
import type { Executor } from '../db/database.ts'
import type { JobMetrics } from '../observability/metrics.ts'
import { activeTraceParent } from '../observability/tracing.ts'
import { toJson, type JsonObject } from '../db/json.ts'
import { ValidationError } from '../errors.ts'
import type { PgBoss } from './boss.ts'
import { InsufficientCreditsError, type JobCredits } from './credits.ts'
import type { Job, JobTrigger } from './job.table.ts'
import { assertJobQuota } from './quotas.ts'
import type { JobRegistry } from './registry.ts'

export interface EnqueueInput {
  type: string
  payload?: JsonObject
  trigger?: JobTrigger
  tenantId?: string | null
  userId?: string | null
  parentJobId?: string | null
  scheduleId?: string | null
  /** Correlation id to carry; a new one is made when absent. */
  traceId?: string
  /** A repeated (tenant, key) returns the job created the first time instead of a new one. */
  idempotencyKey?: string
  /** Do not start before this time. */
  runAt?: Date
  /** Retries after the first attempt; defaults to the job type's retryLimit. */
  maxRetries?: number
}

export interface EnqueueResult {
  job: Job
  /** False when an existing job was returned for a repeated idempotency key. */
  created: boolean
}

export interface EnqueueDeps {
  boss: PgBoss
  registry: JobRegistry
  metrics: JobMetrics
  /** Asked before paid work a person asks for is queued (FREE_OF_CHARGE when billing is off). */
  credits: JobCredits
}

export async function enqueue (deps: EnqueueDeps, executor: Executor, input: EnqueueInput): Promise<EnqueueResult> {
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime())) {
    throw new ValidationError('runAt must be a valid time.', 'run_at')
  }
  if (input.idempotencyKey !== undefined && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) {
    throw new ValidationError('idempotency key must be 1 to 200 characters.', 'idempotency_key')
  }
  const { type, ...rest } = input
  const [result] = await enqueueMany(deps, executor, type, [rest])
  if (result === undefined) throw new Error('enqueue produced no job')
  return result
}

/**
 * Enqueue jobs of one type (a single job, an import's fan-out, a benchmark's 20,000):
 * one statement for the rows, one for their "job queued" events, one pg-boss insert,
 * all with the caller's executor. A repeated idempotency key returns the existing job
 * (created=false): the unique index decides, so concurrent duplicates are safe — ON
 * CONFLICT waits for the other transaction and the follow-up read sees its row.
 */
export async function enqueueMany (deps: EnqueueDeps, executor: Executor, type: string, inputs: ReadonlyArray<Omit<EnqueueInput, 'type'>>): Promise<EnqueueResult[]> {
  if (inputs.length === 0) return []
  const jobType = deps.registry.require(type)
  // The span enqueueing (a request, or the step of a parent job), continued by the worker
  // that runs the jobs; null while tracing is off.
  const traceParent = activeTraceParent() ?? null
  const prepared = inputs.map((input) => {
    const maxRetries = input.maxRetries ?? jobType.options.retryLimit
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 50) throw new ValidationError('maxRetries must be an integer between 0 and 50.', 'max_retries')
    return { ...input, id: randomUUID(), traceId: input.traceId ?? randomUUID(), payload: jobType.validatePayload(input.payload ?? {}), maxRetries }
  })
  const write = async (trx: Executor): Promise<EnqueueResult[]> => {
    const counted = new Map<string, number>()
    for (const p of prepared) {
      if (p.tenantId != null && (p.trigger === undefined || p.trigger === 'api' || p.trigger === 'retry')) counted.set(p.tenantId, (counted.get(p.tenantId) ?? 0) + 1)
    }
    for (const [tenantId, adding] of counted) {
      await assertJobQuota(trx, tenantId, adding)
      // Like the quota, only work a person asks for is refused up front (402): a save's
      // automatic analysis or a schedule is refused, if at all, when its job runs.
      const paid = jobType.options.credits
      if (paid !== undefined) {
        const shortfall = await deps.credits.shortfall(trx, { tenantId, type, estimatedTokens: paid.estimatedTokens, count: adding })
        if (shortfall !== undefined) throw new InsufficientCreditsError(shortfall)
      }
    }
    const inserted = await trx.insertInto('job').values(prepared.map((p) => ({
      id: p.id,
      tenant_id: p.tenantId ?? null,
      user_id: p.userId ?? null,
      type,
      trigger: p.trigger ?? 'api',
      payload: toJson(p.payload),
      max_retries: p.maxRetries,
      scheduled_for: p.runAt ?? null,
      parent_job_id: p.parentJobId ?? null,
      schedule_id: p.scheduleId ?? null,
      trace_id: p.traceId,
      trace_parent: traceParent,
      idempotency_key: p.idempotencyKey ?? null,
    })))
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
      .returningAll()
      .execute()
    const created = new Map(inserted.map((job) => [job.id, job]))
    const fresh = prepared.filter((p) => created.has(p.id))
    if (fresh.length > 0) {
      await trx.insertInto('event').values(fresh.map((p) => ({
        job_id: p.id,
        tenant_id: p.tenantId ?? null,
        trace_id: p.traceId,
        source: 'system',
        message: 'job queued',
        data: toJson({
          type,
          trigger: p.trigger ?? 'api',
          max_retries: p.maxRetries,
          ...(p.runAt !== undefined && { scheduled_for: p.runAt.toISOString() }),
          ...(p.parentJobId != null && { parent_job_id: p.parentJobId }),
        }),
      }))).execute()
      await deps.boss.insert(type, fresh.map((p) => ({
        id: p.id,
        data: { tenantId: p.tenantId ?? null },
        retryLimit: p.maxRetries,
        ...(p.runAt !== undefined && { startAfter: p.runAt }),
      })), { db: fromKysely(trx) })
      // Counted when written: if a caller's transaction rolls back afterwards, the count
      // stays (nothing tells us of the rollback). The job table is the exact record.
      deps.metrics.enqueued(type, fresh.length)
    }
    const results: EnqueueResult[] = []
    for (const p of prepared) {
      const job = created.get(p.id)
      if (job !== undefined) {
        results.push({ job, created: true })
        continue
      }
      const tenantId = p.tenantId ?? null
      const existing = await trx.selectFrom('job').selectAll()
        .where('idempotency_key', '=', p.idempotencyKey ?? '')
        .where((eb) => tenantId === null ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId))
        .executeTakeFirstOrThrow()
      results.push({ job: existing, created: false })
    }
    return results
  }
  return executor.isTransaction ? write(executor) : executor.transaction().execute(write)
}
