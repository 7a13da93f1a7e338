// The operator console's session (docs/console.md). The console is server-rendered, so a
// page request must carry its credentials by itself: a cookie, not a Bearer header.
//
//  - Signing in (staff only) starts an auth_session of client `console`, living
//    CONSOLE_SESSION_HOURS; logout, a password change or demotion ends it like any other.
//  - The cookie holds that session's id, signed with a key derived from SECRET_KEY. Session
//    ids appear in audit rows (which tenant owners read), so an unsigned id would be a
//    credential anyone with the audit log could replay; signed, only this server can mint one.
//  - It is HttpOnly, SameSite=Strict, Secure in production and scoped to /system/console/:
//    the browser never sends it to /api/ or to the Bearer-only /system/* JSON API, and
//    access control accepts it only on routes that ask for it (`credentials: 'console-cookie'`).
//  - Requests that change something must also come from our own origin and carry the
//    session's CSRF token (an HMAC of the session id), so neither a cross-site form nor a
//    script on another origin can act with it.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Db } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import type { Principal } from './access-control.ts'
import { recordAuthEvent, type RequestMeta } from './audit.ts'
import type { AuthService } from './auth.service.ts'

export const CONSOLE_COOKIE = 'afterresume_console'
/** Where the console lives, and the only path its cookie is sent to. */
export const CONSOLE_PATH = '/system/console/'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function consoleUnauthenticated (message = 'Sign in to the console.'): AppError {
  return new AppError(401, 'not_authenticated', message)
}

/** The principal a request's console cookie speaks for: the session live, the user active and still a member. */
export async function authenticateConsole (request: FastifyRequest, db: Db, now: Date): Promise<Principal> {
  const raw = request.cookies[CONSOLE_COOKIE]
  if (raw === undefined || raw === '') throw consoleUnauthenticated()
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || unsigned.value === null || !UUID.test(unsigned.value)) {
    await recordAuthEvent(db, requestMeta(request), { kind: 'token_rejected', outcome: 'denied', detail: { reason: 'console_cookie_signature', path: request.routeOptions.url ?? '' } })
    throw consoleUnauthenticated()
  }
  const row = await db.selectFrom('auth_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .leftJoin('tenant_membership as m', (join) => join.onRef('m.user_id', '=', 's.user_id').onRef('m.tenant_id', '=', 's.tenant_id'))
    .leftJoin('tenant as t', 't.id', 's.tenant_id')
    .select(['s.id', 's.client', 's.tenant_id', 's.revoked_at', 's.expires_at', 's.user_id', 'u.email', 'u.is_active', 'u.is_staff', 'm.role', 'm.is_active as membership_active', 't.is_active as tenant_active'])
    .where('s.id', '=', unsigned.value)
    .executeTakeFirst()
  if (row === undefined || row.client !== 'console' || row.revoked_at !== null || row.expires_at <= now || !row.is_active ||
      row.role === null || row.membership_active !== true || row.tenant_active !== true) {
    throw consoleUnauthenticated('The console session has ended. Sign in again.')
  }
  return { userId: row.user_id, email: row.email, tenantId: row.tenant_id, role: row.role, isStaff: row.is_staff, sessionId: row.id, asStaffOutsider: false }
}

/** The session's CSRF token: forms and fetches that change something send it back. */
export function csrfTokenFor (secretKey: string, sessionId: string): string {
  return createHmac('sha256', secretKey).update(`afterresume:console-csrf:${sessionId}`).digest('base64url')
}

export function csrfTokenMatches (secretKey: string, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false
  const expected = Buffer.from(csrfTokenFor(secretKey, sessionId))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** The origin a request was made from must be ours (or one named in CSRF_TRUSTED_ORIGINS). */
export function isOwnOrigin (request: FastifyRequest, trusted: readonly string[]): boolean {
  const origin = request.headers.origin
  if (typeof origin !== 'string') return false
  return origin === `${request.protocol}://${request.host}` || trusted.includes(origin)
}

const SIGN_IN_PATH = `${CONSOLE_PATH}login`

/** A console sign-in refused before or after the password check; the message is for the form. */
export class ConsoleSignInRefused extends AppError {
  constructor (status: number, code: string, message: string, headers?: Readonly<Record<string, string>>) {
    super(status, code, message, headers === undefined ? {} : { headers: { ...headers } })
    this.name = 'ConsoleSignInRefused'
  }
}

export interface ConsoleSignIn {
  email: string
  password: string
  /** The request's own checks: is it from our origin, and from an allowed address. */
  fromOwnOrigin: boolean
  addressAllowed: boolean
}

/**
 * Sign staff in to the console: the password checked as for the API (lockout, audit), a
 * session of client `console` started, its id returned for the cookie. A request from
 * another origin or a disallowed address is refused before the password is looked at; a
 * user who is not staff after it, with the session it opened ended at once. Every refusal
 * is audited.
 */
export async function signInToConsole (deps: { auth: AuthService; db: Db }, input: ConsoleSignIn, meta: RequestMeta): Promise<string> {
  const refuse = async (reason: string, message: string): Promise<never> => {
    await recordAuthEvent(deps.db, meta, { kind: 'permission_denied', outcome: 'denied', email: input.email, detail: { path: SIGN_IN_PATH, reason } })
    throw new ConsoleSignInRefused(403, reason, message)
  }
  // A sign-in form posted from another site would sign the browser into someone else's session.
  if (!input.fromOwnOrigin) await refuse('untrusted_origin', 'Sign in from the console\'s own page.')
  if (!input.addressAllowed) await refuse('ip_not_allowlisted', 'The console is not reachable from this address.')
  let session
  try {
    session = await deps.auth.login({ email: input.email, password: input.password, client: 'console' }, meta)
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error
    throw new ConsoleSignInRefused(error.status, error.code, error.message, error.headers)
  }
  if (!session.user.is_staff) {
    await deps.auth.logout({ sessionId: session.session_id }, meta)
    await recordAuthEvent(deps.db, meta, { kind: 'permission_denied', outcome: 'denied', userId: session.user.id, tenantId: session.user.tenant_id, email: session.user.email, detail: { path: SIGN_IN_PATH, reason: 'not_staff' } })
    throw new ConsoleSignInRefused(403, 'not_staff', 'This console is for staff only. Your account is not a staff account.')
  }
  return session.session_id
}
