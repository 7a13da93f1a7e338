// Durable cron schedules (seed 000 pattern 2). Our `schedule` table is the source of
// truth; each enabled row is mirrored into pg-boss's cron clock under one fire queue,
// keyed by the schedule id. When pg-boss fires, `fire()` enqueues a normal job with
// trigger = 'schedule' and stamps last_run_at. pg-boss's schedule() cannot join our
// transaction, so after each change (and periodically) `reconcile()` makes pg-boss
// match the table; the fire handler re-reads the row, so a stale mirror can never run a
// disabled or deleted schedule.
import { CronExpressionParser } from 'cron-parser'
import { sql } from 'kysely'
import type { Db, Executor } from '../db/database.ts'
import { toJson, type JsonObject } from '../db/json.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import type { PgBoss } from './boss.ts'
import { PGBOSS_SCHEMA } from './boss.ts'
import type { EnqueueInput, EnqueueResult } from './enqueue.ts'
import type { Schedule } from './job.table.ts'
import type { JobRegistry } from './registry.ts'

export const FIRE_QUEUE = 'afterresume.schedule_fire'

const MACROS: Record<string, string> = {
  '@every_minute': '* * * * *',
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
}

/** Validate a cron expression and time zone; returns the 5-field form pg-boss is given. */
export function normalizeCron (expression: string, timezone: string): string {
  assertTimezone(timezone)
  const trimmed = expression.trim().replace(/\s+/g, ' ')
  const cron = MACROS[trimmed.toLowerCase()] ?? trimmed
  if (cron.startsWith('@')) {
    throw new ValidationError(`Unknown cron macro "${expression}". Use one of ${Object.keys(MACROS).join(', ')} or five fields.`, 'cron')
  }
  if (cron.split(' ').length !== 5) {
    throw new ValidationError(`cron must have five fields (minute hour day-of-month month day-of-week); got "${expression}".`, 'cron')
  }
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false })
  } catch (error) {
    throw new ValidationError(`Invalid cron "${expression}": ${(error as Error).message}.`, 'cron')
  }
  return cron
}

export function nextRun (cron: string, timezone: string, after: Date = new Date()): Date {
  return CronExpressionParser.parse(cron, { tz: timezone, strict: false, currentDate: after }).next().toDate()
}

export function assertTimezone (timezone: string): void {
  try {
    Intl.DateTimeFormat('en-US', { timeZone: timezone })
  } catch {
    throw new ValidationError(`Unknown time zone "${timezone}"; use an IANA name such as Europe/Berlin.`, 'timezone')
  }
}

export interface ScheduleInput {
  name: string
  jobType: string
  cron: string
  timezone?: string
  payload?: JsonObject
  enabled?: boolean
  tenantId?: string | null
  userId?: string | null
}

export interface ScheduleDeps {
  db: Db
  boss: PgBoss
  registry: JobRegistry
  enqueue(executor: Executor, input: EnqueueInput): Promise<EnqueueResult>
}

/**
 * Fires that came due while no cron pass could run (the database away, every worker
 * down) are sent once, for the latest one, when passes resume: a nightly report missed
 * during an outage arrives late rather than never, and three missed nights are one
 * report, not three. pg-boss's default, `skip`, would drop them.
 */
const MISSED_FIRES = 'once'

export class ScheduleService {
  readonly #deps: ScheduleDeps

  constructor (deps: ScheduleDeps) {
    this.#deps = deps
  }

