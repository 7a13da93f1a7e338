// Rate limits, counted in PostgreSQL (counters.ts, fixed windows) so they hold however
// many API instances run: a limit kept in process memory would give every replica its
// own allowance. The numbers are settings (RATE_LIMIT_* in config.ts).
//
// Whom a request counts against:
//  - every /api/* request counts against one general allowance: a signed-in user's own
//    (RATE_LIMIT_PER_USER_PER_MINUTE, from whatever addresses), or, with no valid access
//    token, its client address's (RATE_LIMIT_PER_MINUTE). So an office behind one NAT
//    address is as many clients as it has users, while one token spread over many
//    addresses is still one client. The user is read from the access token's signature
//    alone (no database), so floods are refused before access control looks anything up;
//    a token whose session has ended counts against its user and is then refused there.
//  - some routes also count against a stricter group, per client address: sign-in,
//    signup, refresh and invites (by path, below) and any route with `config.rateLimit`.
//    These guard against guessing and farming, which is done from addresses.
// Over a limit the request ends with 429 problem+json and Retry-After before access
// control or the handler runs.
import { isIPv6 } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RateLimitSettings } from '../../config.ts'
import type { Clock } from '../clock.ts'
import { hitCounter, type WindowCount } from '../db/counters.ts'
import type { Db } from '../db/database.ts'
import type { JsonObject } from '../db/json.ts'
import { AppError } from '../errors.ts'
import type { App } from './app-instance.ts'
import { routePath } from './route-path.ts'

export interface RateLimit {
  /** Names the counter; routes with the same group share one allowance per client. */
  group: string
  max: number
  windowSeconds: number
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A stricter limit for this route, per client address, on top of the general one. */
    rateLimit?: RateLimit
  }
}

export interface RateLimitRules {
  /** What one client address may send to /api/* in total without a valid access token. */
  perAddress: RateLimit
  /** What one signed-in user may send to /api/* in total, from any address. */
  perUser: RateLimit
  /** Stricter groups matched by method and route path. */
  paths: ReadonlyArray<{ method: string; path: string; limit: RateLimit }>
}

export function rateLimitRules (settings: RateLimitSettings): RateLimitRules {
  // Password guessing, account farming and refresh-token grinding are what attackers do
  // with these routes, so they get far smaller allowances. Login and the script token
  // endpoint share a group, so alternating between them buys no extra guesses.
  const signIn: RateLimit = { group: 'sign-in', max: settings.signInPerMinute, windowSeconds: 60 }
  return {
    perAddress: { group: 'api', max: settings.perMinute, windowSeconds: 60 },
    perUser: { group: 'user', max: settings.perUserPerMinute, windowSeconds: 60 },
    paths: [
      { method: 'POST', path: '/api/auth/login', limit: signIn },
      { method: 'POST', path: '/api/auth/token', limit: signIn },
      { method: 'POST', path: '/api/auth/signup', limit: { group: 'signup', max: settings.signupPerMinute, windowSeconds: 60 } },
      { method: 'POST', path: '/api/auth/token/refresh', limit: { group: 'refresh', max: settings.refreshPerMinute, windowSeconds: 60 } },
      { method: 'POST', path: '/api/invites', limit: { group: 'invites', max: settings.invitesPerHour, windowSeconds: 3600 } },
    ],
  }
}

// Load balancers and orchestrators poll these from one address, and liveness must not
// depend on a database write succeeding.
const UNLIMITED_PATHS = new Set(['/api/healthz', '/api/readyz'])

