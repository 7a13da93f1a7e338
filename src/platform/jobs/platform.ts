// The job platform's front door for the rest of the service: enqueue, cancel, retry,
// read. Routes, the CLI, workflows and schedules all go through here.
import { sql } from 'kysely'
import { fromKysely } from 'pg-boss'
import type { Db, Executor } from '../db/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { PgBoss } from './boss.ts'
import { CANCEL_CHANNEL } from './cancellation.ts'
import { FREE_OF_CHARGE, type JobCredits } from './credits.ts'
import { enqueue, enqueueMany, type EnqueueInput, type EnqueueResult } from './enqueue.ts'
import { recordEvent } from './events.ts'
import { findJob, listJobEvents, listJobs, type JobFilter } from './job.repository.ts'
import type { Job, JobEvent, JobTypePause } from './job.table.ts'
import { listPausedJobTypes, pauseJobType, resumeJobType } from './pauses.ts'
import type { JobRegistry } from './registry.ts'
import { NO_JOB_METRICS, type JobMetrics } from '../observability/metrics.ts'

export interface QueueRetention {
  /** JOB_RETENTION_DAYS: how long our job table keeps a finished job. */
  finishedJobDays: number
}

const DAY_SECONDS = 86_400
/** pg-boss's own default for how long a message may wait to start. */
const PGBOSS_DEFAULT_WAIT_DAYS = 14

/**
 * pg-boss's retention for the queues, in step with ours. Its maintenance deletes
 *  - a finished (completed, failed or cancelled) message deleteAfterSeconds after it
 *    finished: we keep it exactly as long as our job table keeps a successful job, so
 *    pg-boss never holds delivery rows for jobs whose history is gone, and nothing of
 *    ours reads a finished message once its job row is settled;
 *  - a message still waiting (created or retry) retentionSeconds after its first
 *    planned start — never an active one. Such a job row is still `queued`, and the
 *    sweeper would then fail it as "the job's delivery message is missing"; so the wait
 *    allowed is never shorter than pg-boss's own 14 days.
 * Both are stamped on each message when it is sent: a change applies to new messages.
 */
export function queueRetention (retention: QueueRetention): { deleteAfterSeconds: number; retentionSeconds: number } {
  return {
    deleteAfterSeconds: retention.finishedJobDays * DAY_SECONDS,
    retentionSeconds: Math.max(retention.finishedJobDays, PGBOSS_DEFAULT_WAIT_DAYS) * DAY_SECONDS,
  }
}

export class JobPlatform {
  readonly db: Db
  readonly tenantDb: Db
  readonly boss: PgBoss
  readonly registry: JobRegistry
  /** Where this process counts its enqueues and (with a worker) its attempts. */
  readonly metrics: JobMetrics
  /** Paid work's credits (the billing module); FREE_OF_CHARGE when billing is off. */
  readonly credits: JobCredits

  constructor (deps: { db: Db; tenantDb: Db; boss: PgBoss; registry: JobRegistry; metrics?: JobMetrics; credits?: JobCredits }) {
    this.db = deps.db
    this.tenantDb = deps.tenantDb
    this.boss = deps.boss
    this.registry = deps.registry
    this.metrics = deps.metrics ?? NO_JOB_METRICS
    this.credits = deps.credits ?? FREE_OF_CHARGE
  }

  /**
   * Create (or update) one pg-boss queue per registered type with its retry policy.
   * Every process that enqueues or works must call this once at start.
   */
  async ensureQueues (defaultHeartbeatSeconds: number, retention: QueueRetention): Promise<void> {
    const deliveryRetention = queueRetention(retention)
    for (const { type, options } of this.registry.all()) {
      const queue = {
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelay,
        retryBackoff: options.retryBackoff,
        // pg-boss refuses a cap on the delay of a type without backoff.
        ...(options.retryBackoff && { retryDelayMax: options.retryDelayMax }),
        expireInSeconds: options.expireInSeconds,
        heartbeatSeconds: options.heartbeatSeconds ?? defaultHeartbeatSeconds,
        ...deliveryRetention,
      }
      if (await this.boss.getQueue(type) === null) {
        await this.boss.createQueue(type, { ...queue, notify: true }).catch(async (error: unknown) => {
          // Another process created it first: fine, fall through to the update.
          if (await this.boss.getQueue(type) === null) throw error
        })
      }
      await this.boss.updateQueue(type, { ...queue, notify: true })
    }
  }

