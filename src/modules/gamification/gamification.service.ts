// Gamification use cases: reward evaluation (read inputs → pure rules → persist the plan,
// all in the caller's tenant transaction), the user's views, and admin actions.
//
// Fairness (issue §5), in one place:
//  - quiet mode hides, it never withholds: rewards accrue the same, summaries push nothing;
//  - no penalty beyond the streak rules: XP is never taken away, a late or re-run job
//    never costs anything, and a backfilled entry can only fail to count, never subtract;
//  - an outage cannot break a streak: every day is derived from the entry (its creation
//    instant and occurred_on, in the user's zone), never from when the job runs, so a job
//    delayed by hours or days books exactly what an instant one would have.
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { recordAuthEvent, type RequestMeta } from '../identity/audit.ts'
import {
  addDays,
  evaluateReward,
  isValidTimeZone,
  levelProgress,
  localDayOf,
  planLedgerEvents,
  reasonHash,
  rewardDaysOf,
  weekContaining,
  xpIdempotencyKey,
  type RewardEvaluateResult,
  type RewardEvaluation,
  type EvaluationEvent,
} from './rules/index.ts'
import {
  insertXpEvents,
  loadBadgeCodes,
  loadEntryXpReasons,
  loadOtherRewardedStats,
  loadQuietMode,
  loadRecentEntries,
  loadRewardConfig,
  loadRewardEntry,
  loadTimeZone,
  loadWeekChallenges,
  lockUserState,
  persistPlan,
  xpOnDay,
  type PersistedPlan,
  type UserKey,
} from './gamification.repository.ts'

export interface RewardEvaluationOutcome {
  /** The seed's return shape, with XP and badges as actually inserted. */
  result: RewardEvaluateResult
  /** Null when the entry no longer exists. */
  evaluation: RewardEvaluation | null
  persisted: PersistedPlan | null
  configVersion: number
  events: EvaluationEvent[]
}

/**
 * gamification.reward_evaluate, steps 1–7, in the caller's tenant transaction. Holding the
 * user's lock from the first read to the last write, so concurrent evaluations of one user
 * run in turn; each award is also guarded by its unique key.
 */
export async function evaluateEntryRewards (trx: Executor, input: { tenantId: string; worklogId: string; jobId: string }): Promise<RewardEvaluationOutcome> {
  const { version, rules: config } = await loadRewardConfig(trx, input.tenantId)
  const entry = await loadRewardEntry(trx, input.tenantId, input.worklogId)
  if (entry === undefined) {
    // Deleted before the job ran: nothing to reward, and nothing to retry.
    return {
      result: {
        entry_id: input.worklogId,
        job_id: input.jobId,
        valid: false,
        xp_awarded: 0,
        streak_updated: false,
        streak: { current: 0, longest: 0, freeze_used: false, broken: false },
        badges_awarded: [],
        challenges_updated: [],
        errors: ['entry_not_found'],
      },
      evaluation: null,
      persisted: null,
      configVersion: version,
      events: [{ message: 'Entry not found; nothing to reward', data: { entry_id: input.worklogId } }],
    }
  }
  const key: UserKey = { tenantId: input.tenantId, userId: entry.userId }
  const locked = await lockUserState(trx, key, config.max_freezes)
  const errors: string[] = []
  let timeZone = await loadTimeZone(trx, entry.userId)
  if (!isValidTimeZone(timeZone)) {
    errors.push(`invalid profile time zone ${JSON.stringify(timeZone)}; used UTC`)
    timeZone = 'UTC'
  }
  const days = rewardDaysOf(entry, timeZone, config)
  const others = await loadOtherRewardedStats(trx, key, entry.id)
  const evaluation = evaluateReward({
    jobId: input.jobId,
    entry,
    timeZone,
    config,
    recentEntries: await loadRecentEntries(trx, entry, input.tenantId),
    alreadyAwardedXpReasons: await loadEntryXpReasons(trx, key, entry.id),
    totalXp: locked.totalXp,
    dailyXpSoFar: await xpOnDay(trx, key, days.xpDay),
    streak: locked.streak,
    earnedBadges: await loadBadgeCodes(trx, key),
    otherRewardedEntries: others.entries,
    otherRewardedAttachments: others.attachments,
    challenges: await loadWeekChallenges(trx, key, days.week),
    quietMode: await loadQuietMode(trx, key),
  })
  const persisted = await persistPlan(trx, key, input.jobId, planLedgerEvents(evaluation), config)
  const xpAwarded = persisted.xp.reduce((sum, row) => sum + row.amount, 0)
  const events = [...evaluation.events]
  // The pure events say what was planned; this one says what the keys let through.
  events.splice(Math.max(0, events.length - 1), 0, {
    message: 'Persisted rewards',
    data: { xp_rows: persisted.xp.length, xp: xpAwarded, badges: persisted.badges, challenges: persisted.challenges.map((c) => c.code), streak_saved: persisted.streakSaved, config_version: version },
  })
  return {
    result: {
      ...evaluation.result,
      xp_awarded: xpAwarded,
      badges_awarded: persisted.badges,
      challenges_updated: persisted.challenges.map((c) => c.code),
      errors: [...evaluation.result.errors, ...errors],
    },
    evaluation,
    persisted,
    configVersion: version,
    events,
  }
}

