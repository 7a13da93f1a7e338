// system.cleanup: the retention pass (DESIGN "Data that only grows is pruned by a
// scheduled job"). Runs nightly from a platform schedule, and on demand from
// `afterresume cleanup`, which calls runCleanup directly rather than through the queue.
//
// What goes:
//  - success and cancelled jobs JOB_RETENTION_DAYS after they finished, failed jobs after
//    FAILED_JOB_RETENTION_DAYS (failures are what operators look back at), each with its
//    events; how other rows that point at a job are treated is in
//    platform/jobs/retention.ts;
//  - auth_event (audit log) rows older than AUDIT_RETENTION_DAYS.
// What stays:
//  - llm_call, the cost ledger: budgets and invoices are computed from it, so it is never
//    pruned (a pruned job's calls keep their row, with job_id set to NULL);
//  - the XP and credit ledgers, for the same reason;
//  - rate-limit counters are not this job's: the worker prunes them as it goes.
// pg-boss prunes its own copy of each delivery (queue retention set in
// platform/jobs/platform.ts ensureQueues).
import { Type } from 'typebox'
import type { Db } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import type { ExecutionContext, Workflow } from '../../platform/jobs/context.ts'
import { pruneFinishedJobs } from '../../platform/jobs/retention.ts'
import { pruneAuthEvents } from '../../modules/identity/audit-retention.ts'

export const CLEANUP = 'system.cleanup'
export const CLEANUP_SCHEDULE = 'system: delete old jobs and audit events'

export interface RetentionPolicy {
  jobDays: number
  failedJobDays: number
  auditDays: number
  /** Rows per statement; each batch is its own transaction. */
  batchSize: number
}

/** The SETTINGS defaults, for registries built without a Config (tests, tools). */
export const DEFAULT_RETENTION: RetentionPolicy = { jobDays: 30, failedJobDays: 90, auditDays: 365, batchSize: 2000 }

export const CleanupPayload = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ description: 'Count what would be deleted; delete nothing.' })),
}, { additionalProperties: false })

export interface CleanupReport extends JsonObject {
  dry_run: boolean
  finished_jobs: { finished_before: string; jobs: number; events: number; batches: number }
  failed_jobs: { finished_before: string; jobs: number; events: number; batches: number }
  auth_events: { occurred_before: string; rows: number; batches: number }
}

export interface CleanupOptions {
  dryRun: boolean
  now?: Date
  signal?: AbortSignal
  /** One call per phase, with its counts (a job logs them as events). */
  log?: (message: string, data: JsonObject) => Promise<void>
}

const DAY_MS = 86_400_000

export async function runCleanup (db: Db, policy: RetentionPolicy, options: CleanupOptions): Promise<CleanupReport> {
  const now = options.now ?? new Date()
  const dryRun = options.dryRun
  const before = (days: number): Date => new Date(now.getTime() - days * DAY_MS)
  const common = { batchSize: policy.batchSize, dryRun, ...(options.signal !== undefined && { signal: options.signal }) }
  const log = options.log ?? (async () => {})
  const verb = dryRun ? 'would delete' : 'deleted'

  const finishedBefore = before(policy.jobDays)
  const finished = await pruneFinishedJobs(db, { ...common, statuses: ['success', 'cancelled'], finishedBefore })
  const finishedJobs = { finished_before: finishedBefore.toISOString(), ...finished }
  await log(`retention: ${verb} ${finished.jobs} finished jobs`, { phase: 'finished_jobs', dry_run: dryRun, ...finishedJobs })

  const failedBefore = before(policy.failedJobDays)
  const failed = await pruneFinishedJobs(db, { ...common, statuses: ['failed'], finishedBefore: failedBefore })
  const failedJobs = { finished_before: failedBefore.toISOString(), ...failed }
  await log(`retention: ${verb} ${failed.jobs} failed jobs`, { phase: 'failed_jobs', dry_run: dryRun, ...failedJobs })

  const occurredBefore = before(policy.auditDays)
  const audit = await pruneAuthEvents(db, { ...common, occurredBefore })
  const authEvents = { occurred_before: occurredBefore.toISOString(), rows: audit.auth_events, batches: audit.batches }
  await log(`retention: ${verb} ${audit.auth_events} audit events`, { phase: 'auth_events', dry_run: dryRun, ...authEvents })

  return { dry_run: dryRun, finished_jobs: finishedJobs, failed_jobs: failedJobs, auth_events: authEvents }
}

export function cleanup (policy: RetentionPolicy): Workflow {
  return async (ctx: ExecutionContext, payload: JsonObject): Promise<CleanupReport> => runCleanup(ctx.db, policy, {
    dryRun: payload.dry_run === true,
    signal: ctx.signal,
    log: (message, data) => ctx.log(message, { data }),
  })
}