  enqueue (executor: Executor, input: EnqueueInput): Promise<EnqueueResult> {
    return enqueue({ boss: this.boss, registry: this.registry, metrics: this.metrics, credits: this.credits }, executor, input)
  }

  enqueueMany (executor: Executor, type: string, inputs: ReadonlyArray<Omit<EnqueueInput, 'type'>>): Promise<EnqueueResult[]> {
    return enqueueMany({ boss: this.boss, registry: this.registry, metrics: this.metrics, credits: this.credits }, executor, type, inputs)
  }

  async get (id: string, tenantId?: string | null): Promise<Job> {
    const job = await findJob(this.db, id)
    if (job === undefined || (tenantId !== undefined && job.tenant_id !== tenantId)) throw new NotFoundError('Job')
    return job
  }

  list (filter: JobFilter): Promise<{ jobs: Job[]; total: number }> {
    return listJobs(this.db, filter)
  }

  async events (id: string, tenantId?: string | null): Promise<JobEvent[]> {
    await this.get(id, tenantId)
    return listJobEvents(this.db, id)
  }

  /**
   * Cancel a queued or running job. A queued job's message is cancelled so it never
   * runs; a running job is told through NOTIFY, and its workflow's AbortSignal fires.
   */
  async cancel (id: string, options: { tenantId?: string | null; by?: string } = {}): Promise<Job> {
    return this.db.transaction().execute(async (trx) => {
      const job = await trx.selectFrom('job').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
      if (job === undefined || (options.tenantId !== undefined && job.tenant_id !== options.tenantId)) throw new NotFoundError('Job')
      if (job.status !== 'queued' && job.status !== 'running') {
        throw new ConflictError(`Job ${id} has already finished (${job.status}); only queued or running jobs can be cancelled.`, 'status')
      }
      const cancelled = await trx.updateTable('job')
        .set({ status: 'cancelled', finished_at: new Date(), updated_at: new Date() })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      await recordEvent(trx, {
        jobId: id,
        tenantId: job.tenant_id,
        traceId: job.trace_id,
        level: 'warning',
        source: 'system',
        message: 'job cancelled',
        data: { previous_status: job.status, ...(options.by !== undefined && { by: options.by }) },
      })
      await this.boss.cancel(job.type, id, { db: fromKysely(trx) })
      // A queued job may hold credits from an attempt that failed and was to be retried.
      if (job.tenant_id !== null && this.registry.has(job.type) && this.registry.require(job.type).options.credits !== undefined) {
        await this.credits.settle(trx, { jobId: id, tenantId: job.tenant_id }, 'ended')
      }
      if (job.status === 'running') await sql`SELECT pg_notify(${CANCEL_CHANNEL}, ${id})`.execute(trx)
      return cancelled
    })
  }

  /**
   * Stop workers fetching `type` (its jobs wait as queued) until resumed. False when it
   * was paused already. An unknown type is refused, naming the known ones.
   */
  async pauseType (type: string, by: { userId: string | null; reason?: string }): Promise<boolean> {
    this.registry.require(type)
    return pauseJobType(this.db, type, by)
  }

  /** Let workers fetch `type` again. False when it was not paused. */
  async resumeType (type: string): Promise<boolean> {
    this.registry.require(type)
    return resumeJobType(this.db, type)
  }

  pausedTypes (): Promise<JobTypePause[]> {
    return listPausedJobTypes(this.db)
  }

  /** Re-run a failed or cancelled job as a new job (trigger `retry`, parent = the old one). */
  async retry (id: string, options: { tenantId?: string | null; traceId?: string } = {}): Promise<Job> {
    const job = await this.get(id, options.tenantId)
    if (job.status !== 'failed' && job.status !== 'cancelled') {
      throw new ConflictError(`Only failed or cancelled jobs can be retried; job ${id} is ${job.status}.`, 'status')
    }
    const { job: retried } = await this.enqueue(this.db, {
      type: job.type,
      payload: job.payload,
      trigger: 'retry',
      tenantId: job.tenant_id,
      userId: job.user_id,
      parentJobId: job.id,
      traceId: options.traceId ?? job.trace_id,
      maxRetries: job.max_retries,
    })
    return retried
  }
}
