// A person's GitHub connection: connect (the token is checked with GitHub, sealed, and a
// schedule created that runs ingest.github daily in their time zone), look, disconnect
// (row, token and schedule gone). The token is opened only by the import job
// (`connectionForRun`) and never leaves the server.
//
// The schedule is a platform schedule (its own table, written outside the request's
// tenant transaction), so connecting creates it first and removes it again if the
// connection row cannot be written; a firing finds the connection by id and does nothing
// harmful if it is gone.
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../../platform/clock.ts'
import { secretBox, type SecretBox } from '../../../platform/crypto/secret-box.ts'
import type { Db, Executor } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { AppError, ConflictError, NotFoundError } from '../../../platform/errors.ts'
import { GitHubClient, GitHubRateLimitError, GitHubTokenRefusedError } from '../../../platform/github/github-client.ts'
import type { Schedule } from '../../../platform/jobs/job.table.ts'
import type { ScheduleService } from '../../../platform/jobs/schedules.ts'
import { profileTimeZone } from '../../identity/members.repository.ts'
import type { Actor } from '../../worklog/actor.ts'
import type { GithubConnection } from '../imports.table.ts'
import { deleteConnection, findConnection, findConnectionOfUser, insertConnection, updateConnection } from './connection.repository.ts'
import type { GithubConnectionOut, GithubConnectBody } from '../imports.schemas.ts'

export const INGEST_GITHUB = 'ingest.github'
/** Once a day, at midnight in the person's time zone, unless they chose a cron. */
export const DEFAULT_GITHUB_CRON = '@daily'
/** With no `since`, the first run reads this far back. */
const DEFAULT_FIRST_WINDOW_DAYS = 30

export interface GithubConnectionDeps {
  tenantDb: Db
  schedules: ScheduleService
  /** SECRET_KEY: the tokens' key is derived from it. */
  secretKey: string
  /** GITHUB_API_BASE. */
  apiBase: string
  clock: Clock
}

/** The box GitHub tokens are sealed in; the row's ids are the associated data. */
export function githubTokenBox (secretKey: string): SecretBox {
  return secretBox(secretKey, 'github_connection.token v1')
}

function associatedData (row: { tenant_id: string; user_id: string; id: string }): string {
  return `github_connection:${row.tenant_id}:${row.user_id}:${row.id}`
}

function scheduleName (userId: string): string {
  return `github:${userId}`
}

/** Ask GitHub whose token this is; its refusals become problems naming the `token` field. */
async function loginOf (deps: GithubConnectionDeps, token: string): Promise<string> {
  try {
    return (await new GitHubClient({ token, baseUrl: deps.apiBase, clock: deps.clock }).viewer()).login
  } catch (error) {
    if (error instanceof GitHubTokenRefusedError) throw new AppError(422, 'github_token_refused', 'GitHub refused this token (401): check that it is a valid personal access token that has not expired.', { field: 'token' })
    if (error instanceof GitHubRateLimitError) {
      const seconds = Math.max(1, Math.ceil((error.retryAt.getTime() - deps.clock.now().getTime()) / 1000))
      throw new AppError(503, 'github_rate_limited', `GitHub's rate limit for this token is used up; try again in ${seconds} s.`, { headers: { 'Retry-After': String(seconds) } })
    }
    throw new AppError(503, 'github_unavailable', 'GitHub did not answer as expected; try again later.', { cause: error })
  }
}

export function connectionView (row: GithubConnection, schedule: Schedule | undefined): GithubConnectionOut {
  return {
    id: row.id,
    login: row.login,
    cursor: row.cursor.toISOString(),
    last_run_at: row.last_run_at?.toISOString() ?? null,
    last_error: row.last_error,
    schedule: schedule === undefined
      ? null
      : { id: schedule.id, cron: schedule.cron, timezone: schedule.timezone, enabled: schedule.enabled, next_run_at: schedule.next_run_at?.toISOString() ?? null },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}

async function scheduleOf (deps: GithubConnectionDeps, row: GithubConnection): Promise<Schedule | undefined> {
  if (row.schedule_id === null) return undefined
  return deps.schedules.get(row.schedule_id, row.tenant_id).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined
    throw error
  })
}

export async function viewGithubConnection (deps: GithubConnectionDeps, actor: Actor): Promise<GithubConnectionOut> {
  const row = await withTenant(deps.tenantDb, actor.tenantId, (trx) => findConnectionOfUser(trx, actor.tenantId, actor.userId))
  if (row === undefined) throw new NotFoundError('GitHub connection')
  return connectionView(row, await scheduleOf(deps, row))
}

/**
 * Connect, or replace the token (and schedule, when given) of an existing connection —
 * its cursor stays, so nothing is read twice. `created` says which.
 */
