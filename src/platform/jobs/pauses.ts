// Pausing a job type: while a job_type_pause row exists, no worker fetches the type and
// its jobs wait as `queued` (enqueueing goes on as usual). A change is announced on
// PAUSE_CHANNEL in the same transaction, so workers hear of it as it commits; the runner
// also reads the row before it starts a batch, which makes a missed notification cost
// one fetch, never a run.
import { sql } from 'kysely'
import type { Executor } from '../db/database.ts'
import type { JobTypePause } from './job.table.ts'

export const PAUSE_CHANNEL = 'afterresume_job_pause'

/** Pause `jobType`; false when it was paused already (the first pause's details stay). */
export async function pauseJobType (executor: Executor, jobType: string, by: { userId: string | null; reason?: string }): Promise<boolean> {
  const inserted = await executor.insertInto('job_type_pause')
    .values({ job_type: jobType, paused_by: by.userId, reason: by.reason ?? '' })
    .onConflict((oc) => oc.column('job_type').doNothing())
    .returning('job_type').executeTakeFirst()
  if (inserted !== undefined) await sql`SELECT pg_notify(${PAUSE_CHANNEL}, ${jobType})`.execute(executor)
  return inserted !== undefined
}

/** Resume `jobType`; false when it was not paused. */
export async function resumeJobType (executor: Executor, jobType: string): Promise<boolean> {
  const deleted = await executor.deleteFrom('job_type_pause').where('job_type', '=', jobType).returning('job_type').executeTakeFirst()
  if (deleted !== undefined) await sql`SELECT pg_notify(${PAUSE_CHANNEL}, ${jobType})`.execute(executor)
  return deleted !== undefined
}

export async function listPausedJobTypes (executor: Executor): Promise<JobTypePause[]> {
  return executor.selectFrom('job_type_pause').selectAll().orderBy('job_type').execute()
}

export async function isJobTypePaused (executor: Executor, jobType: string): Promise<boolean> {
  return (await executor.selectFrom('job_type_pause').select('job_type').where('job_type', '=', jobType).executeTakeFirst()) !== undefined
}
