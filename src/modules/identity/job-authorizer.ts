// The permission matrix again, at run time: a member demoted or removed after asking for
// a job does not get the work done with their old rights. Implements the platform's
// JobAuthorizer (src/platform/jobs/authorizer.ts).
import type { Db } from '../../platform/db/database.ts'
import type { JobAuthorizer } from '../../platform/jobs/authorizer.ts'
import { roleMayRun } from './permissions.ts'

export function membershipJobAuthorizer (db: Db): JobAuthorizer {
  return {
    async refusal ({ tenantId, userId, action }) {
      const membership = await db.selectFrom('tenant_membership as m')
        .innerJoin('app_user as u', 'u.id', 'm.user_id')
        .select(['m.role', 'm.is_active', 'u.is_active as user_active'])
        .where('m.tenant_id', '=', tenantId).where('m.user_id', '=', userId)
        .executeTakeFirst()
      if (membership !== undefined && membership.is_active && membership.user_active && roleMayRun(membership.role, action)) return undefined
      return `The user who asked for this job no longer has permission for ${action} in this workspace (role now: ${membership?.role ?? 'none'}).`
    },
  }
}
