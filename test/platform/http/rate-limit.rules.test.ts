// The rate limiter's pure parts: which counters a request counts against, the groups the
// settings make, and how a window is named. No server and no database: each case names a
// request by its method, target, matched route and address, and states the exact buckets.
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { limitsFor, rateLimitRules, windowName, type RateLimit } from '../../../src/platform/http/rate-limit.ts'

const SETTINGS = { perMinute: 600, perUserPerMinute: 900, signInPerMinute: 10, signupPerMinute: 5, refreshPerMinute: 30, invitesPerHour: 20 }
const rules = rateLimitRules(SETTINGS)

function request (method: string, url: string, options: { route?: string; ip?: string; rateLimit?: RateLimit } = {}): FastifyRequest {
  return {
    method,
    url,
    ip: options.ip ?? '192.0.2.7',
    routeOptions: { url: options.route, config: options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit } },
  } as unknown as FastifyRequest
}

const buckets = (req: FastifyRequest, user?: string) => limitsFor(req, rules, user).map(({ limit, bucket }) => [limit.group, limit.max, limit.windowSeconds, bucket])

t.test('the settings make these groups, each with its own allowance and window', async (t) => {
  const signIn = { group: 'sign-in', max: 10, windowSeconds: 60 }
  t.same(rules, {
    perAddress: { group: 'api', max: 600, windowSeconds: 60 },
    perUser: { group: 'user', max: 900, windowSeconds: 60 },
    paths: [
      { method: 'POST', path: '/api/auth/login', limit: signIn },
      { method: 'POST', path: '/api/auth/token', limit: signIn },
      { method: 'POST', path: '/api/auth/signup', limit: { group: 'signup', max: 5, windowSeconds: 60 } },
      { method: 'POST', path: '/api/auth/token/refresh', limit: { group: 'refresh', max: 30, windowSeconds: 60 } },
      { method: 'POST', path: '/api/invites', limit: { group: 'invites', max: 20, windowSeconds: 3600 } },
    ],
  })
  t.equal(rules.paths[0]!.limit, rules.paths[1]!.limit, 'login and the script token endpoint share one allowance')
})

t.test('a guarded route counts against its group first, then the general allowance', async (t) => {
  t.same(buckets(request('POST', '/api/auth/login/', { route: '/api/auth/login' })), [
    ['sign-in', 10, 60, 'rate:sign-in:192.0.2.7'],
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ])
  t.same(buckets(request('POST', '/api/invites/', { route: '/api/invites/' })), [
    ['invites', 20, 3600, 'rate:invites:192.0.2.7'],
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ], 'a trailing slash on the route pattern is the same route')
  t.same(buckets(request('GET', '/api/auth/login', { route: '/api/auth/login' })), [
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ], 'the same path with another method is not the guarded route')
  t.same(buckets(request('POST', '/api/auth/signup/', { route: '/api/auth/login' })), [
    ['sign-in', 10, 60, 'rate:sign-in:192.0.2.7'],
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ], 'the matched route decides, not the raw target')
})

t.test('an unmatched target is judged by its normalised path', async (t) => {
  t.same(buckets(request('POST', 'http://evil.example/api/auth//login/?x=1')), [
    ['sign-in', 10, 60, 'rate:sign-in:192.0.2.7'],
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ])
  t.same(buckets(request('GET', '/')), [], 'the root is not an /api/ path')
})

t.test('a signed-in user counts against their own allowance; probes and non-API paths count nowhere', async (t) => {
  const user = '6f1c2a40-0000-4000-8000-000000000001'
  t.same(buckets(request('GET', '/api/worklogs/', { route: '/api/worklogs' }), user), [['user', 900, 60, `rate:user:${user}`]])
  t.same(buckets(request('POST', '/api/auth/login', { route: '/api/auth/login' }), user), [
    ['sign-in', 10, 60, 'rate:sign-in:192.0.2.7'],
    ['user', 900, 60, `rate:user:${user}`],
  ], 'guessing is still counted per address')
  t.same(buckets(request('GET', '/api/healthz', { route: '/api/healthz' })), [])
  t.same(buckets(request('GET', '/api/readyz/', { route: '/api/readyz' })), [])
  t.same(buckets(request('GET', '/system/jobs/', { route: '/system/jobs' })), [])
})

t.test("a route's own limit replaces the path rules and still adds the general one", async (t) => {
  const own = { group: 'exports', max: 3, windowSeconds: 600 }
  t.same(buckets(request('POST', '/api/auth/login', { route: '/api/auth/login', rateLimit: own })), [
    ['exports', 3, 600, 'rate:exports:192.0.2.7'],
    ['api', 600, 60, 'rate:api:192.0.2.7'],
  ])
})

t.test('windows are named as people say them', async (t) => {
  t.same([60, 3600, 86_400, 600, 1].map(windowName), ['minute', 'hour', 'day', '600 seconds', '1 seconds'])
})
