// SQL of gamification: reading what reward evaluation needs (seed step 1) and persisting
// its plan (step 4 onwards), plus the user-state reads the views and admin actions share
// (their own queries are in views.repository.ts and admin.repository.ts). Every function
// takes the caller's transaction, which is bound to one tenant (withTenant /
// ctx.inTenant), so row-level security applies.
//
// Persisting follows rules/evaluate.ts: each planned row is inserted with ON CONFLICT DO
// NOTHING on its unique key, totals move only by the rows actually inserted, and the
// streak is saved compare-and-set. The per-user lock (lockUserState) keeps the daily cap
// and streak exact under concurrency; the keys alone keep awards single, lock or no lock.
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { isJsonObject, toJson, type JsonObject } from '../../platform/db/json.ts'
import type { UserChallengeState } from './rules/challenges.ts'
import type { RewardEntry } from './rules/entry.ts'
import type { LedgerPlan } from './rules/evaluate.ts'
import { isValidTimeZone, localDayOf, type LocalDay, type LocalWeek } from './rules/local-day.ts'
import type { PriorEntry } from './rules/meaningful-entry.ts'
import { DEFAULT_REWARD_CONFIG, DEFAULT_REWARD_CONFIG_VERSION, parseRewardConfig, type RewardConfig } from './rules/reward-config.ts'
import type { StreakState } from './rules/streak.ts'
import { BASE_REASON, levelForXp } from './rules/xp.ts'
import type { XpSource } from './gamification.table.ts'
import { awaitsConfirmation } from '../../vocabulary/worklog.ts'

export interface UserKey { tenantId: string; userId: string }

export interface LockedUserState {
  totalXp: number
  streak: StreakState
}

/**
 * Create the user's xp and streak rows if missing, then lock both (FOR UPDATE) until the
 * transaction ends: evaluations, grants and revokes of one user run one after the other.
 */
export async function lockUserState (trx: Executor, key: UserKey, maxFreezes: number): Promise<LockedUserState> {
  await trx.insertInto('user_xp').values({ tenant_id: key.tenantId, user_id: key.userId }).onConflict((oc) => oc.doNothing()).execute()
  await trx.insertInto('user_streak').values({ tenant_id: key.tenantId, user_id: key.userId, freezes_remaining: maxFreezes })
    .onConflict((oc) => oc.doNothing()).execute()
  const xp = await trx.selectFrom('user_xp').select('total_xp')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).forUpdate().executeTakeFirstOrThrow()
  const streak = await trx.selectFrom('user_streak')
    .select(['current', 'longest', sql<string | null>`last_entry_date::text`.as('last_entry_date'), 'freezes_remaining', 'freezes_used'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).forUpdate().executeTakeFirstOrThrow()
  return {
    totalXp: xp.total_xp,
    streak: { current: streak.current, longest: streak.longest, lastEntryDate: streak.last_entry_date, freezesRemaining: streak.freezes_remaining, freezesUsed: streak.freezes_used },
  }
}

/** The reward config in force: the tenant's highest version, or the seed defaults. */
export async function loadRewardConfig (trx: Executor, tenantId: string): Promise<{ version: number; rules: RewardConfig }> {
  const row = await trx.selectFrom('reward_config').select(['version', 'rules'])
    .where('tenant_id', '=', tenantId).orderBy('version', 'desc').limit(1).executeTakeFirst()
  if (row === undefined) return { version: DEFAULT_REWARD_CONFIG_VERSION, rules: DEFAULT_REWARD_CONFIG }
  return { version: row.version, rules: parseRewardConfig(row.rules) }
}

export async function loadTimeZone (trx: Executor, userId: string): Promise<string> {
  const row = await trx.selectFrom('user_profile').select('time_zone').where('user_id', '=', userId).executeTakeFirst()
  return row?.time_zone ?? 'UTC'
}

/** The user's zone (UTC when unset or invalid) and the local day `now` falls on there. */
export async function loadUserToday (trx: Executor, userId: string, now: Date): Promise<{ timeZone: string; today: LocalDay }> {
  const zone = await loadTimeZone(trx, userId)
  const timeZone = isValidTimeZone(zone) ? zone : 'UTC'
  return { timeZone, today: localDayOf(now, timeZone) }
}

