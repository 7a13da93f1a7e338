// Pruning finished jobs: the `job` table is the system of record, but a finished job's
// row and timeline are only worth keeping for a while. Rows go in small batches, each its
// own short transaction, so a night with a million old jobs never holds a long lock or
// one huge transaction, and a running cleanup can stop between batches.
//
// What references a job, and what happens to it here (migrations/*.sql):
//  - event.job_id: the job's timeline is deleted with it (explicitly, to count it; the
//    foreign key would cascade anyway).
//  - job.parent_job_id: a job is KEPT while any child is still queued or running, so work
//    in flight never loses its provenance. Once its children have finished it is deleted
//    and the foreign key sets their parent_job_id to NULL; each child then ages out on
//    its own clock. (Keeping a parent while any child row exists would make a dry run's
//    counts depend on what the same run deletes later.)
//  - schedule.last_job_id: that job is KEPT — one per schedule, and it is the link from a
//    rarely firing (monthly, yearly) schedule to its last run.
//  - llm_call.job_id: the foreign key sets it to NULL. llm_call is the cost ledger and is
//    never pruned; its rows still carry tenant, user, purpose, model, tokens and cost.
//  - worklog_report.job_id, resume.job_id, user_challenge_progress.job_id and the job ids
//    inside XP/badge provenance are plain ids (no foreign key): they stay as provenance
//    that may name a pruned job. Their uniqueness only guards retries of a job that can
//    still run, and a finished job no longer can.
// Queued and running jobs are never candidates, however old.
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { JobStatus } from './job.table.ts'

export type FinishedStatus = Extract<JobStatus, 'success' | 'failed' | 'cancelled'>

export interface PruneJobsInput {
  statuses: readonly FinishedStatus[]
  /** Jobs that finished before this instant go. */
  finishedBefore: Date
  /** Jobs per batch (one transaction each). */
  batchSize: number
  /** Count what would go, delete nothing. */
  dryRun: boolean
  /** Stops between batches when aborted (a cancelled or shut-down cleanup job). */
  signal?: AbortSignal
}

export interface PruneCount {
  jobs: number
  events: number
  batches: number
}

/** created_at as PostgreSQL's text: a Date would drop the microseconds and match its own row again. */
interface Cursor { createdAt: string; id: string }

export async function pruneFinishedJobs (db: Db, input: PruneJobsInput): Promise<PruneCount> {
  const count: PruneCount = { jobs: 0, events: 0, batches: 0 }
  let cursor: Cursor | undefined
  while (input.signal?.aborted !== true) {
    const batch = await db.transaction().execute(async (trx) => {
      // Walked in (created_at, id) order behind a cursor, so a dry run (which deletes
      // nothing) still moves on, and kept rows are passed once, not rescanned every batch.
      // finished_at >= created_at, so the created_at bound lets job_created_idx find the
      // candidates without an index on finished_at. SKIP LOCKED leaves a row someone is
      // touching right now (a retry being enqueued against it) for the next run.
      const { rows } = await sql<{ id: string; created_at: string }>`
        SELECT j.id, j.created_at::text AS created_at
        FROM job j
        WHERE j.status = ANY(${[...input.statuses]}::text[])
          AND j.created_at < ${input.finishedBefore}
          AND j.finished_at < ${input.finishedBefore}
          ${cursor === undefined ? sql`` : sql`AND j.created_at >= ${cursor.createdAt}::timestamptz AND (j.created_at, j.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`}
          AND NOT EXISTS (SELECT 1 FROM job c WHERE c.parent_job_id = j.id AND c.status IN ('queued', 'running'))
          AND NOT EXISTS (SELECT 1 FROM schedule s WHERE s.last_job_id = j.id)
        ORDER BY j.created_at, j.id
        LIMIT ${input.batchSize}
        ${input.dryRun ? sql`` : sql`FOR UPDATE OF j SKIP LOCKED`}`.execute(trx)
      const ids = rows.map((row) => row.id)
      if (ids.length === 0) return { rows, events: 0 }
      if (input.dryRun) {
        const { rows: [counted] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event WHERE job_id = ANY(${ids}::uuid[])`.execute(trx)
        return { rows, events: counted?.n ?? 0 }
      }
      const events = await trx.deleteFrom('event').where('job_id', 'in', ids).executeTakeFirst()
      await trx.deleteFrom('job').where('id', 'in', ids).execute()
      return { rows, events: Number(events.numDeletedRows) }
    })
    const last = batch.rows.at(-1)
    if (last === undefined) break
    count.jobs += batch.rows.length
    count.events += batch.events
    count.batches++
    cursor = { createdAt: last.created_at, id: last.id }
    if (batch.rows.length < input.batchSize) break
  }
  return count
}
