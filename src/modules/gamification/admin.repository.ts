// SQL behind the staff and admin actions (admin.service.ts): the tenant's engagement
// figures, membership checks and badge revocation. Every function takes the caller's
// tenant transaction, so row-level security applies.
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import type { UserKey } from './gamification.repository.ts'
import type { LocalDay } from './rules/local-day.ts'

/**
 * Engagement over the tenant: streaks counted active when their last day is `activeSince`
 * or later, XP per ledger day from `since`, holders per badge, and XP totals.
 */
export async function loadEngagement (trx: Executor, tenantId: string, window: { since: LocalDay; activeSince: LocalDay }) {
  const streaks = await sql<{ active: number; users: number; longest: number; average: number }>`
    SELECT count(*) FILTER (WHERE current > 0 AND last_entry_date >= ${window.activeSince}::date)::int AS active,
           count(*)::int AS users,
           coalesce(max(longest), 0)::int AS longest,
           coalesce(round(avg(current) FILTER (WHERE current > 0 AND last_entry_date >= ${window.activeSince}::date), 2), 0)::float8 AS average
    FROM user_streak WHERE tenant_id = ${tenantId}`.execute(trx)
  const perDay = await sql<{ day: string; xp: number; users: number; events: number }>`
    SELECT local_day::text AS day, sum(amount)::int AS xp, count(DISTINCT user_id)::int AS users, count(*)::int AS events
    FROM xp_event WHERE tenant_id = ${tenantId} AND local_day >= ${window.since}::date
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
  return { streaks: streaks.rows[0], perDay: perDay.rows, badges: badges.rows, totals: totals.rows[0] }
}

/** Tenant membership of the user, checked inside the tenant (RLS). */
export async function isMember (trx: Executor, key: UserKey): Promise<boolean> {
  const member = await trx.selectFrom('tenant_membership').select('user_id')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirst()
  return member !== undefined
}

/**
 * Mark a held badge revoked; false when the user does not hold it. The row stays
 * (revoked_at) so the next evaluation does not simply award it again.
 */
export async function markBadgeRevoked (trx: Executor, key: UserKey, revoke: { badgeCode: string; by: string; reason: string; at: Date }): Promise<boolean> {
  const revoked = await trx.updateTable('user_badge')
    .set({ revoked_at: revoke.at, revoked_by: revoke.by, revoke_reason: revoke.reason })
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('badge_code', '=', revoke.badgeCode).where('revoked_at', 'is', null)
    .returning('badge_code').executeTakeFirst()
  return revoked !== undefined
}
