// Tenant membership management (list members, invite, change role, remove). Owners and
// admins manage; nobody hands out more than they hold; the last active owner can be
// neither demoted nor removed, so a tenant is never left without one. A removed
// member's schedules, and a demoted member's schedules of job types the new role may not
// run, are switched off in the same transaction (and audited): they would otherwise keep
// firing jobs that can only fail.
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { recordAuthEvent, type RequestMeta } from './audit.ts'
import type { Role } from './identity.table.ts'
import { createInvite, DEFAULT_INVITE_SECONDS } from './invite.service.ts'
import { countActiveOwners, deleteMembership, listMembers, lockMembership, setMemberRole } from './members.repository.ts'
import type { InviteBody, InviteCreated, MemberOut, RoleChanged } from './members.schemas.ts'
import { canAssignRole, roleMayRun } from './permissions.ts'

export interface MemberDeps {
  tenantDb: Db
  db: Db
  schedules: ScheduleService
}

/** Who is acting, and from which request. */
export interface MemberActor {
  userId: string
  tenantId: string
  role: Role
  meta: RequestMeta
}

export async function membersOf (tenantDb: Db, tenantId: string): Promise<MemberOut[]> {
  const rows = await withTenant(tenantDb, tenantId, (trx) => listMembers(trx))
  return rows.map((r) => ({ user_id: r.user_id, email: r.email, display_name: r.display_name ?? '', role: r.role, is_active: r.is_active, joined_at: r.created_at.toISOString() }))
}

export async function changeMemberRole (deps: MemberDeps, actor: MemberActor, target: string, role: Role): Promise<RoleChanged> {
  const disabled = await withTenant(deps.tenantDb, actor.tenantId, async (trx) => {
    const current = await lockMembership(trx, target)
    if (current === undefined) throw new NotFoundError('Member', 'user_id')
    if (!canAssignRole(actor.role, role) || !canAssignRole(actor.role, current.role)) {
      throw new AppError(403, 'forbidden', `A ${actor.role} cannot change a ${current.role} into a ${role}.`, { field: 'role' })
    }
    if (current.role === 'owner' && role !== 'owner' && current.is_active && await countActiveOwners(trx, actor.tenantId) <= 1) {
      throw new ConflictError('This is the last owner; make someone else an owner first.', 'role')
    }
    await setMemberRole(trx, target, role)
    return deps.schedules.disableForUser(trx, actor.tenantId, target, (requires) => roleMayRun(role, requires))
  })
  await recordAuthEvent(deps.db, actor.meta, { kind: 'member_role_changed', userId: actor.userId, tenantId: actor.tenantId, detail: { member: target, role } })
  await afterSchedulesDisabled(deps, actor, disabled, target, 'role_changed')
  return { user_id: target, role }
}

export async function removeMember (deps: MemberDeps, actor: MemberActor, target: string): Promise<void> {
  const disabled = await withTenant(deps.tenantDb, actor.tenantId, async (trx) => {
    const current = await lockMembership(trx, target)
    if (current === undefined) throw new NotFoundError('Member', 'user_id')
    if (!canAssignRole(actor.role, current.role)) throw new AppError(403, 'forbidden', `A ${actor.role} cannot remove a ${current.role}.`)
    if (current.role === 'owner' && current.is_active && await countActiveOwners(trx, actor.tenantId) <= 1) {
      throw new ConflictError('The last owner cannot be removed.', 'user_id')
    }
    await deleteMembership(trx, target)
    return deps.schedules.disableForUser(trx, actor.tenantId, target, () => false)
  })
  // Their sessions in this tenant end with the membership: the per-request check fails.
  await recordAuthEvent(deps.db, actor.meta, { kind: 'member_removed', userId: actor.userId, tenantId: actor.tenantId, detail: { member: target } })
  await afterSchedulesDisabled(deps, actor, disabled, target, 'member_removed')
}

/** Once the change has committed: the disabled schedules stop firing, and the audit log says which. */
async function afterSchedulesDisabled (deps: MemberDeps, actor: MemberActor, ids: string[], member: string, reason: 'role_changed' | 'member_removed'): Promise<void> {
  if (ids.length === 0) return
  await deps.schedules.unmirror(ids)
  await recordAuthEvent(deps.db, actor.meta, { kind: 'schedules_disabled', userId: actor.userId, tenantId: actor.tenantId, detail: { member, reason, schedules: ids } })
}

/** An invite into the actor's tenant, for a role they may hand out; the passkey is returned once. */
export async function inviteMember (db: Db, actor: MemberActor, body: InviteBody): Promise<InviteCreated> {
  const role: Role = body.role ?? 'member'
  if (!canAssignRole(actor.role, role)) throw new AppError(403, 'forbidden', `A ${actor.role} cannot invite a ${role}.`, { field: 'role' })
  const { invite, passkey } = await createInvite(db, {
    createdBy: actor.userId,
    tenantId: actor.tenantId,
    role,
    ...(body.email !== undefined && { email: body.email }),
    expiresInSeconds: body.expires_in_days === undefined ? DEFAULT_INVITE_SECONDS : body.expires_in_days * 86_400,
  }, actor.meta)
  return { id: invite.id, passkey, email: invite.email, role, expires_at: invite.expires_at.toISOString() }
}
