// What each console page shows, gathered from the repository and the job platform. The
// routes render these models; nothing here knows about HTTP.
import type { Clock } from '../../../platform/clock.ts'
import type { Db } from '../../../platform/db/database.ts'
import { NotFoundError, ValidationError } from '../../../platform/errors.ts'
import { listJobEvents } from '../../../platform/jobs/job.repository.ts'
import { JOB_STATUSES, type JobStatus } from '../../../platform/jobs/job.table.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import { runChecks } from '../health.ts'
import * as repo from '../system.repository.ts'
import { RECENT_RANGES, type JobFilterInput, type RecentRange } from './console.schemas.ts'

export interface ConsolePagesDeps {
  db: Db
  jobs: JobPlatform
  readiness: Record<string, () => Promise<void>>
  clock: Clock
}

/** Jobs a page of the list shows. */
export const PAGE_SIZE = 50
/** Jobs one bulk action acts on at most; the rest wait for the next one. */
export const BULK_LIMIT = 500

export interface JobsNowRow { type: string; paused: boolean; registered: boolean; counts: Record<JobStatus, number> }

/** Every registered type (and any other type with jobs) by status: queued and running now, the rest over 24 hours. */
export async function jobsNow (deps: ConsolePagesDeps): Promise<JobsNowRow[]> {
  const [counts, paused] = await Promise.all([repo.jobsByTypeAndStatus(deps.db, deps.clock.now()), deps.jobs.pausedTypes()])
  const pausedTypes = new Set(paused.map((p) => p.job_type))
  const registered = new Set(deps.jobs.registry.names())
  const rows = new Map<string, JobsNowRow>()
  const row = (type: string): JobsNowRow => {
    let found = rows.get(type)
    if (found === undefined) {
      found = { type, paused: pausedTypes.has(type), registered: registered.has(type), counts: Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number> }
      rows.set(type, found)
    }
    return found
  }
  for (const type of registered) row(type)
  for (const count of counts) row(count.type).counts[count.status] += count.jobs
  return [...rows.values()].sort((a, b) => a.type.localeCompare(b.type))
}

export async function overview (deps: ConsolePagesDeps) {
  const now = deps.clock.now()
  const [summary, typeRows, lastDay, latency, workers, running, schedules, health, postgres, pgboss, llm, paused] = await Promise.all([
    repo.summary(deps.db, now),
    jobsNow(deps),
    repo.finishedPerMinute(deps.db, now, 24),
    repo.latencyPercentiles(deps.db, now),
    repo.listWorkers(deps.db, now),
    repo.listRunningJobs(deps.db),
    repo.listSchedules(deps.db),
    runChecks(deps.readiness),
    repo.postgresFacts(deps.db),
    repo.pgBossFacts(deps.db),
    repo.llmUsageToday(deps.db, now),
    deps.jobs.pausedTypes(),
  ])
  const finished = summary.last24h.failed + summary.last24h.succeeded
  const knownWorkers = new Set(workers.map((w) => w.worker))
  return {
    now,
    summary: {
      ...summary,
      queued: summary.byStatus.queued ?? 0,
      running: summary.byStatus.running ?? 0,
      failureRate: finished === 0 ? 0 : summary.last24h.failed / finished,
      workersAlive: workers.filter((w) => w.alive).length,
    },
    typeRows,
    paused,
    charts: {
      hour: lastDay.slice(-60),
      day: lastDay,
    },
    latency,
    workers: workers.map((w) => ({ ...w, running: running.filter((r) => r.worker === w.worker) })),
    // Running jobs whose worker left no heartbeat row (a worker of an older release, or one whose row was pruned).
    unattributed: running.filter((r) => r.worker === null || !knownWorkers.has(r.worker)),
    schedules: schedules.filter((s) => s.enabled).slice(0, 10),
    scheduleCount: schedules.length,
    health,
    postgres,
    pgboss,
    llm,
  }
}

