// Accounts: a user, their profile, and a tenant membership — either the tenant they are
// invited into, or a new tenant of their own which they own (seed 001: one tenant per
// user at signup, several members per tenant supported).
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { ConflictError } from '../../platform/errors.ts'
import { normalizeEmail } from './auth.service.ts'
import type { AppUser, Role } from './identity.table.ts'
import { assertPasswordPolicy, hashPassword } from './passwords.ts'

export interface NewAccount {
  email: string
  password: string
  displayName?: string
  isStaff?: boolean
  tenantId?: string
  role?: Role
}

export async function createAccount (trx: Executor, input: NewAccount): Promise<{ user: AppUser; tenantId: string; role: Role }> {
  const email = normalizeEmail(input.email)
  assertPasswordPolicy(input.password, { email })
  const passwordHash = await hashPassword(input.password)
  const user = await trx.insertInto('app_user')
    .values({ email, password_hash: passwordHash, is_staff: input.isStaff ?? false })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll().executeTakeFirst()
  if (user === undefined) throw new ConflictError('An account with this e-mail already exists.', 'email')
  const displayName = input.displayName?.trim() || email.split('@')[0] || email
  await trx.insertInto('user_profile').values({ user_id: user.id, display_name: displayName }).execute()
  let tenantId = input.tenantId
  let role: Role = input.role ?? 'owner'
  if (tenantId === undefined) {
    const tenant = await trx.insertInto('tenant').values({ name: `${displayName}'s workspace` }).returning('id').executeTakeFirstOrThrow()
    tenantId = tenant.id
    role = 'owner'
  }
  await trx.insertInto('tenant_membership').values({ tenant_id: tenantId, user_id: user.id, role }).execute()
  return { user, tenantId, role }
}
