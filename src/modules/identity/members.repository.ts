// SQL of tenant memberships. Every function takes the caller's executor; inside
// withTenant, row-level security keeps it to that tenant's memberships.
import type { Executor } from '../../platform/db/database.ts'
import type { Role } from './identity.table.ts'

/** A person's membership of the transaction's tenant, or undefined if they are not (or no longer) a member. */
export async function findMembership (executor: Executor, userId: string) {
  return executor.selectFrom('tenant_membership').select(['role', 'is_active']).where('user_id', '=', userId).executeTakeFirst()
}

/** The IANA zone of a person's profile; UTC when they have none. */
export async function profileTimeZone (executor: Executor, userId: string): Promise<string> {
  const profile = await executor.selectFrom('user_profile').select('time_zone').where('user_id', '=', userId).executeTakeFirst()
  return profile?.time_zone ?? 'UTC'
}

/** The transaction's tenant's members with their e-mail and display name, oldest first. */
export async function listMembers (executor: Executor) {
  return executor.selectFrom('tenant_membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .leftJoin('user_profile as p', 'p.user_id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'p.display_name', 'm.role', 'm.is_active', 'm.created_at'])
    .orderBy('m.created_at').execute()
}

/** The membership, locked until the transaction ends, so two changes to it run one after the other. */
export async function lockMembership (executor: Executor, userId: string) {
  return executor.selectFrom('tenant_membership').select(['role', 'is_active']).where('user_id', '=', userId).forUpdate().executeTakeFirst()
}

export async function countActiveOwners (executor: Executor, tenantId: string): Promise<number> {
  const row = await executor.selectFrom('tenant_membership').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).where('role', '=', 'owner').where('is_active', '=', true).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function setMemberRole (executor: Executor, userId: string, role: Role): Promise<void> {
  await executor.updateTable('tenant_membership').set({ role, updated_at: new Date() }).where('user_id', '=', userId).execute()
}

export async function deleteMembership (executor: Executor, userId: string): Promise<void> {
  await executor.deleteFrom('tenant_membership').where('user_id', '=', userId).execute()
}