function pathOf (url: string): string {
  const path = url.split('?')[0] ?? ''
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/** A limit and the counter it is kept in. */
export interface Counted { limit: RateLimit; bucket: string }

/**
 * The counters a request counts against, the route's own group (if any) first.
 * `user` is the signed-in user the access token names, if any.
 */
export function limitsFor (request: FastifyRequest, rules: RateLimitRules, user: string | undefined): Counted[] {
  const client = clientKey(request.ip)
  const counted: Counted[] = []
  const own = request.routeOptions.config.rateLimit
  // The matched route's pattern, never the raw target (route-path.ts), so
  // "/api/auth/login/", "/api/auth/login?x" and "http://host/api/auth/login" are one route.
  const path = pathOf(routePath(request))
  const group = own ?? rules.paths.find((rule) => rule.method === request.method && rule.path === path)?.limit
  if (group !== undefined) counted.push({ limit: group, bucket: `rate:${group.group}:${client}` })
  if (path.startsWith('/api/') && !UNLIMITED_PATHS.has(path)) {
    counted.push(user === undefined
      ? { limit: rules.perAddress, bucket: `rate:${rules.perAddress.group}:${client}` }
      : { limit: rules.perUser, bucket: `rate:${rules.perUser.group}:${user}` })
  }
  return counted
}

/**
 * Whom a counter belongs to. An IPv6 client usually holds a whole /64 and can pick a new
 * address from it per request, so IPv6 addresses count by their /64; IPv4-mapped IPv6
 * addresses count as the IPv4 address they are.
 */
export function clientKey (ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped?.[1] !== undefined) return mapped[1]
  const address = ip.split('%')[0] ?? ip
  if (!isIPv6(address)) return ip
  const [head = '', tail] = address.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  // A trailing dotted IPv4 part stands for two groups.
  const width = (groups: string[]): number => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
  const groups = tail === undefined
    ? headGroups
    : [...headGroups, ...Array<string>(8 - width(headGroups) - width(tailGroups)).fill('0'), ...tailGroups]
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}

/** How a 429 names a window: "minute", "hour", "day" or "N seconds". */
export function windowName (windowSeconds: number): string {
  if (windowSeconds === 60) return 'minute'
  if (windowSeconds === 3600) return 'hour'
  if (windowSeconds === 86_400) return 'day'
  return `${windowSeconds} seconds`
}

function secondsUntil (date: Date, now: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - now.getTime()) / 1000))
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the tightest limit the request counted against. */
function describe (reply: FastifyReply, limit: RateLimit, count: WindowCount, now: Date): void {
  void reply.header('RateLimit-Limit', String(limit.max))
  void reply.header('RateLimit-Remaining', String(Math.max(0, limit.max - count.hits)))
  void reply.header('RateLimit-Reset', String(secondsUntil(count.resetAt, now)))
}

export interface RateLimitDeps {
  db: Db
  limits: RateLimitSettings
  /** Which window a request counts in. */
  clock: Clock
  /** The signed-in user a request speaks for, judged from its token alone (no database). */
  identify(request: FastifyRequest): Promise<string | undefined>
  /** Told once per bucket and window when a limit is first exceeded (the audit log). */
  onLimited(request: FastifyRequest, detail: JsonObject): Promise<void>
}

export function installRateLimits (app: App, deps: RateLimitDeps): void {
  const { db } = deps
  const rules = rateLimitRules(deps.limits)
  app.addHook('onRequest', async (request, reply) => {
    const limits = limitsFor(request, rules, await deps.identify(request))
    if (limits.length === 0) return
    const now = deps.clock.now()
    const counts: Array<{ limit: RateLimit; count: WindowCount }> = []
    try {
      for (const { limit, bucket } of limits) {
        counts.push({ limit, count: await hitCounter(db, bucket, limit.windowSeconds, now) })
      }
    } catch (error) {
      // The limiter protects the service; it must not be what takes it down. A request
      // that cannot be counted is let through (and is then as likely to fail on the
      // same database as to succeed).
      request.log.error({ err: error }, 'rate limit could not be counted; request let through')
      return
    }
    const exceeded = counts.find(({ limit, count }) => count.hits > limit.max)
    const shown = exceeded ?? counts[0]
    if (shown !== undefined) describe(reply, shown.limit, shown.count, now)
    if (exceeded === undefined) return

    const { limit, count } = exceeded
    const retryAfter = secondsUntil(count.resetAt, now)
    // Exactly one request per bucket and window sees hits = max + 1 (the counter is one
    // atomic upsert), so a flood leaves one audit row, not one per refused request.
    if (count.hits === limit.max + 1) {
      await deps.onLimited(request, { group: limit.group, max: limit.max, window_seconds: limit.windowSeconds, method: request.method, path: pathOf(routePath(request)) })
        .catch((error: unknown) => { request.log.error({ err: error }, 'could not audit a rate limit') })
    }
    const whose = limit === rules.perUser ? 'for your account' : 'from your address'
    throw new AppError(429, 'rate_limited',
      `Too many requests (${limit.group}) ${whose}: the limit is ${limit.max} per ${windowName(limit.windowSeconds)}. Try again in ${retryAfter} seconds.`,
      { headers: { 'Retry-After': String(retryAfter) } })
  })
}
