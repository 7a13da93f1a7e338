// SQL of the staff view across tenants: the /system/* API and the operator console. Every
// function runs on the platform pool (staff see every tenant) and takes `now` from the
// caller's clock, so what "the last hour" means is the app's decision, not the server's.
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { PGBOSS_SCHEMA } from '../../platform/jobs/boss.ts'
import { MISSED_BEATS_DEAD } from '../../platform/jobs/heartbeats.ts'
import type { Job, JobStatus, JobTrigger } from '../../platform/jobs/job.table.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

// ---------------------------------------------------------------------------
// Overview
// ---------------------------------------------------------------------------

/** Job counts by status over the whole table, activity of the last 24 hours, tenants and users. */
export async function summary (executor: Executor, now: Date) {
  const since = new Date(now.getTime() - DAY_MS)
  const [byStatus, day, counts] = await Promise.all([
    executor.selectFrom('job').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    sql<{ created: number; failed: number; succeeded: number }>`
      SELECT count(*)::int AS created,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status = 'success')::int AS succeeded
      FROM job WHERE created_at > ${since}`.execute(executor),
    sql<{ tenants: number; users: number }>`SELECT (SELECT count(*)::int FROM tenant) AS tenants, (SELECT count(*)::int FROM app_user) AS users`.execute(executor),
  ])
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) as Partial<Record<JobStatus, number>>,
    last24h: day.rows[0] ?? { created: 0, failed: 0, succeeded: 0 },
    tenants: counts.rows[0]?.tenants ?? 0,
    users: counts.rows[0]?.users ?? 0,
  }
}

export interface TypeStatusCount { type: string; status: JobStatus; jobs: number }

/**
 * Jobs per type and status: those waiting or running now, and those that finished in the
 * last 24 hours. The unfinished ones come through the partial index on unfinished jobs;
 * the finished ones are read by finished_at, which has no index on purpose (migration
 * 0008 keeps status changes HOT), so this scans the job table once.
 */
export async function jobsByTypeAndStatus (executor: Executor, now: Date): Promise<TypeStatusCount[]> {
  const since = new Date(now.getTime() - DAY_MS)
  const { rows } = await sql<TypeStatusCount>`
    SELECT type, status, count(*)::int AS jobs FROM job WHERE finished_at IS NULL GROUP BY type, status
    UNION ALL
    SELECT type, status, count(*)::int FROM job WHERE finished_at >= ${since} GROUP BY type, status
    ORDER BY type, status`.execute(executor)
  return rows
}

export interface MinuteCount { minute: number; succeeded: number; failed: number }

/**
 * Jobs that finished in each minute of the last `hours` (oldest first, every minute
 * present, epoch seconds): the charts' data.
 */
export async function finishedPerMinute (executor: Executor, now: Date, hours: number): Promise<MinuteCount[]> {
  const end = Math.floor(now.getTime() / 60_000) * 60_000
  const start = end - hours * HOUR_MS + 60_000
  const { rows } = await sql<{ minute: number; succeeded: number; failed: number }>`
    SELECT (extract(epoch FROM date_trunc('minute', finished_at)))::bigint AS minute,
           count(*) FILTER (WHERE status = 'success')::int AS succeeded,
           count(*) FILTER (WHERE status = 'failed')::int AS failed
    FROM job
    WHERE finished_at >= ${new Date(start)} AND finished_at < ${new Date(end + 60_000)}
    GROUP BY 1`.execute(executor)
  const byMinute = new Map(rows.map((r) => [Number(r.minute), r]))
  const minutes: MinuteCount[] = []
  for (let t = start; t <= end; t += 60_000) {
    const row = byMinute.get(t / 1000)
    minutes.push({ minute: t / 1000, succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0 })
  }
  return minutes
}

export interface LatencyRow {
  window: 'hour' | 'day'
  type: string
  finished: number
  failed: number
  pickup_p50_ms: number | null
  pickup_p95_ms: number | null
  pickup_p99_ms: number | null
  run_p50_ms: number | null
  run_p95_ms: number | null
  run_p99_ms: number | null
}

/**
 * Pickup latency (from when the job was due — created, or its retry or delay time — to
 * its last attempt's start) and run time (that attempt's start to the end), percentiles
 * per type over the last hour and day.
 */
