// /api/auth/*: signup, login, refresh, script tokens, logout, me, password change.
// Browsers get the refresh token as an HttpOnly cookie scoped to /api/auth/ and keep the
// access token in memory; scripts use /api/auth/token/ and send the refresh token in
// the body. Cookie-authenticated POSTs (refresh, logout) must come from a trusted Origin.
import { Type } from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Db } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import { unauthorized } from './access-control.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { AccessOut, LoginBody, MeOut, PasswordBody, RefreshBody, SignupBody, TokenPairOut } from './auth.schemas.ts'
import type { AuthService, IssuedTokens } from './auth.service.ts'
import { redeemInvite } from './invite.service.ts'

export interface AuthRoutesDeps {
  config: Config
  db: Db
  auth: AuthService
}

const NoContent = { 204: Type.Null() }

/** Browsers POST refresh and logout with no body at all (the cookie carries the token). */
async function emptyBodyIsEmptyObject (request: FastifyRequest): Promise<void> {
  request.body ??= {}
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesDeps> = async (app, { config, db, auth }) => {
  const cookieName = config.auth.refreshCookieName
  const setRefreshCookie = (reply: FastifyReply, tokens: IssuedTokens): void => {
    void reply.setCookie(cookieName, tokens.refresh, {
      path: '/api/auth/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      maxAge: config.auth.refreshTokenTtlDays * 86_400,
    })
  }
  const clearRefreshCookie = (reply: FastifyReply): void => {
    void reply.clearCookie(cookieName, { path: '/api/auth/', httpOnly: true, sameSite: 'lax', secure: config.isProduction })
  }
  const assertTrustedOrigin = (request: FastifyRequest): void => {
    const origin = request.headers.origin
    if (origin === undefined) return
    const own = `${request.protocol}://${request.host}`
    if (origin !== own && !config.http.csrfTrustedOrigins.includes(origin)) {
      throw new AppError(403, 'untrusted_origin', `Cookie-authenticated requests from ${origin} are not allowed; add it to CSRF_TRUSTED_ORIGINS if it is your SPA.`)
    }
  }
  const pub = { public: true } as const
  const tags = ['auth']

  app.post('/api/auth/signup', {
    schema: { tags, summary: 'Create an account with an invite passkey', body: SignupBody, response: { 201: AccessOut } },
    config: pub,
  }, async (request, reply) => {
    if (config.flags.maintenanceMode) throw new AppError(503, 'maintenance', 'Sign-ups are paused during maintenance.')
    const tokens = await redeemInvite(db, auth, {
      email: request.body.email,
      password: request.body.password,
      passkey: request.body.passkey,
      ...(request.body.display_name !== undefined && { displayName: request.body.display_name }),
    }, requestMeta(request))
    setRefreshCookie(reply, tokens)
    return reply.status(201).send({ access: tokens.access, expires_in: tokens.expires_in, user: tokens.user })
  })

  app.post('/api/auth/login', {
    schema: { tags, summary: 'Sign in (browser): access token + refresh cookie', body: LoginBody, response: { 200: AccessOut } },
    config: pub,
  }, async (request, reply) => {
    const tokens = await auth.login({ ...request.body, client: 'browser' }, requestMeta(request))
    setRefreshCookie(reply, tokens)
    return { access: tokens.access, expires_in: tokens.expires_in, user: tokens.user }
  })

  app.post('/api/auth/token', {
    schema: { tags, summary: 'Sign in (scripts): access and refresh tokens in the body', body: LoginBody, response: { 200: TokenPairOut } },
    config: pub,
  }, async (request, reply) => {
    const tokens = await auth.login({ ...request.body, client: 'script' }, requestMeta(request))
    void reply.header('Cache-Control', 'no-store')
    return { access: tokens.access, refresh: tokens.refresh, expires_in: tokens.expires_in, user: tokens.user }
  })

  app.post('/api/auth/token/refresh', {
    schema: {
      tags,
      summary: 'New access token; the refresh token is rotated (cookie, or body for scripts)',
      body: RefreshBody,
      response: { 200: Type.Object({ access: Type.String(), expires_in: Type.Integer(), user: AccessOut.properties.user, refresh: Type.Optional(Type.String()) }) },
    },
    config: pub,
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => {
    void reply.header('Cache-Control', 'no-store')
    const fromBody = request.body.refresh
    const fromCookie = request.cookies[cookieName]
    if (fromBody === undefined && fromCookie === undefined) throw unauthorized('no_refresh_token', 'No refresh token: send the refresh cookie or {"refresh": "…"}.')
    if (fromBody === undefined) assertTrustedOrigin(request)
    try {
      const tokens = await auth.refresh(fromBody ?? fromCookie ?? '', requestMeta(request))
      if (fromBody !== undefined) return { access: tokens.access, expires_in: tokens.expires_in, user: tokens.user, refresh: tokens.refresh }
      setRefreshCookie(reply, tokens)
      return { access: tokens.access, expires_in: tokens.expires_in, user: tokens.user }
    } catch (error) {
      if (fromBody === undefined) clearRefreshCookie(reply)
      throw error
    }
  })

  app.post('/api/auth/logout', {
    schema: { tags, summary: 'End the session: refresh tokens and its access tokens stop working', body: RefreshBody, response: NoContent },
    config: pub,
    preValidation: emptyBodyIsEmptyObject,
  }, async (request, reply) => {
    const fromBody = request.body.refresh
    const fromCookie = request.cookies[cookieName]
    if (fromBody === undefined && fromCookie !== undefined) assertTrustedOrigin(request)
    let sessionId: string | undefined
    if (typeof request.headers.authorization === 'string') {
      // A valid access token names its session even when the cookie is gone.
      sessionId = await request.jwtVerify<{ sid: string }>().then((claims) => claims.sid, () => undefined)
    }
    const refreshToken = fromBody ?? fromCookie
    await auth.logout({ ...(refreshToken !== undefined && { refreshToken }), ...(sessionId !== undefined && { sessionId }) }, requestMeta(request))
    clearRefreshCookie(reply)
    return reply.status(204).send(null)
  })

  app.get('/api/auth/me', {
    schema: { tags, summary: 'The signed-in user, profile and memberships', response: { 200: MeOut } },
    config: { access: 'profile:read' },
  }, async (request) => {
    const principal = request.principal!
    const [profile, memberships] = await Promise.all([
      db.selectFrom('user_profile').selectAll().where('user_id', '=', principal.userId).executeTakeFirstOrThrow(),
      db.selectFrom('tenant_membership as m').innerJoin('tenant as t', 't.id', 'm.tenant_id')
        .select(['m.tenant_id', 't.name as tenant_name', 'm.role'])
        .where('m.user_id', '=', principal.userId).where('m.is_active', '=', true).orderBy('m.created_at').execute(),
    ])
    return {
      user: { id: principal.userId, email: principal.email, display_name: profile.display_name, is_staff: principal.isStaff, tenant_id: principal.tenantId, role: principal.role },
      profile: { display_name: profile.display_name, headline: profile.headline, location: profile.location, time_zone: profile.time_zone },
      memberships,
    }
  })

  app.post('/api/auth/password', {
    schema: { tags, summary: 'Change password; every other session ends', body: PasswordBody, response: NoContent },
    config: { access: 'profile:write' },
  }, async (request, reply) => {
    const principal = request.principal!
    await auth.changePassword({ userId: principal.userId, sessionId: principal.sessionId, currentPassword: request.body.current_password, newPassword: request.body.new_password }, requestMeta(request))
    return reply.status(204).send(null)
  })
}
