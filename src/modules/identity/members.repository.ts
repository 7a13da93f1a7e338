// SQL of tenant memberships. Every function takes the caller's executor; inside
// withTenant, row-level security keeps it to that tenant's memberships.
import type { Executor } from '../../platform/db/database.ts'

/** A person's membership of the transaction's tenant, or undefined if they are not (or no longer) a member. */
export async function findMembership (executor: Executor, userId: string) {
  return executor.selectFrom('tenant_membership').select(['role', 'is_active']).where('user_id', '=', userId).executeTakeFirst()
}

/** The IANA zone of a person's profile; UTC when they have none. */
export async function profileTimeZone (executor: Executor, userId: string): Promise<string> {
  const profile = await executor.selectFrom('user_profile').select('time_zone').where('user_id', '=', userId).executeTakeFirst()
  return profile?.time_zone ?? 'UTC'
}