function parseUtc (value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined
  const date = new Date(`${value}Z`)
  if (Number.isNaN(date.getTime())) throw new ValidationError(`${field} is not a valid date and time.`, field)
  return date
}

/** The list's filter as the repository takes it; `last` is relative to the app's clock. */
export function jobSearch (input: JobFilterInput, now: Date, fieldPrefix = 'query'): repo.JobSearch {
  const from = parseUtc(input.from, `${fieldPrefix}.from`)
  const to = parseUtc(input.to, `${fieldPrefix}.to`)
  if (from !== undefined && to !== undefined && from >= to) throw new ValidationError('"from" must be before "to".', `${fieldPrefix}.to`)
  const last = input.last === undefined || input.last === '' ? undefined : RECENT_RANGES[input.last as RecentRange]
  const createdFrom = from ?? (last === undefined ? undefined : new Date(now.getTime() - last))
  return {
    ...(input.status !== undefined && input.status !== '' && { status: input.status }),
    ...(input.type !== undefined && input.type !== '' && { type: input.type }),
    ...(input.tenant !== undefined && input.tenant !== '' && { tenantId: input.tenant === 'none' ? null : input.tenant }),
    ...(input.trigger !== undefined && input.trigger !== '' && { trigger: input.trigger }),
    ...(createdFrom !== undefined && { createdFrom }),
    ...(to !== undefined && { createdTo: to }),
    ...(input.q !== undefined && input.q.trim() !== '' && { text: input.q }),
  }
}

/** The filter as the form and the links carry it (only what is set). */
export function filterFields (input: JobFilterInput): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const key of ['status', 'type', 'tenant', 'trigger', 'last', 'from', 'to', 'q'] as const) {
    const value = input[key]
    if (value !== undefined && value !== '') fields[key] = value
  }
  return fields
}

export async function jobList (deps: ConsolePagesDeps, input: JobFilterInput, page: number) {
  const search = jobSearch(input, deps.clock.now())
  const [found, tenants, paused] = await Promise.all([
    repo.searchJobs(deps.db, search, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    repo.listTenants(deps.db),
    deps.jobs.pausedTypes(),
  ])
  return {
    filter: filterFields(input),
    page,
    pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)),
    total: found.total,
    jobs: found.jobs,
    tenants,
    types: deps.jobs.registry.names(),
    pausedTypes: paused.map((p) => p.job_type),
  }
}

/** The count and the ids a bulk action would act on, for the operator to confirm. */
export async function bulkPreview (deps: ConsolePagesDeps, input: JobFilterInput, action: repo.BulkAction) {
  const { ids, total } = await repo.bulkTargets(deps.db, jobSearch(input, deps.clock.now(), 'body'), action, BULK_LIMIT)
  return { action, filter: filterFields(input), ids, total, limit: BULK_LIMIT, statuses: repo.BULK_STATUSES[action] }
}

export async function jobDetail (deps: ConsolePagesDeps, id: string) {
  const job = await repo.findJobWithTenant(deps.db, id)
  if (job === undefined) throw new NotFoundError('Job')
  const [events, children, llmCalls, paused, parent] = await Promise.all([
    listJobEvents(deps.db, id),
    repo.listChildJobs(deps.db, id),
    repo.listJobLlmCalls(deps.db, id),
    deps.jobs.pausedTypes(),
    job.parent_job_id === null ? undefined : repo.findJobWithTenant(deps.db, job.parent_job_id),
  ])
  return {
    job,
    parent,
    events,
    children,
    llmCalls,
    paused: paused.some((p) => p.job_type === job.type),
    durationMs: job.started_at !== null && job.finished_at !== null ? job.finished_at.getTime() - job.started_at.getTime() : null,
  }
}

export async function schedulesPage (deps: ConsolePagesDeps) {
  return { schedules: await repo.listSchedules(deps.db), now: deps.clock.now() }
}
