// Access control for every route, in one place:
//  1. every route has exactly one rule: `config.public: true` or `config.access: <action>`
//     (checked when routes are added, so a forgotten rule fails at start-up, not in prod);
//  2. X-Service-Token on /api/* except the public prefixes (the SPA proxy signs its calls);
//  3. a Bearer access token (algorithm, issuer, audience, expiry pinned) whose session is
//     still live, whose user is active and whose membership in the chosen tenant is active;
//  4. the permission matrix for the route's action, with denials audited;
//  5. the admin flags: MAINTENANCE_MODE and ADMIN_IP_ALLOWLIST.
// Routes of the operator console take the console's session cookie instead of a Bearer
// token (`config.credentials: 'console-cookie'`, console-session.ts); the same checks
// 3–5 apply, and a request that changes something must come from our own origin.
import { createHmac } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifyJwt from '@fastify/jwt'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import { systemClock, type Clock } from '../../platform/clock.ts'
import type { Db } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import { recordAuthEvent } from './audit.ts'
import type { AccessClaims, AccessTokenSigner } from './auth.service.ts'
import type { Role } from './identity.table.ts'
import { roleAllows, STAFF_ACTIONS, STAFF_IN_ANY_TENANT, type Action, type StaffAction } from './permissions.ts'
import { checkServiceToken } from './service-token.ts'
import { authenticateConsole, isOwnOrigin } from './console-session.ts'
import type { App } from '../../platform/http/app-instance.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { routePath } from '../../platform/http/route-path.ts'

export interface Principal {
  userId: string
  email: string
  tenantId: string
  role: Role
  isStaff: boolean
  sessionId: string
  /** Staff acting in a tenant they do not belong to: only STAFF_IN_ANY_TENANT actions. */
  asStaffOutsider: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The action this route performs (permissions.ts); required unless `public`. */
    access?: Action | StaffAction
    /** Where the credentials come from: a Bearer access token (the default) or the console cookie. */
    credentials?: 'bearer' | 'console-cookie'
  }
  interface FastifyRequest {
    /** Set on every route with an `access` rule; null on public routes. */
    principal: Principal | null
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims
    user: AccessClaims
  }
}

export const TOKEN_ISSUER = 'afterresume'
export const TOKEN_AUDIENCE = 'afterresume-api'
export const TENANT_HEADER = 'x-tenant-id'
/**
 * Reachable without X-Service-Token (seed 000), plus the API's own documentation and
 * Stripe's webhook (Stripe cannot sign our way; its own signature is checked instead).
 */
const SERVICE_TOKEN_EXEMPT = ['/api/auth/', '/api/healthz', '/api/readyz', '/api/share/', '/api/docs', '/api/openapi.json', '/api/billing/webhook']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A purpose-bound key, so the JWT key and others never share material directly. */
export function derivedKey (secretKey: string, purpose: string): string {
  return createHmac('sha256', secretKey).update(`afterresume:${purpose}`).digest('hex')
}

