// SQL behind the user's gamification views (views.service.ts): challenges, streak,
// badges and the quiet-mode preference. Every function takes the caller's tenant
// transaction, so row-level security applies.
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import type { UserKey } from './gamification.repository.ts'
import type { LocalDay } from './rules/local-day.ts'

export interface ChallengeRow {
  code: string
  name: string
  description: string
  week_start: string
  progress: number
  target: number
  reward_xp: number
  completed_at: Date | null
}

/** The user's stored challenges, newest week first; one week, or the weeks before one. */
export async function loadChallenges (trx: Executor, key: UserKey, where: { weekStart?: LocalDay; before?: LocalDay }, limit: number): Promise<ChallengeRow[]> {
  let query = trx.selectFrom('user_challenge as c')
    .innerJoin('challenge_template as t', (join) => join.onRef('t.tenant_id', '=', 'c.tenant_id').onRef('t.code', '=', 'c.code'))
    .select(['c.code', 't.name', 't.description', sql<string>`c.week_start::text`.as('week_start'), 'c.progress', 'c.target', 'c.reward_xp', 'c.completed_at'])
    .where('c.tenant_id', '=', key.tenantId).where('c.user_id', '=', key.userId)
  if (where.weekStart !== undefined) query = query.where('c.week_start', '=', where.weekStart)
  if (where.before !== undefined) query = query.where('c.week_start', '<', where.before)
  return query.orderBy('c.week_start', 'desc').orderBy('c.code').limit(limit).execute()
}

export async function loadActiveChallengeTemplates (trx: Executor, tenantId: string) {
  return trx.selectFrom('challenge_template').select(['code', 'name', 'description', 'target', 'reward_xp'])
    .where('tenant_id', '=', tenantId).where('is_active', '=', true).orderBy('code').execute()
}

/** The streak row as stored, undefined before the user's first evaluation. */
export async function loadStreak (trx: Executor, key: UserKey) {
  return trx.selectFrom('user_streak')
    .select(['current', 'longest', sql<string | null>`last_entry_date::text`.as('last_entry_date'), 'freezes_remaining', 'freezes_used'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
}

/** Badges held (not revoked) and awarded at or after `since`, newest first. */
export async function loadBadgesAwardedSince (trx: Executor, key: UserKey, since: Date) {
  return trx.selectFrom('user_badge as b')
    .innerJoin('badge_definition as d', (join) => join.onRef('d.tenant_id', '=', 'b.tenant_id').onRef('d.code', '=', 'b.badge_code'))
    .select(['b.badge_code', 'd.name', 'b.awarded_at'])
    .where('b.tenant_id', '=', key.tenantId).where('b.user_id', '=', key.userId).where('b.revoked_at', 'is', null)
    .where('b.awarded_at', '>=', since)
    .orderBy('b.awarded_at', 'desc').execute()
}

/** Every badge of the tenant in display order, with `awarded_at` when the user holds it. */
export async function loadBadgeCatalog (trx: Executor, key: UserKey) {
  return trx.selectFrom('badge_definition as d')
    .leftJoin('user_badge as b', (join) => join.onRef('b.tenant_id', '=', 'd.tenant_id').onRef('b.badge_code', '=', 'd.code')
      .on('b.user_id', '=', key.userId).on('b.revoked_at', 'is', null))
    .select(['d.code', 'd.name', 'd.description', 'd.category', 'd.trigger', 'd.threshold', 'b.awarded_at'])
    .where('d.tenant_id', '=', key.tenantId).orderBy('d.sort_order').orderBy('d.code').execute()
}

export async function saveQuietMode (trx: Executor, key: UserKey, quietMode: boolean): Promise<void> {
  await trx.insertInto('gamification_settings').values({ tenant_id: key.tenantId, user_id: key.userId, quiet_mode: quietMode })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ quiet_mode: quietMode, updated_at: new Date() })).execute()
}
