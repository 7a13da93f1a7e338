// system.compute_metrics (seed workflow 5): platform health over a window — job counts
// by type and status, failure rate, and queue-wait / run-time percentiles per type.
// The figures are the job's result, so a nightly schedule keeps a history of them.
import { sql } from 'kysely'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import type { JsonObject } from '../../platform/db/json.ts'

interface TypeMetrics {
  type: string
  total: number
  queued: number
  running: number
  success: number
  failed: number
  cancelled: number
  wait_p50_ms: number | null
  wait_p95_ms: number | null
  run_p50_ms: number | null
  run_p95_ms: number | null
}

export async function computeMetrics (ctx: ExecutionContext, payload: JsonObject): Promise<JsonObject> {
  const windowHours = typeof payload.window_hours === 'number' ? payload.window_hours : 24
  const since = new Date(Date.now() - windowHours * 3_600_000)
  await ctx.log('computing job metrics', { data: { window_hours: windowHours, since: since.toISOString() } })
  const { rows } = await sql<TypeMetrics>`
    SELECT type,
           count(*)::int AS total,
           count(*) FILTER (WHERE status = 'queued')::int    AS queued,
           count(*) FILTER (WHERE status = 'running')::int   AS running,
           count(*) FILTER (WHERE status = 'success')::int   AS success,
           count(*) FILTER (WHERE status = 'failed')::int    AS failed,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
           round((percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000)::numeric, 1)::float8 AS wait_p50_ms,
           round((percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000)::numeric, 1)::float8 AS wait_p95_ms,
           round((percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1)::float8 AS run_p50_ms,
           round((percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1)::float8 AS run_p95_ms
    FROM job
    WHERE created_at >= ${since}
    GROUP BY type
    ORDER BY type`.execute(ctx.db)
  const finished = rows.reduce((n, r) => n + r.success + r.failed, 0)
  const failed = rows.reduce((n, r) => n + r.failed, 0)
  const result = {
    window_hours: windowHours,
    since: since.toISOString(),
    total_jobs: rows.reduce((n, r) => n + r.total, 0),
    failure_rate: finished === 0 ? 0 : Math.round((failed / finished) * 10_000) / 10_000,
    by_type: rows.map((r) => ({ ...r })),
  }
  await ctx.log('job metrics computed', { data: { total_jobs: result.total_jobs, failure_rate: result.failure_rate } })
  return result
}
