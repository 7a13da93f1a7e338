// Worker processes say they are alive in worker_heartbeat (migration 0015): a row per
// process, stamped every sweep interval and deleted on a graceful stop. pg-boss keeps no
// such list (its heartbeats are per active job), and without one an idle worker would be
// invisible to operators.
import { sql } from 'kysely'
import type { Executor } from '../db/database.ts'

/** A worker that missed this many stamps in a row is taken for dead. */
export const MISSED_BEATS_DEAD = 3

export interface WorkerBeat {
  worker: string
  beatIntervalSeconds: number
  concurrency: number
  jobTypes: readonly string[]
}

export async function beat (executor: Executor, worker: WorkerBeat): Promise<void> {
  await executor.insertInto('worker_heartbeat').values({
    worker: worker.worker,
    beat_interval_seconds: worker.beatIntervalSeconds,
    concurrency: worker.concurrency,
    job_types: [...worker.jobTypes],
  }).onConflict((oc) => oc.column('worker').doUpdateSet({
    last_seen_at: sql`now()`,
    beat_interval_seconds: worker.beatIntervalSeconds,
    concurrency: worker.concurrency,
    job_types: [...worker.jobTypes],
  })).execute()
}

export async function forgetWorker (executor: Executor, worker: string): Promise<void> {
  await executor.deleteFrom('worker_heartbeat').where('worker', '=', worker).execute()
}

/** Rows of workers silent for a day: they crashed, and the console has shown them as dead long enough. */
export async function pruneWorkerHeartbeats (executor: Executor): Promise<number> {
  const { numDeletedRows } = await executor.deleteFrom('worker_heartbeat')
    .where('last_seen_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst()
  return Number(numDeletedRows)
}