// ---- the user's views -----------------------------------------------------------------

async function todayFor (trx: Executor, userId: string, now: Date): Promise<{ timeZone: string; today: string }> {
  const zone = await loadTimeZone(trx, userId)
  const timeZone = isValidTimeZone(zone) ? zone : 'UTC'
  return { timeZone, today: localDayOf(now, timeZone) }
}

interface ChallengeView {
  code: string
  name: string
  description: string
  week_start: string
  week_end: string
  progress: number
  target: number
  reward_xp: number
  completed_at: string | null
  days_remaining: number
}

async function challengesOf (trx: Executor, key: UserKey, where: { weekStart?: string; before?: string }, today: string, limit = 100): Promise<ChallengeView[]> {
  let query = trx.selectFrom('user_challenge as c')
    .innerJoin('challenge_template as t', (join) => join.onRef('t.tenant_id', '=', 'c.tenant_id').onRef('t.code', '=', 'c.code'))
    .select(['c.code', 't.name', 't.description', sql<string>`c.week_start::text`.as('week_start'), 'c.progress', 'c.target', 'c.reward_xp', 'c.completed_at'])
    .where('c.tenant_id', '=', key.tenantId).where('c.user_id', '=', key.userId)
  if (where.weekStart !== undefined) query = query.where('c.week_start', '=', where.weekStart)
  if (where.before !== undefined) query = query.where('c.week_start', '<', where.before)
  const rows = await query.orderBy('c.week_start', 'desc').orderBy('c.code').limit(limit).execute()
  return rows.map((r) => {
    const weekEnd = addDays(r.week_start, 6)
    const remaining = Math.max(0, Math.round((Date.parse(weekEnd) - Date.parse(today)) / 86_400_000) + 1)
    return {
      code: r.code,
      name: r.name,
      description: r.description,
      week_start: r.week_start,
      week_end: weekEnd,
      progress: Math.min(r.progress, r.target),
      target: r.target,
      reward_xp: r.reward_xp,
      completed_at: r.completed_at?.toISOString() ?? null,
      days_remaining: r.week_start > today ? 7 : Math.min(7, remaining),
    }
  })
}

/** This week's challenges: the stored ones, or the templates at zero before the first entry. */
async function activeChallenges (trx: Executor, key: UserKey, today: string): Promise<ChallengeView[]> {
  const week = weekContaining(today)
  const stored = await challengesOf(trx, key, { weekStart: week.start }, today)
  if (stored.length > 0) return stored
  const templates = await trx.selectFrom('challenge_template').select(['code', 'name', 'description', 'target', 'reward_xp'])
    .where('tenant_id', '=', key.tenantId).where('is_active', '=', true).orderBy('code').execute()
  const daysRemaining = Math.round((Date.parse(week.end) - Date.parse(today)) / 86_400_000) + 1
  return templates.map((t) => ({ ...t, week_start: week.start, week_end: week.end, progress: 0, completed_at: null, days_remaining: daysRemaining }))
}

