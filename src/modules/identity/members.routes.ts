// Tenant membership management (issue: list members, invite, change role, remove).
// Owners and admins manage; nobody hands out more than they hold; the last active owner
// can be neither demoted nor removed, so a tenant is never left without one. A removed
// member's schedules, and a demoted member's schedules of job types the new role may not
// run, are switched off in the same transaction (and audited): they would otherwise keep
// firing jobs that can only fail.
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db, Executor } from '../../platform/db/database.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { recordAuthEvent } from './audit.ts'
import { RoleSchema } from './auth.schemas.ts'
import { createInvite, DEFAULT_INVITE_SECONDS } from './invite.service.ts'
import type { Role } from './identity.table.ts'
import { canAssignRole, roleMayRun } from './permissions.ts'

const MemberOut = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  is_active: Type.Boolean(),
  joined_at: Type.String({ format: 'date-time' }),
})
const UserParams = Type.Object({ user_id: Type.String({ format: 'uuid' }) })

async function activeOwners (trx: Executor, tenantId: string): Promise<number> {
  const row = await trx.selectFrom('tenant_membership').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).where('role', '=', 'owner').where('is_active', '=', true).executeTakeFirstOrThrow()
  return Number(row.n)
}

export const memberRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; db: Db; schedules: ScheduleService }> = async (app, { tenantDb, db, schedules }) => {
  const tags = ['members']
  const afterSchedulesDisabled = async (request: FastifyRequest, ids: string[], member: string, reason: 'role_changed' | 'member_removed'): Promise<void> => {
    if (ids.length === 0) return
    await schedules.unmirror(ids)
    const actor = request.principal!
    await recordAuthEvent(db, requestMeta(request), { kind: 'schedules_disabled', userId: actor.userId, tenantId: actor.tenantId, detail: { member, reason, schedules: ids } })
  }

  app.get('/api/members', {
    schema: { tags, summary: 'Members of the current tenant', response: { 200: Type.Array(MemberOut) } },
    config: { access: 'members:read' },
  }, async (request) => {
    const rows = await withTenant(tenantDb, request.principal!.tenantId, (trx) => trx.selectFrom('tenant_membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .leftJoin('user_profile as p', 'p.user_id', 'm.user_id')
      .select(['m.user_id', 'u.email', 'p.display_name', 'm.role', 'm.is_active', 'm.created_at'])
      .orderBy('m.created_at').execute())
    return rows.map((r) => ({ user_id: r.user_id, email: r.email, display_name: r.display_name ?? '', role: r.role, is_active: r.is_active, joined_at: r.created_at.toISOString() }))
  })

  app.patch('/api/members/:user_id', {
    schema: { tags, summary: 'Change a member\'s role', params: UserParams, body: Type.Object({ role: RoleSchema }, { additionalProperties: false }), response: { 200: Type.Object({ user_id: Type.String(), role: RoleSchema }) } },
    config: { access: 'members:manage' },
  }, async (request) => {
    const actor = request.principal!
    const target = request.params.user_id
    const role: Role = request.body.role
    const disabled = await withTenant(tenantDb, actor.tenantId, async (trx) => {
      const current = await trx.selectFrom('tenant_membership').select(['role', 'is_active']).where('user_id', '=', target).forUpdate().executeTakeFirst()
      if (current === undefined) throw new NotFoundError('Member', 'user_id')
      if (!canAssignRole(actor.role, role) || !canAssignRole(actor.role, current.role)) {
        throw new AppError(403, 'forbidden', `A ${actor.role} cannot change a ${current.role} into a ${role}.`, { field: 'role' })
      }
      if (current.role === 'owner' && role !== 'owner' && current.is_active && await activeOwners(trx, actor.tenantId) <= 1) {
        throw new ConflictError('This is the last owner; make someone else an owner first.', 'role')
      }
      await trx.updateTable('tenant_membership').set({ role, updated_at: new Date() }).where('user_id', '=', target).execute()
      return schedules.disableForUser(trx, actor.tenantId, target, (requires) => roleMayRun(role, requires))
    })
    await recordAuthEvent(db, requestMeta(request), { kind: 'member_role_changed', userId: actor.userId, tenantId: actor.tenantId, detail: { member: target, role } })
    await afterSchedulesDisabled(request, disabled, target, 'role_changed')
    return { user_id: target, role }
  })

  app.delete('/api/members/:user_id', {
    schema: { tags, summary: 'Remove a member from the tenant', params: UserParams, response: { 204: Type.Null() } },
    config: { access: 'members:manage' },
  }, async (request, reply) => {
    const actor = request.principal!
    const target = request.params.user_id
    const disabled = await withTenant(tenantDb, actor.tenantId, async (trx) => {
      const current = await trx.selectFrom('tenant_membership').select(['role', 'is_active']).where('user_id', '=', target).forUpdate().executeTakeFirst()
      if (current === undefined) throw new NotFoundError('Member', 'user_id')
      if (!canAssignRole(actor.role, current.role)) throw new AppError(403, 'forbidden', `A ${actor.role} cannot remove a ${current.role}.`)
      if (current.role === 'owner' && current.is_active && await activeOwners(trx, actor.tenantId) <= 1) {
        throw new ConflictError('The last owner cannot be removed.', 'user_id')
      }
      await trx.deleteFrom('tenant_membership').where('user_id', '=', target).execute()
      return schedules.disableForUser(trx, actor.tenantId, target, () => false)
    })
    // Their sessions in this tenant end with the membership: the per-request check fails.
    await recordAuthEvent(db, requestMeta(request), { kind: 'member_removed', userId: actor.userId, tenantId: actor.tenantId, detail: { member: target } })
    await afterSchedulesDisabled(request, disabled, target, 'member_removed')
    return reply.status(204).send(null)
  })

  app.post('/api/invites', {
    schema: {
      tags: ['invites'],
      summary: 'Invite someone into this tenant (the passkey is shown once)',
      body: Type.Object({
        email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
        role: Type.Optional(RoleSchema),
        expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), passkey: Type.String(), email: Type.Union([Type.String(), Type.Null()]), role: RoleSchema, expires_at: Type.String({ format: 'date-time' }) }) },
    },
    config: { access: 'invites:create' },
  }, async (request, reply) => {
    const actor = request.principal!
    const role: Role = request.body.role ?? 'member'
    if (!canAssignRole(actor.role, role)) throw new AppError(403, 'forbidden', `A ${actor.role} cannot invite a ${role}.`, { field: 'role' })
    const { invite, passkey } = await createInvite(db, {
      createdBy: actor.userId,
      tenantId: actor.tenantId,
      role,
      ...(request.body.email !== undefined && { email: request.body.email }),
      expiresInSeconds: request.body.expires_in_days === undefined ? DEFAULT_INVITE_SECONDS : request.body.expires_in_days * 86_400,
    }, requestMeta(request))
    void reply.header('Cache-Control', 'no-store')
    return reply.status(201).send({ id: invite.id, passkey, email: invite.email, role, expires_at: invite.expires_at.toISOString() })
  })
}