export async function latencyPercentiles (executor: Executor, now: Date): Promise<LatencyRow[]> {
  const hour = new Date(now.getTime() - HOUR_MS)
  const day = new Date(now.getTime() - DAY_MS)
  const { rows } = await sql<LatencyRow>`
    WITH finished AS (
      SELECT type, status, finished_at,
             extract(epoch FROM started_at - greatest(created_at, coalesce(scheduled_for, created_at))) * 1000 AS pickup_ms,
             extract(epoch FROM finished_at - started_at) * 1000 AS run_ms
      FROM job
      WHERE finished_at >= ${day} AND status IN ('success', 'failed') AND started_at IS NOT NULL
    ), windows (name, since) AS (VALUES ('hour', ${hour}::timestamptz), ('day', ${day}::timestamptz))
    SELECT w.name AS window, f.type,
           count(*)::int AS finished,
           count(*) FILTER (WHERE f.status = 'failed')::int AS failed,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(f.pickup_ms, 0))::numeric, 1) AS pickup_p50_ms,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY greatest(f.pickup_ms, 0))::numeric, 1) AS pickup_p95_ms,
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY greatest(f.pickup_ms, 0))::numeric, 1) AS pickup_p99_ms,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY f.run_ms)::numeric, 1) AS run_p50_ms,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY f.run_ms)::numeric, 1) AS run_p95_ms,
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY f.run_ms)::numeric, 1) AS run_p99_ms
    FROM windows w JOIN finished f ON f.finished_at >= w.since
    GROUP BY w.name, f.type
    ORDER BY w.name = 'day', f.type`.execute(executor)
  return rows
}

export interface WorkerRow {
  worker: string
  started_at: Date
  last_seen_at: Date
  beat_interval_seconds: number
  concurrency: number
  job_types: string[]
  alive: boolean
}

/** Worker processes that stamped worker_heartbeat; alive unless they missed three stamps. */
export async function listWorkers (executor: Executor, now: Date): Promise<WorkerRow[]> {
  const { rows } = await sql<WorkerRow>`
    SELECT worker, started_at, last_seen_at, beat_interval_seconds, concurrency, job_types,
           last_seen_at > ${now}::timestamptz - make_interval(secs => beat_interval_seconds * ${MISSED_BEATS_DEAD}) AS alive
    FROM worker_heartbeat
    ORDER BY alive DESC, worker`.execute(executor)
  return rows
}

export interface RunningJobRow {
  id: string
  type: string
  tenant_id: string | null
  attempt: number
  started_at: Date | null
  /** The worker that started the attempt (its "job started" event), host:pid. */
  worker: string | null
  /** pg-boss's last heartbeat for the attempt. */
  heartbeat_on: Date | null
}

/** Jobs running now, with the worker running each (from its start event) and pg-boss's heartbeat. */
export async function listRunningJobs (executor: Executor, limit = 200): Promise<RunningJobRow[]> {
  const { rows } = await sql<RunningJobRow>`
    SELECT j.id, j.type, j.tenant_id, j.attempt, j.started_at, started.worker, b.heartbeat_on
    FROM job j
    LEFT JOIN LATERAL (
      SELECT e.data->>'worker' AS worker FROM event e
      WHERE e.job_id = j.id AND e.source = 'worker' AND e.data ? 'worker'
      ORDER BY e.id DESC LIMIT 1
    ) started ON true
    LEFT JOIN ${sql.table(`${PGBOSS_SCHEMA}.job`)} b ON b.name = j.type AND b.id = j.id AND b.state = 'active'
    WHERE j.finished_at IS NULL AND j.status = 'running'
    ORDER BY j.started_at
    LIMIT ${limit}`.execute(executor)
  return rows
}

export interface ScheduleRow {
  id: string
  name: string
  job_type: string
  cron: string
  timezone: string
  enabled: boolean
  tenant_id: string | null
  tenant_name: string | null
  last_run_at: Date | null
  next_run_at: Date | null
  last_job_id: string | null
  last_job_status: JobStatus | null
}

