// Transactional enqueue: the job row, its "job queued" event and the pg-boss message are
// written with the caller's executor, so they commit together with the domain write that
// caused them, or not at all. A crash can never leave a row without a message or a
// message without a row.
import { randomUUID } from 'node:crypto'
import { fromKysely } from 'pg-boss'
import type { Executor, Trx } from '../db/database.ts'
import { toJson, type JsonObject } from '../db/json.ts'
import { ValidationError } from '../errors.ts'
import type { PgBoss } from './boss.ts'
import { recordEvent } from './events.ts'
import type { Job, JobTrigger } from './job.table.ts'
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
}

export async function enqueue (deps: EnqueueDeps, executor: Executor, input: EnqueueInput): Promise<EnqueueResult> {
  const jobType = deps.registry.require(input.type)
  const payload = jobType.validatePayload(input.payload ?? {})
  const maxRetries = input.maxRetries ?? jobType.options.retryLimit
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 50) {
    throw new ValidationError('maxRetries must be an integer between 0 and 50.', 'max_retries')
  }
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime())) {
    throw new ValidationError('runAt must be a valid time.', 'run_at')
  }
  if (input.idempotencyKey !== undefined && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) {
    throw new ValidationError('idempotency key must be 1 to 200 characters.', 'idempotency_key')
  }
  const write = (trx: Trx | Executor): Promise<EnqueueResult> => insertJob(deps, trx, { ...input, payload, maxRetries })
  return executor.isTransaction ? write(executor) : executor.transaction().execute(write)
}

async function insertJob (deps: EnqueueDeps, trx: Executor, input: EnqueueInput & { payload: JsonObject; maxRetries: number }): Promise<EnqueueResult> {
  const id = randomUUID()
  const traceId = input.traceId ?? randomUUID()
  const tenantId = input.tenantId ?? null
  const inserted = await trx.insertInto('job')
    .values({
      id,
      tenant_id: tenantId,
      user_id: input.userId ?? null,
      type: input.type,
      trigger: input.trigger ?? 'api',
      payload: toJson(input.payload),
      max_retries: input.maxRetries,
      scheduled_for: input.runAt ?? null,
      parent_job_id: input.parentJobId ?? null,
      schedule_id: input.scheduleId ?? null,
      trace_id: traceId,
      idempotency_key: input.idempotencyKey ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst()

  if (inserted === undefined) {
    // The unique index decided: a concurrent or earlier request holds this key. Its row is
    // committed (ON CONFLICT waited for it), so this statement can read it.
    const existing = await trx.selectFrom('job').selectAll()
      .where('idempotency_key', '=', input.idempotencyKey ?? '')
      .where((eb) => tenantId === null ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId))
      .executeTakeFirstOrThrow()
    return { job: existing, created: false }
  }

  await recordEvent(trx, {
    jobId: id,
    tenantId,
    traceId,
    source: 'system',
    message: 'job queued',
    data: {
      type: input.type,
      trigger: inserted.trigger,
      max_retries: input.maxRetries,
      ...(input.runAt !== undefined && { scheduled_for: input.runAt.toISOString() }),
      ...(input.parentJobId != null && { parent_job_id: input.parentJobId }),
    },
  })
  await deps.boss.send(input.type, { tenantId }, {
    id,
    db: fromKysely(trx),
    retryLimit: input.maxRetries,
    ...(input.runAt !== undefined && { startAfter: input.runAt }),
  })
  return { job: inserted, created: true }
}