/** The user's XP totals, undefined before their first reward. */
export async function loadUserXp (trx: Executor, key: UserKey): Promise<{ total_xp: number; level: number } | undefined> {
  return trx.selectFrom('user_xp').select(['total_xp', 'level'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
}

export async function loadQuietMode (trx: Executor, key: UserKey): Promise<boolean> {
  const row = await trx.selectFrom('gamification_settings').select('quiet_mode')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
  return row?.quiet_mode ?? false
}

/** Metrics an entry carries: `metadata.metrics` and its bullets' metrics, merged. */
function entryMetrics (metadata: unknown, bulletMetrics: readonly unknown[]): Record<string, unknown> | null {
  const merged: Record<string, unknown> = {}
  if (isJsonObject(metadata) && isJsonObject(metadata.metrics)) Object.assign(merged, metadata.metrics)
  for (const metrics of bulletMetrics) if (isJsonObject(metrics)) Object.assign(merged, metrics)
  return Object.keys(merged).length === 0 ? null : merged
}

/**
 * The entry as the rules see it, or undefined when it no longer exists. An imported entry
 * counts from when its person confirmed it (`createdAt` is then confirmed_at), so a draft
 * the import wrote last week and confirmed today is today's showing-up, not last week's.
 * `awaitingConfirmation`: an imported draft not yet confirmed, which earns nothing.
 */
export async function loadRewardEntry (trx: Executor, tenantId: string, worklogId: string): Promise<(RewardEntry & { readonly awaitingConfirmation: boolean }) | undefined> {
  const row = await trx.selectFrom('worklog')
    .select(['id', 'user_id', sql<string>`occurred_on::text`.as('occurred_on'), 'created_at', 'confirmed_at', 'source', 'status', 'content', 'outcome', 'impact', 'tags', 'metadata',
      'epic_id', 'feature_id', 'story_id', 'task_id', 'sprint_id'])
    .select((eb) => eb.selectFrom('attachment').select((a) => a.fn.countAll<number>().as('n'))
      .whereRef('attachment.tenant_id', '=', 'worklog.tenant_id').whereRef('attachment.worklog_id', '=', 'worklog.id').as('attachment_count'))
    .where('tenant_id', '=', tenantId).where('id', '=', worklogId).executeTakeFirst()
  if (row === undefined) return undefined
  const bullets = await trx.selectFrom('worklog_bullet').select('metrics')
    .where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId).execute()
  return {
    id: row.id,
    userId: row.user_id,
    occurredOn: row.occurred_on,
    createdAt: row.confirmed_at ?? row.created_at,
    awaitingConfirmation: awaitsConfirmation(row),
    content: row.content,
    outcome: row.outcome,
    impact: row.impact,
    tags: Array.isArray(row.tags) ? row.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    attachmentCount: Number(row.attachment_count ?? 0),
    metrics: entryMetrics(row.metadata, bullets.map((b) => b.metrics)),
    epicId: row.epic_id,
    featureId: row.feature_id,
    storyId: row.story_id,
    taskId: row.task_id,
    sprintId: row.sprint_id,
  }
}

/**
 * The user's other entries made in the hour up to this one (spam checks), each at the
 * instant it counts from (confirmed_at for a confirmed import). Unconfirmed imported
 * drafts are left out: the person did not write them, so fifty drafts from a morning's
 * import must not make their own next entry look like a flood.
 */
export async function loadRecentEntries (trx: Executor, entry: RewardEntry, tenantId: string): Promise<PriorEntry[]> {
  const since = new Date(entry.createdAt.getTime() - 3_600_000)
  const countsFrom = sql<Date>`coalesce(confirmed_at, created_at)`
  const rows = await trx.selectFrom('worklog').select(['id', countsFrom.as('counts_from'), 'content'])
    .where('tenant_id', '=', tenantId).where('user_id', '=', entry.userId)
    .where(countsFrom, '>=', since).where(countsFrom, '<=', entry.createdAt).where('id', '<>', entry.id)
    .where((eb) => eb.not(eb.and([eb('source', '=', 'import'), eb('status', '=', 'draft')])))
    .execute()
  return rows.map((r) => ({ id: r.id, createdAt: r.counts_from, content: r.content }))
}

export async function loadEntryXpReasons (trx: Executor, key: UserKey, worklogId: string): Promise<string[]> {
  const rows = await trx.selectFrom('xp_event').select('reason')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('worklog_id', '=', worklogId).where('source', '=', 'entry')
    .execute()
  return rows.map((r) => r.reason)
}

/** XP booked on one local day, every source (the daily cap's "so far"). */
export async function xpOnDay (trx: Executor, key: UserKey, day: LocalDay): Promise<number> {
  const row = await trx.selectFrom('xp_event').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('xp'))
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('local_day', '=', day)
    .executeTakeFirstOrThrow()
  return Number(row.xp)
}

