// Who may do what: the whole permission matrix in one place (deny by default). Routes
// name an action in `config.access`; job workflows check the same matrix against the
// user's role *at run time*, so a member demoted after enqueueing cannot act with the
// old rights. Staff-only actions are separate from tenant roles.
import type { Role } from './identity.table.ts'

export const ACTIONS = [
  'profile:read', 'profile:write',
  'work:read', 'work:write',
  'jobs:read', 'jobs:write', 'jobs:cancel',
  'reports:read', 'reports:write',
  'share:create',
  'schedules:read', 'schedules:write', 'schedules:manage',
  'members:read', 'members:manage',
  'invites:create',
  'audit:read',
  'gamification:read', 'gamification:admin',
  'billing:read', 'billing:buy',
] as const
export type Action = (typeof ACTIONS)[number]

/** Actions that only staff (is_staff) may take, whatever their tenant role. */
export const STAFF_ACTIONS = ['system:read', 'system:write'] as const
export type StaffAction = (typeof STAFF_ACTIONS)[number]

/**
 * Tenant actions staff may take in a tenant they are not a member of (issue 6: "staff or
 * tenant owner/admin"). Nothing else: being staff does not open a tenant's work logs.
 */
export const STAFF_IN_ANY_TENANT: ReadonlySet<Action> = new Set(['gamification:admin'])

const READ: Action[] = ['profile:read', 'work:read', 'jobs:read', 'reports:read', 'schedules:read', 'members:read', 'gamification:read', 'billing:read']
const WRITE: Action[] = ['profile:write', 'work:write', 'jobs:write', 'jobs:cancel', 'reports:write', 'share:create', 'schedules:write']
// schedules:manage: every schedule of the tenant, not just one's own — so a schedule
// left by someone who was removed or demoted is never out of its owners' sight.
const MANAGE: Action[] = ['members:manage', 'invites:create', 'audit:read', 'gamification:admin', 'schedules:manage']
// Spending the workspace's money (Checkout, the billing portal) is the owners' alone.
const OWN: Action[] = ['billing:buy']

export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  owner: new Set([...READ, ...WRITE, ...MANAGE, ...OWN]),
  admin: new Set([...READ, ...WRITE, ...MANAGE]),
  member: new Set([...READ, ...WRITE]),
  read_only: new Set([...READ, 'profile:write']),
}

export function isAction (name: string): name is Action {
  return (ACTIONS as readonly string[]).includes(name)
}

/** For a job type's `requires`, which the job platform keeps as a plain name. */
export function roleMayRun (role: Role, requires: string | undefined): boolean {
  return requires === undefined || (isAction(requires) && roleAllows(role, requires))
}

export function roleAllows (role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action)
}

/** Roles an actor may hand out: nobody grants more than they hold, and only owners make owners. */
export function canAssignRole (actor: Role, target: Role): boolean {
  if (actor === 'owner') return true
  if (actor === 'admin') return target !== 'owner'
  return false
}