  async create (input: ScheduleInput): Promise<Schedule> {
    const timezone = input.timezone ?? 'UTC'
    const cron = normalizeCron(input.cron, timezone)
    const payload = this.#deps.registry.require(input.jobType).validatePayload(input.payload ?? {})
    const enabled = input.enabled ?? true
    const created = await this.#deps.db.insertInto('schedule').values({
      tenant_id: input.tenantId ?? null,
      user_id: input.userId ?? null,
      name: input.name,
      job_type: input.jobType,
      cron,
      timezone,
      payload: toJson(payload),
      enabled,
      next_run_at: enabled ? nextRun(cron, timezone) : null,
    }).onConflict((oc) => oc.constraint('schedule_name_unique').doNothing())
      .returningAll().executeTakeFirst()
    if (created === undefined) throw new ConflictError(`A schedule named "${input.name}" already exists.`, 'name')
    await this.#mirror(created)
    return created
  }

  async update (id: string, patch: Partial<Omit<ScheduleInput, 'tenantId' | 'userId'>>, tenantId?: string | null): Promise<Schedule> {
    const current = await this.get(id, tenantId)
    const timezone = patch.timezone ?? current.timezone
    const cron = normalizeCron(patch.cron ?? current.cron, timezone)
    const jobType = patch.jobType ?? current.job_type
    const payload = this.#deps.registry.require(jobType).validatePayload(patch.payload ?? current.payload)
    const enabled = patch.enabled ?? current.enabled
    const updated = await this.#deps.db.updateTable('schedule').set({
      name: patch.name ?? current.name,
      job_type: jobType,
      cron,
      timezone,
      payload: toJson(payload),
      enabled,
      next_run_at: enabled ? nextRun(cron, timezone) : null,
      updated_at: new Date(),
    }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await this.#mirror(updated)
    return updated
  }

  setEnabled (id: string, enabled: boolean, tenantId?: string | null): Promise<Schedule> {
    return this.update(id, { enabled }, tenantId)
  }

  async remove (id: string, tenantId?: string | null): Promise<void> {
    await this.get(id, tenantId)
    await this.#deps.db.deleteFrom('schedule').where('id', '=', id).execute()
    await this.#deps.boss.unschedule(FIRE_QUEUE, id)
  }

  async get (id: string, tenantId?: string | null): Promise<Schedule> {
    const found = await this.#deps.db.selectFrom('schedule').selectAll().where('id', '=', id).executeTakeFirst()
    if (found === undefined || (tenantId !== undefined && found.tenant_id !== tenantId)) throw new NotFoundError('Schedule')
    return found
  }

  /**
   * Switch off, in the caller's transaction, a user's enabled schedules in a tenant whose
   * job type `mayRun` refuses (given the action the type requires; an unknown type is
   * refused). Returns their ids: pass them to `unmirror` once the transaction commits —
   * until then a firing re-reads the row and finds it disabled.
   */
  async disableForUser (executor: Executor, tenantId: string, userId: string, mayRun: (requires: string | undefined) => boolean): Promise<string[]> {
    const rows = await executor.selectFrom('schedule').select(['id', 'job_type'])
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('enabled', '=', true)
      .forUpdate().execute()
    const registry = this.#deps.registry
    const ids = rows.filter((r) => !registry.has(r.job_type) || !mayRun(registry.require(r.job_type).options.requires)).map((r) => r.id)
    if (ids.length > 0) {
      await executor.updateTable('schedule').set({ enabled: false, next_run_at: null, updated_at: new Date() }).where('id', 'in', ids).execute()
    }
    return ids
  }

  /** The permission a job type's jobs are run with (undefined: none, or an unknown type). */
  requiredAction (jobType: string): string | undefined {
    return this.#deps.registry.has(jobType) ? this.#deps.registry.require(jobType).options.requires : undefined
  }

  async unmirror (ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.#deps.boss.unschedule(FIRE_QUEUE, id)
  }

  list (filter: { tenantId?: string | null; userId?: string } = {}): Promise<Schedule[]> {
    let query = this.#deps.db.selectFrom('schedule').selectAll()
    if (filter.tenantId !== undefined) {
      const tenantId = filter.tenantId
      query = query.where((eb) => tenantId === null ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId))
    }
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId)
    return query.orderBy('name').execute()
  }

  /**
   * A pg-boss firing. `firingId` (the pg-boss message id) makes the enqueue idempotent,
   * so a re-delivered firing cannot start the same scheduled job twice.
   */
  async fire (scheduleId: string, firingId: string): Promise<string | undefined> {
    return this.#deps.db.transaction().execute(async (trx) => {
      const schedule = await trx.selectFrom('schedule').selectAll().where('id', '=', scheduleId).forUpdate().executeTakeFirst()
      if (schedule === undefined || !schedule.enabled) return undefined
      const { job } = await this.#deps.enqueue(trx, {
        type: schedule.job_type,
        payload: schedule.payload,
        trigger: 'schedule',
        tenantId: schedule.tenant_id,
        userId: schedule.user_id,
        scheduleId: schedule.id,
        idempotencyKey: `schedule:${schedule.id}:${firingId}`,
      })
      await trx.updateTable('schedule').set({
        last_run_at: new Date(),
        next_run_at: nextRun(schedule.cron, schedule.timezone),
        last_job_id: job.id,
      }).where('id', '=', schedule.id).execute()
      return job.id
    })
  }

  /**
   * Fire a schedule now, enabled or not, outside its cron: a normal scheduled job
   * (trigger `schedule`). Its next run stays as the cron has it.
   */
  async runNow (scheduleId: string): Promise<string> {
    return this.#deps.db.transaction().execute(async (trx) => {
      const schedule = await trx.selectFrom('schedule').selectAll().where('id', '=', scheduleId).forUpdate().executeTakeFirst()
      if (schedule === undefined) throw new NotFoundError('Schedule')
      const { job } = await this.#deps.enqueue(trx, {
        type: schedule.job_type,
        payload: schedule.payload,
        trigger: 'schedule',
        tenantId: schedule.tenant_id,
        userId: schedule.user_id,
        scheduleId: schedule.id,
      })
      await trx.updateTable('schedule').set({ last_run_at: new Date(), last_job_id: job.id }).where('id', '=', schedule.id).execute()
      return job.id
    })
  }

  /** Make pg-boss's cron table match ours: add missing or changed rows, drop stale ones. */
  async reconcile (): Promise<{ added: number; removed: number }> {
    const ours = await this.#deps.db.selectFrom('schedule').selectAll().where('enabled', '=', true).execute()
    const { rows: theirs } = await sql<{ key: string; cron: string; timezone: string; missed: string | null }>`
      SELECT key, cron, timezone, options->>'missed' AS missed FROM ${sql.table(`${PGBOSS_SCHEMA}.schedule`)} WHERE name = ${FIRE_QUEUE}`.execute(this.#deps.db)
    const mirrored = new Map(theirs.map((r) => [r.key, r]))
    let added = 0
    let removed = 0
    for (const schedule of ours) {
      const twin = mirrored.get(schedule.id)
      if (twin === undefined || twin.cron !== schedule.cron || twin.timezone !== schedule.timezone || twin.missed !== MISSED_FIRES) {
        await this.#mirror(schedule)
        added++
      }
      mirrored.delete(schedule.id)
    }
    for (const key of mirrored.keys()) {
      await this.#deps.boss.unschedule(FIRE_QUEUE, key)
      removed++
    }
    return { added, removed }
  }

  async #mirror (schedule: Schedule): Promise<void> {
    if (schedule.enabled) {
      await this.#deps.boss.schedule(FIRE_QUEUE, schedule.cron, { scheduleId: schedule.id }, { tz: schedule.timezone, key: schedule.id, missed: MISSED_FIRES })
    } else {
      await this.#deps.boss.unschedule(FIRE_QUEUE, schedule.id)
    }
  }
}
