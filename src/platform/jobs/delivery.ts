// Reading pg-boss's view of a job and mirroring it onto our row. Used by the runner
// after it fails an attempt (to copy pg-boss's retry decision and backoff time) and by
// the sweeper after crashes (heartbeat or expiry failures pg-boss made without us).
import { sql } from 'kysely'
import type { Executor } from '../db/database.ts'
import { PGBOSS_SCHEMA } from './boss.ts'
import { recordEvents, type NewEvent } from './events.ts'
import type { Job } from './job.table.ts'
import type { JobMetrics } from '../observability/metrics.ts'

export type DeliveryState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

export interface Delivery {
  state: DeliveryState
  /** pg-boss counts claims after the first: 0 while the first attempt runs. */
  retryCount: number
  startAfter: Date
  output: unknown
}

export async function readDelivery (executor: Executor, type: string, id: string): Promise<Delivery | undefined> {
  const { rows } = await sql<{ state: DeliveryState; retry_count: number; start_after: Date; output: unknown }>`
    SELECT state, retry_count, start_after, output
    FROM ${sql.table(`${PGBOSS_SCHEMA}.job`)}
    WHERE name = ${type} AND id = ${id}`.execute(executor)
  const row = rows[0]
  return row === undefined ? undefined : { state: row.state, retryCount: row.retry_count, startAfter: row.start_after, output: row.output }
}

/**
 * How long a message handed back stays unfetchable. pg-boss settles a batch as soon as its
 * handler returns, fenced only by each message's id and retry count, and a hand-back keeps
 * the retry count. A message fetched again by another fetch loop (of this process or
 * another) before that settle would be completed under the new claim, never having run;
 * CI met that once. No loop can fetch it within this hold, and the settle comes
 * milliseconds after the hand-back.
 */
export const RELEASE_HOLD_SECONDS = 5

/**
 * Hand claimed messages back unstarted: `created` again, as pg-boss's own (unexported)
 * restore does, due again after RELEASE_HOLD_SECONDS. Clearing started_on keeps the retry
 * count: pg-boss counts a claim as a retry only when the message had started before.
 * Only messages still active are touched.
 */
export async function releaseClaims (executor: Executor, type: string, ids: readonly string[]): Promise<void> {
  await sql`
    UPDATE ${sql.table(`${PGBOSS_SCHEMA}.job`)}
    SET state = 'created', started_on = NULL, heartbeat_on = NULL, start_after = now() + make_interval(secs => ${RELEASE_HOLD_SECONDS})
    WHERE name = ${type} AND id = ANY(${ids}::uuid[]) AND state = 'active'`.execute(executor)
}

export function deliveryErrorMessage (output: unknown): string {
  if (typeof output === 'object' && output !== null) {
    const value = output as { value?: { message?: unknown }; message?: unknown }
    if (typeof value.message === 'string') return value.message
    if (typeof value.value?.message === 'string') return value.value.message
  }
  return 'the delivery engine failed the job without an error message'
}

/**
 * Bring our row in line with a failed or retried delivery. Only rows still queued or
 * running are touched: a success or cancellation recorded here is final.
 * Returns the status the row ended with, or undefined when nothing changed.
 */
export async function mirrorFailure (executor: Executor, job: Job, delivery: Delivery, failure: { message: string; code: string }, extra: Omit<NewEvent, 'jobId' | 'tenantId' | 'traceId' | 'source' | 'message'> & { source?: string } = {}): Promise<Job['status'] | undefined> {
  const base = { jobId: job.id, tenantId: job.tenant_id, traceId: job.trace_id, source: extra.source ?? 'worker' }
  const { message: error, code: errorCode } = failure
  if (delivery.state === 'retry' || delivery.state === 'created') {
    const updated = await executor.updateTable('job')
      .set((eb) => ({
        status: 'queued',
        retry_count: eb('retry_count', '+', 1),
        error,
        error_code: errorCode,
        scheduled_for: delivery.startAfter,
        updated_at: new Date(),
      }))
      .where('id', '=', job.id).where('status', 'in', ['queued', 'running'])
      // The transaction's time: when the runner fails an attempt, pg-boss's fail ran in this
      // same transaction and set start_after to exactly this now() plus its backoff, so the
      // delay reported is the backoff pg-boss chose, not that minus our round trips.
      .returning(['retry_count', 'max_retries', sql<Date>`now()`.as('decided_at')])
      .executeTakeFirst()
    if (updated === undefined) return undefined
    const delayMs = Math.max(0, delivery.startAfter.getTime() - updated.decided_at.getTime())
    await recordEvents(executor, [{
      ...base,
      level: 'warning',
      message: `retry ${updated.retry_count} of ${updated.max_retries} scheduled`,
      data: { retry_count: updated.retry_count, scheduled_for: delivery.startAfter.toISOString(), delay_ms: delayMs, error, error_code: errorCode, ...extra.data },
    }])
    return 'queued'
  }
  if (delivery.state === 'failed') {
    const updated = await executor.updateTable('job')
      .set({ status: 'failed', error, error_code: errorCode, finished_at: new Date(), updated_at: new Date() })
      .where('id', '=', job.id).where('status', 'in', ['queued', 'running'])
      .returning('id')
      .executeTakeFirst()
    if (updated === undefined) return undefined
    await recordEvents(executor, [{ ...base, level: 'error', message: 'job failed', data: { error, error_code: errorCode, attempts: job.attempt, ...extra.data } }])
    return 'failed'
  }
  return undefined
}

/** What mirrorFailure recorded, counted once its transaction committed: a retry, or the end. */
export function countMirroredFailure (metrics: JobMetrics, type: string, status: Job['status'] | undefined): void {
  if (status === 'queued') metrics.retried(type)
  else if (status === 'failed') metrics.failed(type)
}
