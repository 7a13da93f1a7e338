// Fixed-window counters in PostgreSQL (table rate_limit_counter), shared by every API
// instance: rate limits and failed-login lockouts hold however many processes run.
import { sql } from 'kysely'
import type { Executor } from './database.ts'

export interface WindowCount {
  hits: number
  /** When the current window ends (for Retry-After). */
  resetAt: Date
}

/**
 * Count one hit in the window of `bucket` that holds `now` and return the window's total.
 * `now` comes from the caller's clock, not the database's now(), so the window a hit
 * lands in is the one the caller reports in Retry-After.
 */
export async function hitCounter (executor: Executor, bucket: string, windowSeconds: number, now: Date): Promise<WindowCount> {
  const { rows } = await sql<{ hits: number; window_start: Date }>`
    INSERT INTO rate_limit_counter (bucket, window_start, hits)
    VALUES (${bucket}, date_bin(make_interval(secs => ${windowSeconds}), ${now}::timestamptz, timestamptz '2000-01-01'), 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counter.hits + 1
    RETURNING hits, window_start`.execute(executor)
  const row = rows[0]
  // Stryker disable next-line all: unreachable — an upsert with RETURNING always returns its row; the guard is for the type checker.
  if (row === undefined) throw new Error('rate limit counter returned no row')
  return { hits: row.hits, resetAt: new Date(row.window_start.getTime() + windowSeconds * 1000) }
}

export async function clearCounter (executor: Executor, bucket: string): Promise<void> {
  await executor.deleteFrom('rate_limit_counter').where('bucket', '=', bucket).execute()
}

/** Old windows are useless; the sweeper calls this now and then. */
export async function pruneCounters (executor: Executor, olderThanSeconds = 86_400): Promise<void> {
  await sql`DELETE FROM rate_limit_counter WHERE window_start < now() - make_interval(secs => ${olderThanSeconds})`.execute(executor)
}