export async function getSummary (trx: Executor, key: UserKey, now = new Date()) {
  const { rules: config } = await loadRewardConfig(trx, key.tenantId)
  const { today, timeZone } = await todayFor(trx, key.userId, now)
  const xp = await trx.selectFrom('user_xp').select(['total_xp']).where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
  const streak = await trx.selectFrom('user_streak')
    .select(['current', 'longest', sql<string | null>`last_entry_date::text`.as('last_entry_date'), 'freezes_remaining', 'freezes_used'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
  const quiet = await loadQuietMode(trx, key)
  const totalXp = xp?.total_xp ?? 0
  const progress = levelProgress(totalXp, config)
  const todayXp = await xpOnDay(trx, key, today)
  // A streak whose last day is before yesterday (and not bridged by a freeze on the next
  // entry) is shown as at risk rather than zeroed: only an entry can change it (fairness).
  const last = streak?.last_entry_date ?? null
  const gap = last === null ? null : Math.round((Date.parse(today) - Date.parse(last)) / 86_400_000)
  return {
    time_zone: timeZone,
    today,
    quiet_mode: quiet,
    streak: {
      current: streak?.current ?? 0,
      longest: streak?.longest ?? 0,
      last_entry_date: last,
      freezes_remaining: streak?.freezes_remaining ?? config.max_freezes,
      freezes_used: streak?.freezes_used ?? 0,
      logged_today: gap === 0,
      at_risk: gap !== null && gap >= 1 && (streak?.current ?? 0) > 0,
    },
    xp: {
      total: totalXp,
      level: progress.level,
      xp_into_level: progress.xpIntoLevel,
      xp_per_level: progress.xpPerLevel,
      xp_to_next_level: progress.xpToNextLevel,
      today: todayXp,
      daily_cap: config.max_daily_xp,
    },
    // Quiet mode: nothing is pushed. The data stays reachable on the badges/challenges pages.
    active_challenges: quiet ? [] : await activeChallenges(trx, key, today),
    recent_badges: quiet ? [] : await recentBadges(trx, key, now),
  }
}

async function recentBadges (trx: Executor, key: UserKey, now: Date) {
  const rows = await trx.selectFrom('user_badge as b')
    .innerJoin('badge_definition as d', (join) => join.onRef('d.tenant_id', '=', 'b.tenant_id').onRef('d.code', '=', 'b.badge_code'))
    .select(['b.badge_code', 'd.name', 'b.awarded_at'])
    .where('b.tenant_id', '=', key.tenantId).where('b.user_id', '=', key.userId).where('b.revoked_at', 'is', null)
    .where('b.awarded_at', '>=', new Date(now.getTime() - 7 * 86_400_000))
    .orderBy('b.awarded_at', 'desc').execute()
  return rows.map((r) => ({ code: r.badge_code, name: r.name, awarded_at: r.awarded_at.toISOString() }))
}

export async function getBadges (trx: Executor, key: UserKey) {
  const rows = await trx.selectFrom('badge_definition as d')
    .leftJoin('user_badge as b', (join) => join.onRef('b.tenant_id', '=', 'd.tenant_id').onRef('b.badge_code', '=', 'd.code')
      .on('b.user_id', '=', key.userId).on('b.revoked_at', 'is', null))
    .select(['d.code', 'd.name', 'd.description', 'd.category', 'd.trigger', 'd.threshold', 'b.awarded_at'])
    .where('d.tenant_id', '=', key.tenantId).orderBy('d.sort_order').orderBy('d.code').execute()
  const categories = new Map<string, Array<{ code: string; name: string; description: string; trigger: string; threshold: number; earned: boolean; awarded_at: string | null }>>()
  for (const r of rows) {
    const list = categories.get(r.category) ?? []
    list.push({ code: r.code, name: r.name, description: r.description, trigger: r.trigger, threshold: r.threshold, earned: r.awarded_at !== null, awarded_at: r.awarded_at?.toISOString() ?? null })
    categories.set(r.category, list)
  }
  const earned = rows.filter((r) => r.awarded_at !== null).length
  return { earned_count: earned, total: rows.length, categories: [...categories].map(([category, badges]) => ({ category, badges })) }
}

export async function getChallenges (trx: Executor, key: UserKey, now = new Date()) {
  const { today } = await todayFor(trx, key.userId, now)
  const week = weekContaining(today)
  return { active: await activeChallenges(trx, key, today), history: await challengesOf(trx, key, { before: week.start }, today, 200) }
}

export async function getSettings (trx: Executor, key: UserKey) {
  return { quiet_mode: await loadQuietMode(trx, key) }
}

export async function updateSettings (trx: Executor, key: UserKey, patch: { quiet_mode?: boolean }) {
  if (patch.quiet_mode !== undefined) {
    await trx.insertInto('gamification_settings').values({ tenant_id: key.tenantId, user_id: key.userId, quiet_mode: patch.quiet_mode })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ quiet_mode: patch.quiet_mode, updated_at: new Date() })).execute()
  }
  return getSettings(trx, key)
}

