// auth_event rows (seed 001 "auditing"). Callers pass what happened and to whom; the
// request facts (IP, user agent, correlation id) travel in RequestMeta. Nothing secret
// is ever passed in: detail holds reasons and ids, never tokens or passwords.
import type { Executor } from '../../platform/db/database.ts'
import { toJson, type JsonObject } from '../../platform/db/json.ts'

import type { RequestMeta } from '../../platform/http/request-meta.ts'

export { NO_REQUEST, type RequestMeta } from '../../platform/http/request-meta.ts'

export type AuthEventKind =
  | 'signup' | 'login' | 'refresh' | 'refresh_reuse_detected' | 'logout' | 'password_change'
  | 'permission_denied' | 'invite_created' | 'invite_redeemed' | 'token_rejected' | 'service_token_rejected'
  | 'member_role_changed' | 'member_removed' | 'schedules_disabled' | 'admin_created' | 'rate_limited' | 'cross_tenant_access'
  | 'gamification_xp_granted' | 'gamification_badge_revoked' | 'metrics_denied'
  | 'billing_credits_granted' | 'billing_credits_adjusted' | 'billing_checkout_started' | 'billing_portal_opened'
  | 'git_import_requested' | 'github_connected' | 'github_disconnected' | 'staff_action'

export interface AuthEventInput {
  kind: AuthEventKind
  outcome?: 'success' | 'failure' | 'denied'
  userId?: string | null
  tenantId?: string | null
  email?: string | null
  detail?: JsonObject
}

export async function recordAuthEvent (executor: Executor, meta: RequestMeta, event: AuthEventInput): Promise<void> {
  await executor.insertInto('auth_event').values({
    kind: event.kind,
    outcome: event.outcome ?? 'success',
    user_id: event.userId ?? null,
    tenant_id: event.tenantId ?? null,
    email: event.email?.toLowerCase() ?? null,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
    correlation_id: meta.correlationId,
    detail: toJson(event.detail ?? {}),
  }).execute()
}