export function unauthorized (code: string, message: string): AppError {
  return new AppError(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer realm="afterresume"' } })
}

/**
 * `clock` dates the service-token window and session expiry. Access-token expiry is the
 * JWT library's, on the system time that also stamped the token.
 */
export async function installAccessControl (app: App, deps: { config: Config; db: Db; clock?: Clock }): Promise<AccessTokenSigner> {
  const { config, db } = deps
  const clock = deps.clock ?? systemClock
  // The secret signs the console's session cookie (console-session.ts); other cookies are unsigned.
  await app.register(fastifyCookie, { secret: derivedKey(config.secretKey, 'cookie-signing') })
  await app.register(fastifyJwt, {
    secret: derivedKey(config.secretKey, 'jwt-access'),
    sign: { algorithm: 'HS256', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, expiresIn: `${config.auth.accessTokenTtlSeconds}s` },
    verify: { algorithms: ['HS256'], allowedIss: TOKEN_ISSUER, allowedAud: TOKEN_AUDIENCE, requiredClaims: ['iss', 'aud', 'exp', 'sub', 'jti', 'sid', 'tid'] },
  })
  app.decorateRequest('principal', null)

  app.addHook('onRoute', (route) => {
    const rule = route.config as { public?: boolean; access?: string } | undefined
    if (rule?.public !== true && rule?.access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} has no access rule: set config.access to an action from permissions.ts, or config.public: true.`)
    }
    if (rule.public === true && rule.access !== undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} is both public and guarded (${rule.access}): choose one.`)
    }
  })

  app.addHook('onRequest', async (request) => {
    // The route that will run, not the raw target (route-path.ts: absolute-form targets).
    const path = routePath(request)
    if (path.startsWith('/api/') && !config.auth.skipServiceAuth && !SERVICE_TOKEN_EXEMPT.some((prefix) => path.startsWith(prefix))) {
      const header = request.headers['x-service-token']
      const verdict = checkServiceToken(typeof header === 'string' ? header : undefined, config.auth.serviceSecret, Math.floor(clock.now().getTime() / 1000))
      if (verdict !== 'ok') {
        await recordAuthEvent(db, requestMeta(request), { kind: 'service_token_rejected', outcome: 'denied', detail: { reason: verdict, path } })
        throw new AppError(401, 'invalid_service_token', serviceTokenMessage(verdict))
      }
    }
    const rule = request.routeOptions.config
    // Public routes have no action (onRoute above allows one rule or the other, never both).
    if (rule.access === undefined) return
    const fromCookie = rule.credentials === 'console-cookie'
    const principal = fromCookie ? await authenticateConsole(request, db, clock.now()) : await authenticate(request, db, clock.now(), { path, action: rule.access })
    request.principal = principal
    await authorize(request, principal, rule.access, path, deps)
    // A cookie is sent by the browser whoever made the page that asks: only our own pages
    // may change anything with it (the CSRF token is checked once the body is read).
    if (fromCookie && request.method !== 'GET' && request.method !== 'HEAD' && !isOwnOrigin(request, config.http.csrfTrustedOrigins)) {
      await recordAuthEvent(db, requestMeta(request), { kind: 'permission_denied', outcome: 'denied', userId: principal.userId, detail: { reason: 'untrusted_origin', origin: request.headers.origin ?? null, path } })
      throw new AppError(403, 'untrusted_origin', 'Console actions must come from the console\'s own pages (the Origin header did not match).', { field: 'headers.origin' })
    }
  })

  return { sign: (claims) => app.jwt.sign(claims) }
}

function serviceTokenMessage (verdict: string): string {
  switch (verdict) {
    case 'missing': return 'X-Service-Token is required: "<unix-seconds>:<hex HMAC-SHA256(secret, unix-seconds)>".'
    case 'expired': return 'X-Service-Token is older than 300 seconds.'
    case 'future': return 'X-Service-Token is dated more than 300 seconds ahead.'
    case 'malformed': return 'X-Service-Token must look like "<unix-seconds>:<64 hex digits>".'
    default: return 'X-Service-Token signature is not valid.'
  }
}

// The rate limiter reads the token's subject before access control checks the session;
// one signature check per request serves both.
const verified = new WeakMap<FastifyRequest, Promise<AccessClaims>>()
function verifiedClaims (request: FastifyRequest): Promise<AccessClaims> {
  let claims = verified.get(request)
  if (claims === undefined) {
    claims = request.jwtVerify<AccessClaims>()
    verified.set(request, claims)
  }
  return claims
}

/**
 * The user a request's access token names, if its signature, issuer, audience and expiry
 * hold — no database, no audit. Whether the session is still live is authenticate()'s
 * question; this is for counting (rate limits) before that work is done.
 */
export async function bearerSubject (request: FastifyRequest): Promise<string | undefined> {
  // The rate limiter asks on every request: one without a Bearer token is answered here,
  // without jwtVerify building an error for it (a mutant dropping this test is equivalent).
  if (!isBearer(request.headers.authorization)) return undefined
  const claims = await verifiedClaims(request).catch(() => undefined)
  return claims?.typ === 'access' && UUID.test(claims.sub) ? claims.sub : undefined
}

function isBearer (header: string | undefined): boolean {
  return typeof header === 'string' && /^Bearer\s+\S+$/i.test(header)
}

