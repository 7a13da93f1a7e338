// Per-tenant job quotas (issue "admin controls"): at most max_concurrent_jobs queued or
// running, at most max_jobs_per_day enqueued per UTC day. Only work a person asks for
// (trigger api/retry) is counted and refused: side effects of their writes (automatic
// analysis, reward evaluation), schedules and chained children are never what turns a
// save into a 429, and a backlog of them does not use up the person's quota either.
import { sql } from 'kysely'
import type { Executor } from '../db/database.ts'
import { AppError } from '../errors.ts'

export class QuotaExceededError extends AppError {
  constructor (message: string, retryAfterSeconds: number) {
    super(429, 'quota_exceeded', message, { headers: { 'Retry-After': String(retryAfterSeconds) } })
    this.name = 'QuotaExceededError'
  }
}

export async function assertJobQuota (executor: Executor, tenantId: string, adding: number): Promise<void> {
  // Lock the tenant row (NO KEY UPDATE leaves foreign-key checks alone) so concurrent
  // enqueues of one tenant count one after the other instead of both slipping under.
  // Unfinished (finished_at IS NULL) is queued or running, read through job_unfinished_idx.
  const { rows } = await sql<{ max_concurrent_jobs: number; max_jobs_per_day: number; active: number; today: number }>`
    WITH quota AS (
      SELECT max_concurrent_jobs, max_jobs_per_day FROM tenant WHERE id = ${tenantId} FOR NO KEY UPDATE
    )
    SELECT q.max_concurrent_jobs, q.max_jobs_per_day,
           (SELECT count(*)::int FROM job WHERE tenant_id = ${tenantId} AND trigger IN ('api', 'retry') AND finished_at IS NULL) AS active,
           (SELECT count(*)::int FROM job WHERE tenant_id = ${tenantId} AND trigger IN ('api', 'retry')
              AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS today
    FROM quota q`.execute(executor)
  const quota = rows[0]
  if (quota === undefined) return
  if (quota.active + adding > quota.max_concurrent_jobs) {
    throw new QuotaExceededError(`This workspace already has ${quota.active} jobs queued or running (limit ${quota.max_concurrent_jobs}). Wait for some to finish, then try again.`, 30)
  }
  if (quota.today + adding > quota.max_jobs_per_day) {
    const tomorrow = new Date(); tomorrow.setUTCHours(24, 0, 0, 0)
    throw new QuotaExceededError(`This workspace has used its ${quota.max_jobs_per_day} jobs for today (UTC). The count resets at midnight UTC.`, Math.ceil((tomorrow.getTime() - Date.now()) / 1000))
  }
}