export async function connectGithub (deps: GithubConnectionDeps, actor: Actor, input: GithubConnectBody): Promise<{ connection: GithubConnectionOut; created: boolean; login: string }> {
  const login = await loginOf(deps, input.token)
  const box = githubTokenBox(deps.secretKey)
  const existing = await withTenant(deps.tenantDb, actor.tenantId, (trx) => findConnectionOfUser(trx, actor.tenantId, actor.userId))
  if (existing !== undefined) {
    const updated = await withTenant(deps.tenantDb, actor.tenantId, (trx) => updateConnection(trx, actor.tenantId, existing.id, {
      login,
      token_ciphertext: box.seal(input.token, associatedData(existing)),
      ...(input.since !== undefined && { cursor: `${input.since}T00:00:00Z` }),
    }))
    if (updated === undefined) throw new ConflictError('The GitHub connection was removed while it was being updated; connect again.')
    let schedule = await scheduleOf(deps, updated)
    if (schedule === undefined) {
      // Its schedule was deleted (by staff, say): connecting again brings the daily run back.
      schedule = await createSchedule(deps, actor, updated.id, input)
      await withTenant(deps.tenantDb, actor.tenantId, (trx) => updateConnection(trx, actor.tenantId, updated.id, { schedule_id: schedule!.id }))
    } else if (input.cron !== undefined || input.timezone !== undefined) {
      schedule = await deps.schedules.update(schedule.id, { ...(input.cron !== undefined && { cron: input.cron }), ...(input.timezone !== undefined && { timezone: input.timezone }) }, actor.tenantId)
    }
    return { connection: connectionView(updated, schedule), created: false, login }
  }

  const id = randomUUID()
  const schedule = await createSchedule(deps, actor, id, input)
  const cursor = input.since !== undefined ? new Date(`${input.since}T00:00:00Z`) : new Date(deps.clock.now().getTime() - DEFAULT_FIRST_WINDOW_DAYS * 86_400_000)
  try {
    const row = await withTenant(deps.tenantDb, actor.tenantId, (trx) => insertConnection(trx, {
      tenant_id: actor.tenantId,
      id,
      user_id: actor.userId,
      login,
      token_ciphertext: box.seal(input.token, associatedData({ tenant_id: actor.tenantId, user_id: actor.userId, id })),
      schedule_id: schedule.id,
      cursor,
    }))
    return { connection: connectionView(row, schedule), created: true, login }
  } catch (error) {
    await deps.schedules.remove(schedule.id, actor.tenantId)
    throw error
  }
}

async function createSchedule (deps: GithubConnectionDeps, actor: Actor, connectionId: string, input: GithubConnectBody): Promise<Schedule> {
  return deps.schedules.create({
    name: scheduleName(actor.userId),
    jobType: INGEST_GITHUB,
    cron: input.cron ?? DEFAULT_GITHUB_CRON,
    timezone: input.timezone ?? await profileTimeZone(deps.tenantDb, actor.userId),
    payload: { connection_id: connectionId },
    tenantId: actor.tenantId,
    userId: actor.userId,
  }).catch((error: unknown) => {
    if (error instanceof ConflictError && error.field === 'name') throw new ConflictError('A GitHub connection is being made for you by another request; look at GET /api/connections/github/.')
    throw error
  })
}

/** Remove the connection: its row (with the sealed token) and its schedule. */
export async function disconnectGithub (deps: GithubConnectionDeps, actor: Actor): Promise<GithubConnection> {
  const row = await withTenant(deps.tenantDb, actor.tenantId, async (trx) => {
    const found = await findConnectionOfUser(trx, actor.tenantId, actor.userId)
    if (found === undefined || !await deleteConnection(trx, actor.tenantId, found.id)) throw new NotFoundError('GitHub connection')
    return found
  })
  if (row.schedule_id !== null) {
    await deps.schedules.remove(row.schedule_id, actor.tenantId).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error
    })
  }
  return row
}

export interface ConnectionForRun {
  readonly id: string
  readonly userId: string
  readonly login: string
  readonly token: string
  readonly cursor: Date
}

/** The connection an ingest.github job runs for, its token opened; undefined when it is gone. */
export async function connectionForRun (trx: Executor, secretKey: string, tenantId: string, id: string): Promise<ConnectionForRun | undefined> {
  const row = await findConnection(trx, tenantId, id)
  if (row === undefined) return undefined
  return { id: row.id, userId: row.user_id, login: row.login, token: githubTokenBox(secretKey).open(row.token_ciphertext, associatedData(row)), cursor: row.cursor }
}

/** A run read everything: the next one starts where this one started. */
export async function finishRun (trx: Executor, tenantId: string, id: string, startedAt: Date): Promise<void> {
  await updateConnection(trx, tenantId, id, { cursor: startedAt, last_run_at: startedAt, last_error: null })
}

export async function recordRunError (trx: Executor, tenantId: string, id: string, message: string): Promise<void> {
  await updateConnection(trx, tenantId, id, { last_error: message.slice(0, 2000) })
}
