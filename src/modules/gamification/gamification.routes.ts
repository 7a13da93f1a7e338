// /api/gamification/* (the user's own streak, XP, badges, challenges and quiet mode) and
// /api/admin/gamification/* (engagement metrics, manual grant and revoke). Every handler
// runs in a tenant transaction (RLS) and reads or writes only the caller's tenant.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import {
  BadgesOut, ChallengesOut, GrantBody, GrantOut, MetricsOut, MetricsQuery, RevokeBody, RevokeOut, SettingsOut, SettingsPatch, SummaryOut,
} from './gamification.schemas.ts'
import { getBadges, getChallenges, getSettings, getSummary, updateSettings } from './views.service.ts'
import { getMetrics, grantXp, revokeBadge } from './admin.service.ts'

export const gamificationRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; db: Db; clock: Clock }> = async (app, { tenantDb, clock }) => {
  const tags = ['gamification']
  const self = (request: { principal: { tenantId: string; userId: string } | null }) => ({ tenantId: request.principal!.tenantId, userId: request.principal!.userId })

  app.get('/api/gamification/summary', {
    schema: { tags, summary: 'Streak, XP, level and progress, today\'s XP against the cap, active challenges', response: { 200: SummaryOut } },
    config: { access: 'gamification:read' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getSummary(trx, self(request), clock.now())))

  app.get('/api/gamification/badges', {
    schema: { tags, summary: 'Earned and locked badges, by category', response: { 200: BadgesOut } },
    config: { access: 'gamification:read' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getBadges(trx, self(request))))

  app.get('/api/gamification/challenges', {
    schema: { tags, summary: 'This week\'s challenges and past weeks', response: { 200: ChallengesOut } },
    config: { access: 'gamification:read' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getChallenges(trx, self(request), clock.now())))

  app.get('/api/gamification/settings', {
    schema: { tags, summary: 'Gamification preferences', response: { 200: SettingsOut } },
    config: { access: 'gamification:read' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getSettings(trx, self(request))))

  // A user's own preference, so reading rights suffice (read_only members may go quiet too).
  app.patch('/api/gamification/settings', {
    schema: { tags, summary: 'Turn quiet mode on or off (rewards still accrue)', body: SettingsPatch, response: { 200: SettingsOut } },
    config: { access: 'gamification:read' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => updateSettings(trx, self(request), request.body)))

  const adminTags = ['gamification admin']

  app.get('/api/admin/gamification/metrics', {
    schema: { tags: adminTags, summary: 'Engagement: active streaks, XP per day, badge counts', querystring: MetricsQuery, response: { 200: MetricsOut } },
    config: { access: 'gamification:admin' },
  }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getMetrics(trx, request.principal!.tenantId, clock.now(), request.query.days ?? 30)))

  app.post('/api/admin/gamification/grant', {
    schema: { tags: adminTags, summary: 'Grant XP to a member (ledgered and audited)', body: GrantBody, response: { 201: GrantOut } },
    config: { access: 'gamification:admin' },
  }, async (request, reply) => {
    const actor = request.principal!
    const granted = await withTenant(tenantDb, actor.tenantId, (trx) => grantXp(trx, {
      tenantId: actor.tenantId,
      userId: request.body.user_id,
      amount: request.body.amount,
      reason: request.body.reason,
      actor: { userId: actor.userId, role: actor.role, isStaff: actor.isStaff },
      meta: requestMeta(request),
    }))
    return reply.status(201).send(granted)
  })

  app.post('/api/admin/gamification/revoke', {
    schema: { tags: adminTags, summary: 'Revoke a member\'s badge (ledgered and audited)', body: RevokeBody, response: { 200: RevokeOut } },
    config: { access: 'gamification:admin' },
  }, async (request) => {
    const actor = request.principal!
    return withTenant(tenantDb, actor.tenantId, (trx) => revokeBadge(trx, {
      tenantId: actor.tenantId,
      userId: request.body.user_id,
      badgeCode: request.body.badge_code,
      reason: request.body.reason,
      actor: { userId: actor.userId, role: actor.role, isStaff: actor.isStaff },
      meta: requestMeta(request),
    }))
  })
}