export async function listSchedules (executor: Executor): Promise<ScheduleRow[]> {
  return executor.selectFrom('schedule as s')
    .leftJoin('tenant as t', 't.id', 's.tenant_id')
    .leftJoin('job as j', 'j.id', 's.last_job_id')
    .select(['s.id', 's.name', 's.job_type', 's.cron', 's.timezone', 's.enabled', 's.tenant_id', 't.name as tenant_name', 's.last_run_at', 's.next_run_at', 's.last_job_id', 'j.status as last_job_status'])
    .orderBy('s.enabled', 'desc').orderBy('s.next_run_at').orderBy('s.name')
    .execute()
}

export interface PostgresFacts { version: string; database_bytes: number; connections: number; max_connections: number }

export async function postgresFacts (executor: Executor): Promise<PostgresFacts> {
  const { rows } = await sql<PostgresFacts>`
    SELECT current_setting('server_version') AS version,
           pg_database_size(current_database()) AS database_bytes,
           (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database()) AS connections,
           current_setting('max_connections')::int AS max_connections`.execute(executor)
  return rows[0]!
}

export interface QueueFacts {
  name: string
  queued: number
  active: number
  deferred: number
  /** pg-boss's last maintenance of the queue: when its counts were refreshed. */
  maintained_at: Date | null
}

/** pg-boss's own per-queue counts (cached by its maintenance) and its schema version. */
export async function pgBossFacts (executor: Executor): Promise<{ version: number | null; queues: QueueFacts[] }> {
  const [version, queues] = await Promise.all([
    sql<{ version: number }>`SELECT version FROM ${sql.table(`${PGBOSS_SCHEMA}.version`)}`.execute(executor),
    sql<QueueFacts>`
      SELECT name, queued_count AS queued, active_count AS active, deferred_count AS deferred, maintain_on AS maintained_at
      FROM ${sql.table(`${PGBOSS_SCHEMA}.queue`)} ORDER BY name`.execute(executor),
  ])
  return { version: version.rows[0]?.version ?? null, queues: queues.rows }
}

export interface LlmTenantUsage {
  tenant_id: string | null
  tenant_name: string | null
  calls_today: number
  tokens_today: number
  cost_today_usd: number | null
  tokens_this_month: number
  /** Tokens per calendar month (UTC); null is unlimited. */
  monthly_budget: number | null
}

/**
 * LLM calls, tokens and cost today (UTC) per tenant, with the month's tokens against the
 * tenant's monthly budget: every tenant that called a model this month, busiest today first.
 */
export async function llmUsageToday (executor: Executor, now: Date, limit = 50): Promise<LlmTenantUsage[]> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const { rows } = await sql<LlmTenantUsage>`
    SELECT c.tenant_id, t.name AS tenant_name,
           count(*) FILTER (WHERE c.created_at >= ${dayStart})::int AS calls_today,
           coalesce(sum(c.prompt_tokens + c.completion_tokens) FILTER (WHERE c.created_at >= ${dayStart}), 0)::bigint AS tokens_today,
           sum(c.cost_usd) FILTER (WHERE c.created_at >= ${dayStart}) AS cost_today_usd,
           coalesce(sum(c.prompt_tokens + c.completion_tokens), 0)::bigint AS tokens_this_month,
           t.llm_monthly_token_budget AS monthly_budget
    FROM llm_call c
    LEFT JOIN tenant t ON t.id = c.tenant_id
    WHERE c.created_at >= ${monthStart} AND c.created_at <= ${now}
    GROUP BY c.tenant_id, t.name, t.llm_monthly_token_budget
    ORDER BY tokens_today DESC, tokens_this_month DESC
    LIMIT ${limit}`.execute(executor)
  return rows
}

// ---------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------

export interface JobSearch {
  status?: JobStatus
  type?: string
  /** A tenant id, or null for the platform's own jobs (no tenant). */
  tenantId?: string | null
  trigger?: JobTrigger
  createdFrom?: Date
  createdTo?: Date
  /** Words looked for in the payload, result and error (case-insensitive), or a job id. */
  text?: string
}

