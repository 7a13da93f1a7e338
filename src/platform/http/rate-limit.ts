// Rate limits per client address, counted in PostgreSQL (counters.ts, fixed windows) so
// they hold however many API instances run: a limit kept in process memory would give
// every replica its own allowance.
//
// Every /api/* request counts against a generous per-client limit; some routes also
// count against a stricter group of their own — the sign-in, signup, refresh and invite
// routes by path (below), and any route that sets `config.rateLimit`. Over a limit the
// request ends with 429 problem+json and Retry-After before access control or the
// handler runs, so floods of unauthenticated requests are refused as cheaply as possible.
import { isIPv6 } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hitCounter, type WindowCount } from '../db/counters.ts'
import type { Db } from '../db/database.ts'
import { AppError } from '../errors.ts'
import { recordAuthEvent } from '../../modules/identity/audit.ts'
import { requestMeta } from './access-control.ts'
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
    /** A stricter limit for this route, per client address, on top of the /api/* default. */
    rateLimit?: RateLimit
  }
}

/** What any one client may send to /api/* in total. */
export const DEFAULT_CLIENT_LIMIT: RateLimit = { group: 'api', max: 600, windowSeconds: 60 }

// Password guessing, account farming and refresh-token grinding are what attackers do
// with these routes, so they get far smaller allowances. They are matched here by path
// so the limits live in one place with the default; login and the script token endpoint
// share a group, so alternating between them buys no extra guesses.
const SIGN_IN: RateLimit = { group: 'sign-in', max: 10, windowSeconds: 60 }
export const PATH_LIMITS: ReadonlyArray<{ method: string; path: string; limit: RateLimit }> = [
  { method: 'POST', path: '/api/auth/login', limit: SIGN_IN },
  { method: 'POST', path: '/api/auth/token', limit: SIGN_IN },
  { method: 'POST', path: '/api/auth/signup', limit: { group: 'signup', max: 5, windowSeconds: 60 } },
  { method: 'POST', path: '/api/auth/token/refresh', limit: { group: 'refresh', max: 30, windowSeconds: 60 } },
  { method: 'POST', path: '/api/invites', limit: { group: 'invites', max: 20, windowSeconds: 3600 } },
]

// Load balancers and orchestrators poll these from one address, and liveness must not
// depend on a database write succeeding.
const UNLIMITED_PATHS = new Set(['/api/healthz', '/api/readyz'])

function pathOf (url: string): string {
  const path = url.split('?')[0] ?? ''
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/** The limits a request counts against, the route's own group (if any) first. */
export function limitsFor (request: FastifyRequest): RateLimit[] {
  const limits: RateLimit[] = []
  const own = request.routeOptions.config.rateLimit
  // The matched route's pattern, never the raw target (route-path.ts), so
  // "/api/auth/login/", "/api/auth/login?x" and "http://host/api/auth/login" are one route.
  const path = pathOf(routePath(request))
  const byPath = PATH_LIMITS.find((rule) => rule.method === request.method && rule.path === path)?.limit
  const group = own ?? byPath
  if (group !== undefined) limits.push(group)
  if (path.startsWith('/api/') && !UNLIMITED_PATHS.has(path)) limits.push(DEFAULT_CLIENT_LIMIT)
  return limits
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

function per (windowSeconds: number): string {
  if (windowSeconds === 60) return 'minute'
  if (windowSeconds === 3600) return 'hour'
  if (windowSeconds === 86_400) return 'day'
  return `${windowSeconds} seconds`
}

function secondsUntil (date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 1000))
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the tightest limit the request counted against. */
function describe (reply: FastifyReply, limit: RateLimit, count: WindowCount): void {
  void reply.header('RateLimit-Limit', String(limit.max))
  void reply.header('RateLimit-Remaining', String(Math.max(0, limit.max - count.hits)))
  void reply.header('RateLimit-Reset', String(secondsUntil(count.resetAt)))
}

export function installRateLimits (app: App, deps: { db: Db }): void {
  const { db } = deps
  app.addHook('onRequest', async (request, reply) => {
    const limits = limitsFor(request)
    if (limits.length === 0) return
    const client = clientKey(request.ip)
    const counts: Array<{ limit: RateLimit; count: WindowCount }> = []
    try {
      for (const limit of limits) {
        counts.push({ limit, count: await hitCounter(db, `rate:${limit.group}:${client}`, limit.windowSeconds) })
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
    if (shown !== undefined) describe(reply, shown.limit, shown.count)
    if (exceeded === undefined) return

    const { limit, count } = exceeded
    const retryAfter = secondsUntil(count.resetAt)
    // Exactly one request per bucket and window sees hits = max + 1 (the counter is one
    // atomic upsert), so a flood leaves one audit row, not one per refused request.
    if (count.hits === limit.max + 1) {
      await recordAuthEvent(db, requestMeta(request), {
        kind: 'rate_limited',
        outcome: 'denied',
        detail: { group: limit.group, max: limit.max, window_seconds: limit.windowSeconds, method: request.method, path: pathOf(routePath(request)) },
      }).catch((error: unknown) => { request.log.error({ err: error }, 'could not audit a rate limit') })
    }
    throw new AppError(429, 'rate_limited',
      `Too many requests (${limit.group}) from your address: the limit is ${limit.max} per ${per(limit.windowSeconds)}. Try again in ${retryAfter} seconds.`,
      { headers: { 'Retry-After': String(retryAfter) } })
  })
}