/** Badges the user holds or held: a revoked badge is not awarded again by evaluation. */
export async function loadBadgeCodes (trx: Executor, key: UserKey): Promise<string[]> {
  const rows = await trx.selectFrom('user_badge').select('badge_code')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).execute()
  return rows.map((r) => r.badge_code)
}

/**
 * Rewarded entries other than `worklogId` (those with a base-unit ledger row) and the
 * attachments they hold now; deleted entries keep counting as entries, their files do not.
 */
export async function loadOtherRewardedStats (trx: Executor, key: UserKey, worklogId: string): Promise<{ entries: number; attachments: number }> {
  const { rows } = await sql<{ entries: number; attachments: number }>`
    WITH rewarded AS (
      SELECT DISTINCT worklog_id FROM xp_event
      WHERE tenant_id = ${key.tenantId} AND user_id = ${key.userId} AND source = 'entry'
        AND reason = ${BASE_REASON} AND worklog_id IS NOT NULL AND worklog_id <> ${worklogId}
    )
    SELECT (SELECT count(*) FROM rewarded)::int AS entries,
           (SELECT count(*) FROM attachment a JOIN rewarded r ON r.worklog_id = a.worklog_id
             WHERE a.tenant_id = ${key.tenantId})::int AS attachments`.execute(trx)
  return { entries: rows[0]?.entries ?? 0, attachments: rows[0]?.attachments ?? 0 }
}

/**
 * The user's challenges for a week, created from the active templates the first time the
 * week is seen (ON CONFLICT DO NOTHING, so two evaluations starting a week agree).
 */