// ---- admin ----------------------------------------------------------------------------

export async function getMetrics (trx: Executor, tenantId: string, now = new Date(), days = 30) {
  const since = localDayOf(new Date(now.getTime() - days * 86_400_000), 'UTC')
  // "Active" = the last counted day is today or yesterday (UTC), i.e. the streak can
  // still grow without a freeze; per-user zones shift this by at most a day.
  const yesterday = addDays(localDayOf(now, 'UTC'), -1)
  const streaks = await sql<{ active: number; users: number; longest: number; average: number }>`
    SELECT count(*) FILTER (WHERE current > 0 AND last_entry_date >= ${yesterday}::date)::int AS active,
           count(*)::int AS users,
           coalesce(max(longest), 0)::int AS longest,
           coalesce(round(avg(current) FILTER (WHERE current > 0 AND last_entry_date >= ${yesterday}::date), 2), 0)::float8 AS average
    FROM user_streak WHERE tenant_id = ${tenantId}`.execute(trx)
  const perDay = await sql<{ day: string; xp: number; users: number; events: number }>`
    SELECT local_day::text AS day, sum(amount)::int AS xp, count(DISTINCT user_id)::int AS users, count(*)::int AS events
    FROM xp_event WHERE tenant_id = ${tenantId} AND local_day >= ${since}::date
    GROUP BY local_day ORDER BY local_day`.execute(trx)
  const badges = await sql<{ code: string; name: string; count: number }>`
    SELECT d.code, d.name, count(b.user_id)::int AS count
    FROM badge_definition d
    LEFT JOIN user_badge b ON b.tenant_id = d.tenant_id AND b.badge_code = d.code AND b.revoked_at IS NULL
    WHERE d.tenant_id = ${tenantId}
    GROUP BY d.code, d.name, d.sort_order ORDER BY d.sort_order, d.code`.execute(trx)
  const totals = await sql<{ total_xp: number; users_with_xp: number }>`
    SELECT coalesce(sum(total_xp), 0)::int AS total_xp, count(*) FILTER (WHERE total_xp > 0)::int AS users_with_xp
    FROM user_xp WHERE tenant_id = ${tenantId}`.execute(trx)
  const s = streaks.rows[0]
  return {
    since,
    active_streaks: s?.active ?? 0,
    average_active_streak: s?.average ?? 0,
    longest_streak: s?.longest ?? 0,
    users_tracked: s?.users ?? 0,
    users_with_xp: totals.rows[0]?.users_with_xp ?? 0,
    total_xp: totals.rows[0]?.total_xp ?? 0,
    xp_per_day: perDay.rows,
    badge_counts: badges.rows,
  }
}

/** Tenant membership of the target, checked inside the tenant (RLS). */
async function assertMember (trx: Executor, key: UserKey): Promise<void> {
  const member = await trx.selectFrom('tenant_membership').select('user_id')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
  if (member === undefined) throw new NotFoundError('Member', 'user_id')
}

export interface AdminActor { userId: string; role: string; isStaff: boolean }

/**
 * Admin actions are audited (auth_event) in the same transaction as the change, so there
 * is never a grant without its audit entry or the reverse; the entry names who acted as what.
 */
