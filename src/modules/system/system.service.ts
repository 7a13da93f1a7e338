// What staff do to jobs and schedules from the console: retry, cancel, the same in bulk,
// pause and resume a job type, switch a schedule on or off or run it now. Each is an
// auth_event of kind `staff_action` naming the staff user; an action on one tenant's job
// or schedule is recorded in that tenant (what staff do there is its owners' business).
import type { Db } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { AppError } from '../../platform/errors.ts'
import type { RequestMeta } from '../../platform/http/request-meta.ts'
import type { Job } from '../../platform/jobs/job.table.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { recordAuthEvent } from '../identity/audit.ts'
import type { BulkAction } from './system.repository.ts'

export interface StaffActor {
  userId: string
  email: string
  meta: RequestMeta
}

export interface BulkOutcome {
  done: number
  /** Jobs that had moved on since the count (finished, already retried, gone). */
  skipped: number
  /** The new jobs a bulk retry made. */
  newJobIds: string[]
}

/** Job ids an audit row keeps of a bulk action; the count is always whole. */
const AUDITED_IDS = 50

export class SystemActions {
  readonly #db: Db
  readonly #jobs: JobPlatform
  readonly #schedules: ScheduleService

  constructor (deps: { db: Db; jobs: JobPlatform; schedules: ScheduleService }) {
    this.#db = deps.db
    this.#jobs = deps.jobs
    this.#schedules = deps.schedules
  }

  async retryJob (actor: StaffActor, id: string): Promise<Job> {
    const retried = await this.#jobs.retry(id)
    await this.#audit(actor, retried.tenant_id, { action: 'job.retry', job_id: id, new_job_id: retried.id })
    return retried
  }

  async cancelJob (actor: StaffActor, id: string): Promise<Job> {
    const cancelled = await this.#jobs.cancel(id, { by: `staff ${actor.email}` })
    await this.#audit(actor, cancelled.tenant_id, { action: 'job.cancel', job_id: id })
    return cancelled
  }

  /**
   * Retry or cancel exactly the jobs the operator confirmed. Each is checked again as it
   * is acted on: one that has moved on since (finished, or retried already) is skipped.
   */
  async bulk (actor: StaffActor, action: BulkAction, ids: readonly string[], filter: JsonObject): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { done: 0, skipped: 0, newJobIds: [] }
    for (const id of ids) {
      try {
        if (action === 'retry') outcome.newJobIds.push((await this.#jobs.retry(id)).id)
        else await this.#jobs.cancel(id, { by: `staff ${actor.email} (bulk)` })
        outcome.done++
      } catch (error) {
        // A conflict (wrong status now) or a job gone since: the rest still go ahead.
        if (!(error instanceof AppError) || error.status >= 500) throw error
        outcome.skipped++
      }
    }
    await this.#audit(actor, null, {
      action: `jobs.bulk_${action}`,
      filter,
      confirmed: ids.length,
      done: outcome.done,
      skipped: outcome.skipped,
      job_ids: ids.slice(0, AUDITED_IDS),
    })
    return outcome
  }

  async pauseType (actor: StaffActor, type: string, reason: string): Promise<boolean> {
    const paused = await this.#jobs.pauseType(type, { userId: actor.userId, reason })
    if (paused) await this.#audit(actor, null, { action: 'job_type.pause', job_type: type, reason })
    return paused
  }

  async resumeType (actor: StaffActor, type: string): Promise<boolean> {
    const resumed = await this.#jobs.resumeType(type)
    if (resumed) await this.#audit(actor, null, { action: 'job_type.resume', job_type: type })
    return resumed
  }

  async setScheduleEnabled (actor: StaffActor, id: string, enabled: boolean): Promise<void> {
    const schedule = await this.#schedules.setEnabled(id, enabled)
    await this.#audit(actor, schedule.tenant_id, { action: enabled ? 'schedule.enable' : 'schedule.disable', schedule_id: id, name: schedule.name })
  }

  async runScheduleNow (actor: StaffActor, id: string): Promise<string> {
    const schedule = await this.#schedules.get(id)
    const jobId = await this.#schedules.runNow(id)
    await this.#audit(actor, schedule.tenant_id, { action: 'schedule.run_now', schedule_id: id, name: schedule.name, job_id: jobId })
    return jobId
  }

  #audit (actor: StaffActor, tenantId: string | null, detail: JsonObject): Promise<void> {
    return recordAuthEvent(this.#db, actor.meta, { kind: 'staff_action', userId: actor.userId, tenantId, email: actor.email, detail })
  }
}