export async function loadWeekChallenges (trx: Executor, key: UserKey, week: LocalWeek): Promise<UserChallengeState[]> {
  await sql`
    INSERT INTO user_challenge (tenant_id, user_id, week_start, code, target, reward_xp)
    SELECT tenant_id, ${key.userId}, ${week.start}::date, code, target, reward_xp
    FROM challenge_template WHERE tenant_id = ${key.tenantId} AND is_active
    ON CONFLICT DO NOTHING`.execute(trx)
  const challenges = await trx.selectFrom('user_challenge')
    .select(['code', 'target', 'progress', 'reward_xp', 'completed_at'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('week_start', '=', week.start)
    .orderBy('code').execute()
  const counted = await trx.selectFrom('user_challenge_progress').select(['code', 'contribution_key'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('week_start', '=', week.start).execute()
  return challenges.map((c) => ({
    code: c.code,
    weekStart: week.start,
    target: c.target,
    progress: c.progress,
    rewardXp: c.reward_xp,
    completedAt: c.completed_at,
    countedKeys: counted.filter((k) => k.code === c.code).map((k) => k.contribution_key),
  }))
}

export interface LedgerRow {
  idempotencyKey: string
  userId: string
  worklogId: string | null
  localDay: LocalDay
  amount: number
  source: XpSource
  reason: string
  breakdown: JsonObject
  provenance: JsonObject
}

/**
 * Insert ledger rows (ON CONFLICT DO NOTHING) and move user_xp by the rows inserted only.
 * The caller holds the user's lock (lockUserState). Returns the rows actually inserted.
 */
export async function insertXpEvents (trx: Executor, key: UserKey, rows: readonly LedgerRow[], config: RewardConfig): Promise<Array<{ reason: string; amount: number; source: XpSource }>> {
  if (rows.length === 0) return []
  const inserted = await trx.insertInto('xp_event').values(rows.map((r) => ({
    tenant_id: key.tenantId,
    user_id: r.userId,
    worklog_id: r.worklogId,
    local_day: r.localDay,
    amount: r.amount,
    source: r.source,
    reason: r.reason,
    breakdown: toJson(r.breakdown),
    provenance: toJson(r.provenance),
    idempotency_key: r.idempotencyKey,
  }))).onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returning(['reason', 'amount', 'source', sql<string>`local_day::text`.as('local_day')]).execute()
  if (inserted.length === 0) return []
  const added = inserted.reduce((sum, r) => sum + r.amount, 0)
  const latestDay = inserted.map((r) => r.local_day).sort().at(-1)!
  const current = await trx.selectFrom('user_xp').select('total_xp')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirstOrThrow()
  const total = current.total_xp + added
  // daily_xp follows the latest XP day seen and is recounted from the ledger, so it can
  // never drift from the rows it summarises.
  await sql`
    UPDATE user_xp SET
      total_xp = ${total},
      level = ${levelForXp(total, config)},
      daily_xp_date = greatest(daily_xp_date, ${latestDay}::date),
      daily_xp = (SELECT coalesce(sum(amount), 0) FROM xp_event e
                  WHERE e.tenant_id = user_xp.tenant_id AND e.user_id = user_xp.user_id
                    AND e.local_day = greatest(user_xp.daily_xp_date, ${latestDay}::date)),
      updated_at = now()
    WHERE tenant_id = ${key.tenantId} AND user_id = ${key.userId}`.execute(trx)
  return inserted.map((r) => ({ reason: r.reason, amount: r.amount, source: r.source }))
}

export interface PersistedPlan {
  xp: Array<{ reason: string; amount: number; source: XpSource }>
  badges: string[]
  challenges: Array<{ code: string; completed: boolean }>
  streakSaved: boolean
}

/** persist_events: the evaluation's plan, each row guarded by its unique key. */
export async function persistPlan (trx: Executor, key: UserKey, jobId: string, plan: LedgerPlan, config: RewardConfig): Promise<PersistedPlan> {
  const xp = await insertXpEvents(trx, key, plan.xpEvents.map((row) => ({
    idempotencyKey: row.idempotencyKey,
    userId: row.userId,
    worklogId: row.entryId,
    localDay: row.localDay,
    amount: row.amount,
    source: row.provenance.source,
    reason: row.reason,
    breakdown: { ...row.breakdown },
    provenance: { ...row.provenance },
  })), config)

  let badges: string[] = []
  if (plan.userBadges.length > 0) {
    const inserted = await trx.insertInto('user_badge').values(plan.userBadges.map((b) => ({
      tenant_id: key.tenantId,
      user_id: b.userId,
      badge_code: b.badgeCode,
      idempotency_key: b.idempotencyKey,
      provenance: toJson(b.provenance),
    }))).onConflict((oc) => oc.doNothing()).returning('badge_code').execute()
    badges = inserted.map((b) => b.badge_code)
  }

  const challenges: PersistedPlan['challenges'] = []
  for (const row of plan.challengeProgress) {
    const inserted = await trx.insertInto('user_challenge_progress').values({
      tenant_id: key.tenantId,
      idempotency_key: row.idempotencyKey,
      user_id: row.userId,
      week_start: row.weekStart,
      code: row.code,
      contribution_key: row.contributionKey,
      worklog_id: row.entryId,
      job_id: jobId,
    }).onConflict((oc) => oc.doNothing()).returning('code').executeTakeFirst()
    // Progress moves only with an inserted contribution: a duplicate changes nothing.
    if (inserted === undefined) continue
    const updated = await sql<{ completed: boolean }>`
      UPDATE user_challenge SET
        progress = progress + 1,
        completed_at = CASE WHEN completed_at IS NULL AND progress + 1 >= target
                            THEN ${row.completedAt ?? new Date()}::timestamptz ELSE completed_at END,
        updated_at = now()
      WHERE tenant_id = ${key.tenantId} AND user_id = ${row.userId} AND week_start = ${row.weekStart}::date AND code = ${row.code}
      RETURNING completed_at IS NOT NULL AS completed`.execute(trx)
    // The progress row's foreign key means its challenge row exists, so the update returns it.
    challenges.push({ code: row.code, completed: updated.rows[0]?.completed ?? false })
  }

  return { xp, badges, challenges, streakSaved: await saveStreak(trx, key, plan) }
}

/** Compare-and-set: save only if the row still holds what the evaluation read. */
async function saveStreak (trx: Executor, key: UserKey, plan: LedgerPlan): Promise<boolean> {
  const next = plan.streak
  const expected = plan.streakExpected
  if (next === expected) return false
  const result = await trx.updateTable('user_streak')
    .set({
      current: next.current,
      longest: next.longest,
      last_entry_date: next.lastEntryDate,
      freezes_remaining: next.freezesRemaining,
      freezes_used: next.freezesUsed,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId)
    .where('current', '=', expected.current).where('longest', '=', expected.longest)
    .where('freezes_remaining', '=', expected.freezesRemaining).where('freezes_used', '=', expected.freezesUsed)
    .where((eb) => expected.lastEntryDate === null ? eb('last_entry_date', 'is', null) : eb('last_entry_date', '=', expected.lastEntryDate))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
