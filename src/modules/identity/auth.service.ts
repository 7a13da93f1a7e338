// Sign-in, sessions and tokens (seed 000 "User Authentication (JWT)", RFC 9700).
//
// A session is one sign-in. It owns a family of refresh tokens: opaque 256-bit random
// strings stored only as SHA-256 hashes, each usable once. Using one marks it used and
// issues its successor; presenting a used one again means it was stolen (or replayed),
// so the whole session is revoked and the event audited. Access tokens are short JWTs
// naming the session (sid); the session is checked on every request, which is what lets
// logout and password changes end access tokens at once.
//
// Everything here runs on the platform pool: sign-in happens before a tenant is chosen.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { systemClock, type Clock } from '../../platform/clock.ts'
import { clearCounter, hitCounter } from '../../platform/db/counters.ts'
import type { Db, Executor } from '../../platform/db/database.ts'
import { AppError, ValidationError } from '../../platform/errors.ts'
import { recordAuthEvent, type RequestMeta } from './audit.ts'
import type { AppUser, Role } from './identity.table.ts'
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts'

export interface AccessClaims { sub: string; tid: string; sid: string; typ: 'access'; jti: string }

export interface AccessTokenSigner {
  sign(claims: AccessClaims): string
}

export interface AuthSettings {
  accessTokenTtlSeconds: number
  refreshTokenTtlDays: number
  /** A console sign-in's lifetime (console-session.ts); other sessions live refreshTokenTtlDays. */
  consoleSessionHours?: number
}

/** Who signs in: the SPA (refresh cookie), a script (tokens in the body), the operator console (its own cookie). */
export type SessionClient = 'browser' | 'script' | 'console'

export interface PublicUser {
  id: string
  email: string
  display_name: string
  is_staff: boolean
  tenant_id: string
  role: Role
}

export interface IssuedTokens {
  access: string
  refresh: string
  expires_in: number
  session_id: string
  user: PublicUser
}

/**
 * Password checks allowed per window: per e-mail for sign-in (known or not, so the limit
 * reveals nothing) and per user for the current password of a password change (a stolen
 * access token must not buy unlimited guesses).
 */
const PASSWORD_CHECKS_ALLOWED = 5
const PASSWORD_CHECK_WINDOW_SECONDS = 15 * 60
/** A refresh token used again within this many seconds is a racing tab, not a thief. */
const REFRESH_RACE_GRACE_SECONDS = 2

export class AuthError extends AppError {
  constructor (code: string, message: string, status = 401, headers?: Record<string, string>) {
    super(status, code, message, headers === undefined ? {} : { headers })
    this.name = 'AuthError'
  }
}

function tooManyAttempts (message: string, resetAt: Date, now: Date): AuthError {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000))
  return new AuthError('too_many_attempts', message, 429, { 'Retry-After': String(retryAfter) })
}

