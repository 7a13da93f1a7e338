// Row types of the identity tables (migrations/0002_identity.sql).
import type { ColumnType, Generated, Selectable } from 'kysely'
import type { JsonObject, JsonValue } from '../../platform/db/json.ts'

export const ROLES = ['owner', 'admin', 'member', 'read_only'] as const
export type Role = (typeof ROLES)[number]

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface TenantTable {
  id: Generated<string>
  name: string
  is_active: Generated<boolean>
  max_concurrent_jobs: Generated<number>
  max_jobs_per_day: Generated<number>
  llm_monthly_token_budget: Generated<number | null>
  /** migrations/0010_billing.sql: the Stripe customer and subscription plan. */
  stripe_customer_id: Generated<string | null>
  billing_plan: Generated<string | null>
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface AppUserTable {
  id: Generated<string>
  email: string
  password_hash: string
  is_staff: Generated<boolean>
  is_active: Generated<boolean>
  last_login_at: Timestamp | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface UserProfileTable {
  user_id: string
  display_name: Generated<string>
  headline: Generated<string>
  location: Generated<string>
  time_zone: Generated<string>
  summary: Generated<string>
  links: ColumnType<JsonValue[], string | undefined, string>
  updated_at: DefaultedTimestamp
}

export interface TenantMembershipTable {
  tenant_id: string
  user_id: string
  role: Role
  is_active: Generated<boolean>
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface AuthSessionTable {
  id: Generated<string>
  user_id: string
  tenant_id: string
  client: 'browser' | 'script' | 'console'
  created_at: DefaultedTimestamp
  last_used_at: DefaultedTimestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
  revoked_reason: string | null
  ip: string | null
  user_agent: string | null
}

export interface RefreshTokenTable {
  token_hash: string
  session_id: string
  issued_at: DefaultedTimestamp
  expires_at: Timestamp
  used_at: Timestamp | null
}

export interface InviteTable {
  id: Generated<string>
  passkey_hash: string
  email: string | null
  tenant_id: string | null
  role: Role | null
  created_by: string | null
  created_at: DefaultedTimestamp
  expires_at: Timestamp
  redeemed_at: Timestamp | null
  redeemed_by: string | null
}

export interface AuthEventTable {
  id: Generated<number>
  occurred_at: DefaultedTimestamp
  kind: string
  outcome: ColumnType<'success' | 'failure' | 'denied', 'success' | 'failure' | 'denied' | undefined, never>
  user_id: string | null
  tenant_id: string | null
  email: string | null
  ip: string | null
  user_agent: string | null
  correlation_id: string | null
  detail: ColumnType<JsonObject, string | undefined, never>
}

export interface RateLimitCounterTable {
  bucket: string
  window_start: Timestamp
  hits: Generated<number>
}

export interface IdentityTables {
  tenant: TenantTable
  app_user: AppUserTable
  user_profile: UserProfileTable
  tenant_membership: TenantMembershipTable
  auth_session: AuthSessionTable
  refresh_token: RefreshTokenTable
  invite: InviteTable
  auth_event: AuthEventTable
  rate_limit_counter: RateLimitCounterTable
}

export type Tenant = Selectable<TenantTable>
export type AppUser = Selectable<AppUserTable>
export type UserProfile = Selectable<UserProfileTable>
export type Membership = Selectable<TenantMembershipTable>
export type Invite = Selectable<InviteTable>