async function authenticate (request: FastifyRequest, db: Db, now: Date, route: { path: string; action: Action | StaffAction }): Promise<Principal> {
  const { path, action } = route
  if (!isBearer(request.headers.authorization)) {
    throw unauthorized('not_authenticated', 'Send an access token: Authorization: Bearer <access>.')
  }
  let claims: AccessClaims
  try {
    claims = await verifiedClaims(request)
  } catch (error) {
    await recordAuthEvent(db, requestMeta(request), { kind: 'token_rejected', outcome: 'denied', detail: { reason: rejectionReason(error) } })
    throw unauthorized('invalid_token', 'The access token is invalid or has expired.')
  }
  if (claims.typ !== 'access' || !UUID.test(claims.sid) || !UUID.test(claims.sub) || !UUID.test(claims.tid)) {
    throw unauthorized('invalid_token', 'The access token is invalid or has expired.')
  }
  const wanted = request.headers[TENANT_HEADER]
  const tenantId = typeof wanted === 'string' && wanted !== '' ? wanted : claims.tid
  if (!UUID.test(tenantId)) throw new AppError(400, 'validation_failed', 'X-Tenant-ID must be a tenant id (UUID).', { field: 'headers.x-tenant-id' })
  // One query: the session is live, the user active, the membership active — checked on
  // every request so logout, deactivation and demotion take effect at once.
  const row = await db.selectFrom('auth_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .leftJoin('tenant_membership as m', (join) => join.onRef('m.user_id', '=', 's.user_id').on('m.tenant_id', '=', tenantId))
    .leftJoin('tenant as t', 't.id', 'm.tenant_id')
    .select(['s.revoked_at', 's.expires_at', 's.user_id', 'u.email', 'u.is_active', 'u.is_staff', 'm.role', 'm.is_active as membership_active', 't.is_active as tenant_active'])
    .where('s.id', '=', claims.sid).where('s.user_id', '=', claims.sub)
    .executeTakeFirst()
  if (row === undefined || row.revoked_at !== null || row.expires_at <= now || !row.is_active) {
    throw unauthorized('session_ended', 'The session has ended. Sign in again.')
  }
  if (row.role === null || row.membership_active !== true || row.tenant_active !== true) {
    if (row.is_staff && row.role === null && STAFF_IN_ANY_TENANT.has(action as Action) && await tenantExists(db, tenantId)) {
      await recordAuthEvent(db, requestMeta(request), { kind: 'cross_tenant_access', outcome: 'success', userId: row.user_id, tenantId, detail: { as: 'staff', action, path } })
      return { userId: row.user_id, email: row.email, tenantId, role: 'read_only', isStaff: true, sessionId: claims.sid, asStaffOutsider: true }
    }
    // A refused knock is recorded where it concerns someone: in the caller's own tenant
    // (the token's), naming the tenant asked for. Written into the target tenant, any user
    // could fill a stranger's audit log by sending its id. Staff are the exception: what
    // staff try in a tenant, allowed or not, is that tenant's business.
    await recordAuthEvent(db, requestMeta(request), {
      kind: 'cross_tenant_access',
      outcome: 'denied',
      userId: row.user_id,
      tenantId: row.is_staff ? tenantId : claims.tid,
      detail: { path, requested_tenant: tenantId },
    })
    throw new AppError(403, 'not_a_member', 'You are not a member of that tenant.', { field: 'headers.x-tenant-id' })
  }
  return { userId: row.user_id, email: row.email, tenantId, role: row.role, isStaff: row.is_staff, sessionId: claims.sid, asStaffOutsider: false }
}

/** What token_rejected records: @fastify/jwt's error code (every error it throws has one). */
export function rejectionReason (error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'invalid'
}

async function tenantExists (db: Db, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('tenant').select('id').where('id', '=', tenantId).where('is_active', '=', true).executeTakeFirst()) !== undefined
}

async function authorize (request: FastifyRequest, principal: Principal, action: Action | StaffAction, path: string, deps: { config: Config; db: Db }): Promise<void> {
  const staffOnly = (STAFF_ACTIONS as readonly string[]).includes(action)
  const allowed = staffOnly
    ? principal.isStaff
    : principal.asStaffOutsider ? STAFF_IN_ANY_TENANT.has(action as Action) : roleAllows(principal.role, action as Action)
  if (!allowed) {
    await recordAuthEvent(deps.db, requestMeta(request), { kind: 'permission_denied', outcome: 'denied', userId: principal.userId, tenantId: principal.tenantId, detail: { action, role: principal.role, path } })
    throw new AppError(403, 'forbidden', `Your role (${principal.role}) does not allow ${action}.`)
  }
  if ((staffOnly || principal.asStaffOutsider) && deps.config.flags.adminIpAllowlist.length > 0 && !deps.config.flags.adminIpAllowlist.includes(request.ip)) {
    await recordAuthEvent(deps.db, requestMeta(request), { kind: 'permission_denied', outcome: 'denied', userId: principal.userId, detail: { action, reason: 'ip_not_allowlisted' } })
    throw new AppError(403, 'forbidden', 'Staff routes are not reachable from this address.')
  }
  if (deps.config.flags.maintenanceMode && request.method !== 'GET' && request.method !== 'HEAD' && !principal.isStaff) {
    throw new AppError(503, 'maintenance', 'AfterResume is in maintenance mode; changes are paused. Please try again shortly.', { headers: { 'Retry-After': '300' } })
  }
}