export type JobListRow = Job & { tenant_name: string | null }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function likePattern (text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function searched (executor: Executor, filter: JobSearch) {
  let query = executor.selectFrom('job as j')
  if (filter.status !== undefined) query = query.where('j.status', '=', filter.status)
  if (filter.type !== undefined) query = query.where('j.type', '=', filter.type)
  if (filter.tenantId !== undefined) {
    const tenantId = filter.tenantId
    query = query.where((eb) => tenantId === null ? eb('j.tenant_id', 'is', null) : eb('j.tenant_id', '=', tenantId))
  }
  if (filter.trigger !== undefined) query = query.where('j.trigger', '=', filter.trigger)
  if (filter.createdFrom !== undefined) query = query.where('j.created_at', '>=', filter.createdFrom)
  if (filter.createdTo !== undefined) query = query.where('j.created_at', '<', filter.createdTo)
  const text = filter.text?.trim()
  if (text !== undefined && text !== '') {
    // A scan over the rows the other filters leave (no text index: the console searches
    // rarely, and every job write would pay for one); narrow it with a time range.
    const pattern = likePattern(text)
    query = query.where((eb) => eb.or([
      ...(UUID.test(text) ? [eb('j.id', '=', text), eb('j.parent_job_id', '=', text), eb('j.trace_id', '=', text)] : []),
      eb(sql`j.payload::text`, 'ilike', pattern),
      eb(sql`j.result::text`, 'ilike', pattern),
      eb('j.error', 'ilike', pattern),
    ]))
  }
  return query
}

/** A page of jobs matching `filter`, newest first, with how many match in all. */
export async function searchJobs (executor: Executor, filter: JobSearch, page: { limit: number; offset: number }): Promise<{ jobs: JobListRow[]; total: number }> {
  const [jobs, count] = await Promise.all([
    searched(executor, filter).leftJoin('tenant as t', 't.id', 'j.tenant_id')
      .selectAll('j').select('t.name as tenant_name')
      .orderBy('j.created_at', 'desc').orderBy('j.id').limit(page.limit).offset(page.offset).execute(),
    searched(executor, filter).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { jobs, total: Number(count.total) }
}

/** Statuses each bulk action can act on. */
export const BULK_STATUSES = { retry: ['failed', 'cancelled'], cancel: ['queued', 'running'] } as const satisfies Record<string, readonly JobStatus[]>
export type BulkAction = keyof typeof BULK_STATUSES

/** Ids (oldest first, at most `limit`) of the jobs matching `filter` that `action` applies to, and how many there are in all. */
export async function bulkTargets (executor: Executor, filter: JobSearch, action: BulkAction, limit: number): Promise<{ ids: string[]; total: number }> {
  const statuses = BULK_STATUSES[action].filter((s) => filter.status === undefined || filter.status === s)
  if (statuses.length === 0) return { ids: [], total: 0 }
  const base = (): ReturnType<typeof searched> => searched(executor, filter).where('j.status', 'in', statuses)
  const [rows, count] = await Promise.all([
    base().select('j.id').orderBy('j.created_at').orderBy('j.id').limit(limit).execute(),
    base().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { ids: rows.map((r) => r.id), total: Number(count.total) }
}

export async function findJobWithTenant (executor: Executor, id: string): Promise<JobListRow | undefined> {
  return executor.selectFrom('job as j').leftJoin('tenant as t', 't.id', 'j.tenant_id')
    .selectAll('j').select('t.name as tenant_name').where('j.id', '=', id).executeTakeFirst()
}

/** A job's children (chained work and retries), oldest first. */
export async function listChildJobs (executor: Executor, parentId: string, limit = 100): Promise<Job[]> {
  return executor.selectFrom('job').selectAll().where('parent_job_id', '=', parentId).orderBy('created_at').limit(limit).execute()
}

export async function listJobLlmCalls (executor: Executor, jobId: string) {
  return executor.selectFrom('llm_call')
    .select(['id', 'purpose', 'provider', 'model', 'prompt_tokens', 'completion_tokens', 'latency_ms', 'cost_usd', 'outcome', 'error', 'created_at'])
    .where('job_id', '=', jobId).orderBy('id').execute()
}

/** Tenants for the console's filter, by name. */
export async function listTenants (executor: Executor, limit = 500): Promise<Array<{ id: string; name: string }>> {
  return executor.selectFrom('tenant').select(['id', 'name']).orderBy('name').orderBy('id').limit(limit).execute()
}
