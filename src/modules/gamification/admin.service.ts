// Staff and admin actions, what the /api/admin/gamification/* routes call: the tenant's
// engagement metrics, and manual XP grants and badge revocations (ledgered and audited).
import { randomUUID } from 'node:crypto'
import type { Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { recordAuthEvent, type RequestMeta } from '../identity/audit.ts'
import { addDays, localDayOf, reasonHash, xpIdempotencyKey } from './rules/index.ts'
import { insertXpEvents, loadRewardConfig, loadUserToday, loadUserXp, lockUserState, type UserKey } from './gamification.repository.ts'
import { isMember, loadEngagement, markBadgeRevoked } from './admin.repository.ts'

export async function getMetrics (trx: Executor, tenantId: string, now = new Date(), days = 30) {
  const since = localDayOf(new Date(now.getTime() - days * 86_400_000), 'UTC')
  // "Active" = the last counted day is today or yesterday (UTC), i.e. the streak can
  // still grow without a freeze; per-user zones shift this by at most a day.
  const yesterday = addDays(localDayOf(now, 'UTC'), -1)
  const { streaks: s, perDay, badges, totals } = await loadEngagement(trx, tenantId, { since, activeSince: yesterday })
  return {
    since,
    active_streaks: s?.active ?? 0,
    average_active_streak: s?.average ?? 0,
    longest_streak: s?.longest ?? 0,
    users_tracked: s?.users ?? 0,
    users_with_xp: totals?.users_with_xp ?? 0,
    total_xp: totals?.total_xp ?? 0,
    xp_per_day: perDay,
    badge_counts: badges,
  }
}

async function assertMember (trx: Executor, key: UserKey): Promise<void> {
  if (!await isMember(trx, key)) throw new NotFoundError('Member', 'user_id')
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
  const { today } = await loadUserToday(trx, input.userId, input.now ?? new Date())
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
  // lockUserState created the row, so it is there.
  const xp = (await loadUserXp(trx, key))!
  return { grant_id: grantId, user_id: input.userId, amount: inserted[0]?.amount ?? 0, total_xp: xp.total_xp, level: xp.level }
}

export async function revokeBadge (trx: Executor, input: { tenantId: string; userId: string; badgeCode: string; reason: string; actor: AdminActor; meta: RequestMeta; now?: Date }) {
  const key = { tenantId: input.tenantId, userId: input.userId }
  await assertMember(trx, key)
  const { rules: config } = await loadRewardConfig(trx, input.tenantId)
  await lockUserState(trx, key, config.max_freezes)
  const now = input.now ?? new Date()
  const revoked = await markBadgeRevoked(trx, key, { badgeCode: input.badgeCode, by: input.actor.userId, reason: input.reason, at: now })
  if (!revoked) throw new NotFoundError('Earned badge', 'badge_code')
  const { today } = await loadUserToday(trx, input.userId, now)
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
