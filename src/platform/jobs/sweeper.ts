// After a crash pg-boss may settle a job without us: a worker killed mid-job misses its
// heartbeats and pg-boss retries or fails the delivery; an attempt can outlive
// expireInSeconds. The sweeper finds job rows whose delivery moved on and mirrors the
// move, so no job stays `running` forever and every retry leaves its event.
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { PGBOSS_SCHEMA } from './boss.ts'
import { countMirroredFailure, deliveryErrorMessage, mirrorFailure, type DeliveryState } from './delivery.ts'
import { INTERNAL_ERROR } from './failure.ts'
import { recordEvent } from './events.ts'
import type { Job } from './job.table.ts'
import { NO_JOB_METRICS, type JobMetrics } from '../observability/metrics.ts'

type Orphan = Job & { delivery_state: DeliveryState | null; delivery_start_after: Date | null; delivery_retry_count: number | null; delivery_output: unknown }

/** `metrics` counts the retries and failures the sweep records (after its transaction commits). */
export async function sweepOrphanedJobs (db: Db, limit = 500, metrics: JobMetrics = NO_JOB_METRICS): Promise<number> {
  const settled: Array<{ type: string; status: Job['status'] | undefined }> = []
  const swept = await db.transaction().execute(async (trx) => {
    // SKIP LOCKED: several workers sweep at once without fighting over rows, and a row a
    // runner is settling right now is left to the runner. `finished_at IS NULL` says the
    // same as the status test (a CHECK holds them together) and is what job_unfinished_idx
    // is built on, so a sweep reads the unfinished jobs, not the whole table.
    const { rows } = await sql<Orphan>`
      SELECT j.*, b.state AS delivery_state, b.start_after AS delivery_start_after,
             b.retry_count AS delivery_retry_count, b.output AS delivery_output
      FROM job j
      LEFT JOIN ${sql.table(`${PGBOSS_SCHEMA}.job`)} b ON b.name = j.type AND b.id = j.id
      WHERE j.status IN ('queued', 'running') AND j.finished_at IS NULL
        AND j.updated_at < now() - interval '2 seconds'
        AND (b.id IS NULL
             OR b.state IN ('failed', 'cancelled', 'completed')
             OR (j.status = 'running' AND b.state IN ('retry', 'created')))
      ORDER BY j.updated_at
      LIMIT ${limit}
      FOR UPDATE OF j SKIP LOCKED`.execute(trx)
    for (const orphan of rows) {
      const state = orphan.delivery_state
      if (state === 'retry' || state === 'created' || state === 'failed') {
        const status = await mirrorFailure(trx, orphan, {
          state,
          retryCount: orphan.delivery_retry_count ?? 0,
          startAfter: orphan.delivery_start_after ?? new Date(),
          output: orphan.delivery_output,
        }, { message: deliveryErrorMessage(orphan.delivery_output), code: INTERNAL_ERROR }, { source: 'system', data: { detected_by: 'sweeper' } })
        settled.push({ type: orphan.type, status })
        continue
      }
      const status = state === 'cancelled' ? 'cancelled' : 'failed'
      const error = state === 'cancelled' ? null : state === null ? 'the job\'s delivery message is missing' : 'delivery completed without a recorded outcome'
      await trx.updateTable('job').set({ status, error, error_code: error === null ? null : INTERNAL_ERROR, finished_at: new Date(), updated_at: new Date() }).where('id', '=', orphan.id).execute()
      if (status === 'failed') settled.push({ type: orphan.type, status })
      await recordEvent(trx, {
        jobId: orphan.id,
        tenantId: orphan.tenant_id,
        traceId: orphan.trace_id,
        level: status === 'failed' ? 'error' : 'warning',
        source: 'system',
        message: status === 'failed' ? `job failed: ${error}` : 'job cancelled in the delivery engine',
        data: { detected_by: 'sweeper', delivery_state: state },
      })
    }
    return rows.length
  })
  for (const { type, status } of settled) countMirroredFailure(metrics, type, status)
  return swept
}