function auditedBy (actor: AdminActor, tenantId: string, detail: JsonObject) {
  return { userId: actor.userId, tenantId, detail: { ...detail, actor_role: actor.role, actor_is_staff: actor.isStaff } }
}

export async function grantXp (trx: Executor, input: { tenantId: string; userId: string; amount: number; reason: string; actor: AdminActor; meta: RequestMeta; now?: Date }) {
  const key = { tenantId: input.tenantId, userId: input.userId }
  await assertMember(trx, key)
  const { rules: config } = await loadRewardConfig(trx, input.tenantId)
  await lockUserState(trx, key, config.max_freezes)
  const { today } = await todayFor(trx, input.userId, input.now ?? new Date())
  const grantId = randomUUID()
  const inserted = await insertXpEvents(trx, key, [{
    // Seed format, with `admin` in the entry slot; each grant is its own act, so its id is the reason hashed.
    idempotencyKey: xpIdempotencyKey({ userId: input.userId, entryId: 'admin', localDay: today, reason: `grant:${grantId}` }),
    userId: input.userId,
    worklogId: null,
    localDay: today,
    amount: input.amount,
    source: 'admin',
    reason: 'admin:grant',
    breakdown: { admin: input.amount },
    provenance: { by: input.actor.userId, note: input.reason, grant_id: grantId },
  }], config)
  await recordAuthEvent(trx, input.meta, { kind: 'gamification_xp_granted', ...auditedBy(input.actor, input.tenantId, { member: input.userId, amount: input.amount, reason: input.reason, grant_id: grantId }) })
  const xp = await trx.selectFrom('user_xp').select(['total_xp', 'level']).where('tenant_id', '=', input.tenantId).where('user_id', '=', input.userId).executeTakeFirstOrThrow()
  return { grant_id: grantId, user_id: input.userId, amount: inserted[0]?.amount ?? 0, total_xp: xp.total_xp, level: xp.level }
}

export async function revokeBadge (trx: Executor, input: { tenantId: string; userId: string; badgeCode: string; reason: string; actor: AdminActor; meta: RequestMeta; now?: Date }) {
  const key = { tenantId: input.tenantId, userId: input.userId }
  await assertMember(trx, key)
  const { rules: config } = await loadRewardConfig(trx, input.tenantId)
  await lockUserState(trx, key, config.max_freezes)
  const now = input.now ?? new Date()
  // The row stays (revoked_at) so the next evaluation does not simply award it again.
  const revoked = await trx.updateTable('user_badge')
    .set({ revoked_at: now, revoked_by: input.actor.userId, revoke_reason: input.reason })
    .where('tenant_id', '=', input.tenantId).where('user_id', '=', input.userId).where('badge_code', '=', input.badgeCode).where('revoked_at', 'is', null)
    .returning('badge_code').executeTakeFirst()
  if (revoked === undefined) throw new NotFoundError('Earned badge', 'badge_code')
  const { today } = await todayFor(trx, input.userId, now)
  const revokeId = randomUUID()
  // Ledgered: a zero-XP row, so the ledger alone tells the user's whole reward history.
  await insertXpEvents(trx, key, [{
    idempotencyKey: xpIdempotencyKey({ userId: input.userId, entryId: 'admin', localDay: today, reason: `revoke:${revokeId}` }),
    userId: input.userId,
    worklogId: null,
    localDay: today,
    amount: 0,
    source: 'admin',
    reason: `admin:revoke_badge:${input.badgeCode}`,
    breakdown: {},
    provenance: { by: input.actor.userId, note: input.reason, revoke_id: revokeId, badge_code: input.badgeCode, reason_hash: reasonHash(input.reason) },
  }], config)
  await recordAuthEvent(trx, input.meta, { kind: 'gamification_badge_revoked', ...auditedBy(input.actor, input.tenantId, { member: input.userId, badge_code: input.badgeCode, reason: input.reason, revoke_id: revokeId }) })
  return { user_id: input.userId, badge_code: input.badgeCode, revoked_at: now.toISOString() }
}