export function hashToken (token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newSecretToken (bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function normalizeEmail (email: string): string {
  return email.trim().toLowerCase()
}

export class AuthService {
  readonly #db: Db
  readonly #signer: AccessTokenSigner
  readonly #settings: AuthSettings
  /** Lockout windows, the refresh race grace, token and session expiry. */
  readonly #clock: Clock

  constructor (db: Db, signer: AccessTokenSigner, settings: AuthSettings, clock: Clock = systemClock) {
    this.#db = db
    this.#signer = signer
    this.#settings = settings
    this.#clock = clock
  }

  async login (input: { email: string; password: string; client: SessionClient }, meta: RequestMeta): Promise<IssuedTokens> {
    const email = normalizeEmail(input.email)
    const bucket = `login-failures:${email}`
    const lockout = await this.#countPasswordCheck(bucket)
    if (lockout !== undefined) {
      await recordAuthEvent(this.#db, meta, { kind: 'login', outcome: 'denied', email, detail: { reason: 'too_many_failures' } })
      throw tooManyAttempts('Too many failed sign-in attempts for this e-mail. Try again later.', lockout, this.#clock.now())
    }
    const user = await this.#db.selectFrom('app_user').selectAll().where(sql`lower(email)`, '=', email).executeTakeFirst()
    const passwordOk = await verifyPassword(user?.password_hash, input.password)
    if (user === undefined || !passwordOk || !user.is_active) {
      await recordAuthEvent(this.#db, meta, { kind: 'login', outcome: 'failure', email, userId: user?.id ?? null, detail: { reason: user === undefined ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'inactive' } })
      throw new AuthError('invalid_credentials', 'E-mail or password is incorrect.')
    }
    const membership = await this.#defaultMembership(user.id)
    if (membership === undefined) {
      await recordAuthEvent(this.#db, meta, { kind: 'login', outcome: 'failure', email, userId: user.id, detail: { reason: 'no_active_tenant' } })
      throw new AuthError('invalid_credentials', 'E-mail or password is incorrect.')
    }
    await clearCounter(this.#db, bucket)
    await this.#db.updateTable('app_user').set({ last_login_at: this.#clock.now() }).where('id', '=', user.id).execute()
    const issued = await this.#db.transaction().execute((trx) => this.#startSession(trx, user, membership.tenant_id, membership.role, input.client, meta))
    await recordAuthEvent(this.#db, meta, { kind: 'login', userId: user.id, tenantId: membership.tenant_id, email, detail: { client: input.client, session_id: issued.session_id } })
    return issued
  }

  /** Rotate: the presented refresh token is spent and a new one issued in its session. */
  async refresh (refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    const tokenHash = hashToken(refreshToken)
    const outcome = await this.#db.transaction().execute(async (trx) => {
      // FOR UPDATE: two requests with one token queue here; the second sees it used.
      const row = await trx.selectFrom('refresh_token as rt')
        .innerJoin('auth_session as s', 's.id', 'rt.session_id')
        .select(['rt.token_hash', 'rt.used_at', 'rt.expires_at', 's.id as session_id', 's.user_id', 's.tenant_id', 's.client', 's.revoked_at', 's.expires_at as session_expires_at'])
        .where('rt.token_hash', '=', tokenHash)
        .forUpdate('rt')
        .executeTakeFirst()
      if (row === undefined) return { kind: 'unknown' as const }
      const now = this.#clock.now()
      if (row.revoked_at !== null || row.session_expires_at <= now || row.expires_at <= now) return { kind: 'ended' as const, row }
      if (row.used_at !== null) {
        if (now.getTime() - row.used_at.getTime() <= REFRESH_RACE_GRACE_SECONDS * 1000) return { kind: 'race' as const, row }
        await this.#revokeSession(trx, row.session_id, 'refresh_token_reuse')
        return { kind: 'reuse' as const, row }
      }
      const user = await trx.selectFrom('app_user').selectAll().where('id', '=', row.user_id).executeTakeFirstOrThrow()
      const membership = await trx.selectFrom('tenant_membership').select(['role', 'is_active'])
        .where('tenant_id', '=', row.tenant_id).where('user_id', '=', row.user_id).executeTakeFirst()
      if (!user.is_active || membership === undefined || !membership.is_active) {
        await this.#revokeSession(trx, row.session_id, 'account_or_membership_inactive')
        return { kind: 'ended' as const, row }
      }
      await trx.updateTable('refresh_token').set({ used_at: now }).where('token_hash', '=', tokenHash).execute()
      await trx.updateTable('auth_session').set({ last_used_at: now }).where('id', '=', row.session_id).execute()
      const tokens = await this.#issue(trx, user, row.session_id, row.tenant_id, membership.role)
      return { kind: 'ok' as const, row, tokens }
    })
    switch (outcome.kind) {
      case 'ok':
        await recordAuthEvent(this.#db, meta, { kind: 'refresh', userId: outcome.row.user_id, tenantId: outcome.row.tenant_id, detail: { session_id: outcome.row.session_id } })
        return outcome.tokens
      case 'reuse':
        await recordAuthEvent(this.#db, meta, { kind: 'refresh_reuse_detected', outcome: 'denied', userId: outcome.row.user_id, tenantId: outcome.row.tenant_id, detail: { session_id: outcome.row.session_id, action: 'session revoked' } })
        throw new AuthError('refresh_token_reused', 'This refresh token was already used; the session has been ended for safety. Sign in again.')
      case 'race':
        throw new AuthError('refresh_token_used', 'This refresh token has just been used by another request.')
      case 'ended':
        await recordAuthEvent(this.#db, meta, { kind: 'refresh', outcome: 'failure', userId: outcome.row.user_id, detail: { reason: 'session_ended', session_id: outcome.row.session_id } })
        throw new AuthError('session_ended', 'The session has ended. Sign in again.')
      case 'unknown':
        await recordAuthEvent(this.#db, meta, { kind: 'refresh', outcome: 'failure', detail: { reason: 'unknown_token' } })
        throw new AuthError('invalid_refresh_token', 'The refresh token is not valid.')
    }
  }

  /** End a session: by its refresh token (cookie or body) or by the access token's session id. */
  async logout (by: { refreshToken?: string; sessionId?: string }, meta: RequestMeta): Promise<void> {
    let sessionId = by.sessionId
    if (sessionId === undefined && by.refreshToken !== undefined) {
      const row = await this.#db.selectFrom('refresh_token').select('session_id').where('token_hash', '=', hashToken(by.refreshToken)).executeTakeFirst()
      sessionId = row?.session_id
    }
    if (sessionId === undefined) return
    const session = await this.#db.selectFrom('auth_session').select(['user_id', 'tenant_id']).where('id', '=', sessionId).executeTakeFirst()
    await this.#revokeSession(this.#db, sessionId, 'logout')
    await recordAuthEvent(this.#db, meta, { kind: 'logout', userId: session?.user_id ?? null, tenantId: session?.tenant_id ?? null, detail: { session_id: sessionId } })
  }

  /** Change a password; every other session of the user ends. */
  async changePassword (input: { userId: string; sessionId: string; currentPassword: string; newPassword: string }, meta: RequestMeta): Promise<void> {
    const bucket = `password-checks:${input.userId}`
    const lockout = await this.#countPasswordCheck(bucket)
    if (lockout !== undefined) {
      await recordAuthEvent(this.#db, meta, { kind: 'password_change', outcome: 'denied', userId: input.userId, detail: { reason: 'too_many_failures' } })
      throw tooManyAttempts('Too many wrong current passwords. Try again later.', lockout, this.#clock.now())
    }
    const user = await this.#db.selectFrom('app_user').selectAll().where('id', '=', input.userId).executeTakeFirstOrThrow()
    if (!await verifyPassword(user.password_hash, input.currentPassword)) {
      await recordAuthEvent(this.#db, meta, { kind: 'password_change', outcome: 'failure', userId: user.id, detail: { reason: 'wrong_current_password' } })
      throw new ValidationError('The current password is incorrect.', 'current_password')
    }
    await clearCounter(this.#db, bucket)
    assertPasswordPolicy(input.newPassword, { email: user.email, field: 'new_password' })
    const passwordHash = await hashPassword(input.newPassword)
    await this.#db.transaction().execute(async (trx) => {
      await trx.updateTable('app_user').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', user.id).execute()
      await trx.updateTable('auth_session').set({ revoked_at: this.#clock.now(), revoked_reason: 'password_changed' })
        .where('user_id', '=', user.id).where('id', '!=', input.sessionId).where('revoked_at', 'is', null).execute()
    })
    await recordAuthEvent(this.#db, meta, { kind: 'password_change', userId: user.id, detail: { other_sessions: 'revoked' } })
  }

  /**
   * Count a password check BEFORE it is made: one atomic upsert, so of any number of
   * parallel attempts at most PASSWORD_CHECKS_ALLOWED see a count within the allowance
   * and reach the (slow) hash comparison. Counting after the check let every attempt in
   * flight read the same old count. A correct password clears the bucket, which also
   * gives back the attempt's own count. Returns the window end when the check is refused.
   */
  async #countPasswordCheck (bucket: string): Promise<Date | undefined> {
    const count = await hitCounter(this.#db, bucket, PASSWORD_CHECK_WINDOW_SECONDS, this.#clock.now())
    return count.hits > PASSWORD_CHECKS_ALLOWED ? count.resetAt : undefined
  }

  startSession (trx: Executor, user: AppUser, tenantId: string, role: Role, client: SessionClient, meta: RequestMeta): Promise<IssuedTokens> {
    return this.#startSession(trx, user, tenantId, role, client, meta)
  }

  async #startSession (trx: Executor, user: AppUser, tenantId: string, role: Role, client: SessionClient, meta: RequestMeta): Promise<IssuedTokens> {
    const lifetimeMs = client === 'console' ? (this.#settings.consoleSessionHours ?? 12) * 3_600_000 : this.#settings.refreshTokenTtlDays * 86_400_000
    const session = await trx.insertInto('auth_session').values({
      user_id: user.id,
      tenant_id: tenantId,
      client,
      expires_at: new Date(this.#clock.now().getTime() + lifetimeMs),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    }).returning('id').executeTakeFirstOrThrow()
    return this.#issue(trx, user, session.id, tenantId, role)
  }

  async #issue (trx: Executor, user: AppUser, sessionId: string, tenantId: string, role: Role): Promise<IssuedTokens> {
    const refresh = newSecretToken()
    await trx.insertInto('refresh_token').values({
      token_hash: hashToken(refresh),
      session_id: sessionId,
      expires_at: new Date(this.#clock.now().getTime() + this.#settings.refreshTokenTtlDays * 86_400_000),
    }).execute()
    const profile = await trx.selectFrom('user_profile').select('display_name').where('user_id', '=', user.id).executeTakeFirst()
    return {
      access: this.#signer.sign({ sub: user.id, tid: tenantId, sid: sessionId, typ: 'access', jti: randomUUID() }),
      refresh,
      expires_in: this.#settings.accessTokenTtlSeconds,
      session_id: sessionId,
      user: { id: user.id, email: user.email, display_name: profile?.display_name ?? '', is_staff: user.is_staff, tenant_id: tenantId, role },
    }
  }

  async #revokeSession (executor: Executor, sessionId: string, reason: string): Promise<void> {
    await executor.updateTable('auth_session').set({ revoked_at: this.#clock.now(), revoked_reason: reason })
      .where('id', '=', sessionId).where('revoked_at', 'is', null).execute()
  }

  async #defaultMembership (userId: string): Promise<{ tenant_id: string; role: Role } | undefined> {
    // Own tenant first (owner), then the oldest other membership.
    return this.#db.selectFrom('tenant_membership as m')
      .innerJoin('tenant as t', 't.id', 'm.tenant_id')
      .select(['m.tenant_id', 'm.role'])
      .where('m.user_id', '=', userId).where('m.is_active', '=', true).where('t.is_active', '=', true)
      .orderBy(sql`m.role = 'owner'`, 'desc').orderBy('m.created_at')
      .executeTakeFirst()
  }
}
