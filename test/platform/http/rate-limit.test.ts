import t from 'tap'
import { clientKey } from '../../../src/platform/http/rate-limit.ts'
import { serviceHeader, signUp, type TestUser } from '../../helpers/auth.ts'
import { manualClock, type ManualClock } from '../../helpers/clock.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

// Counters are fixed windows aligned to the clock (date_bin from 2000-01-01), so a burst
// that straddles a boundary is split across two windows. Each test stands the app's clock
// at the start of a window instead of waiting for one, and service tokens are dated by it.
function atWindowStart (windowSeconds: number): ManualClock {
  const width = windowSeconds * 1000
  return manualClock(new Date(Math.floor(Date.now() / width) * width))
}

t.test('sign-in: the 11th attempt in a minute from one address is a 429 with Retry-After, audited once', async (t) => {
  const services = await startTestServices(t)
  const clock = atWindowStart(60)
  const app = await buildTestApp(t, services, services, { clock })
  const attempt = (i: number, options: { url?: string; remoteAddress?: string } = {}) => app.inject({
    method: 'POST',
    url: options.url ?? (i % 2 === 0 ? '/api/auth/login' : '/api/auth/login/'),
    ...(options.remoteAddress !== undefined && { remoteAddress: options.remoteAddress }),
    // A new e-mail each time, so the per-e-mail lockout (5 failures) is not what answers.
    payload: { email: `guess${i}@example.test`, password: 'not the password at all' },
  })

  for (let i = 1; i <= 10; i++) {
    const response = await attempt(i)
    t.equal(response.statusCode, 401, `attempt ${i} reaches the login`)
    t.equal(response.headers['ratelimit-limit'], '10')
    t.equal(response.headers['ratelimit-remaining'], String(10 - i))
  }
  const limited = await attempt(11)
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(limited.json(), { status: 429, code: 'rate_limited', title: 'Too Many Requests' })
  t.match(limited.json().detail, /limit is 10 per minute\. Try again in \d+ seconds/)
  t.equal(limited.headers['retry-after'], '60', 'Retry-After is the rest of the window: all of it, at its start')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  t.equal(limited.headers['ratelimit-reset'], limited.headers['retry-after'])
  t.equal(limited.headers['x-frame-options'], 'DENY', '429s carry the security headers')

  const script = await attempt(12, { url: '/api/auth/token' })
  t.equal(script.statusCode, 429, 'the script token endpoint shares the sign-in allowance')
  t.equal((await attempt(13)).statusCode, 429)
  const elsewhere = await attempt(14, { remoteAddress: '198.51.100.7' })
  t.equal(elsewhere.statusCode, 401, 'another address has its own allowance')

  const events = await services.database.db.selectFrom('auth_event').selectAll().where('kind', '=', 'rate_limited').execute()
  t.equal(events.length, 1, 'one audit row per bucket and window, however many requests are refused')
  t.match(events[0], { outcome: 'denied', ip: '127.0.0.1', detail: { group: 'sign-in', max: 10, window_seconds: 60, path: '/api/auth/login' } })

  clock.advance(59_999)
  const lastMoment = await attempt(15)
  t.equal(lastMoment.statusCode, 429, 'the last millisecond of the window is still in it')
  t.equal(lastMoment.headers['retry-after'], '1', 'Retry-After never says 0')
  clock.advance(1)
  const nextWindow = await attempt(16)
  t.equal(nextWindow.statusCode, 401, 'the next window starts a new allowance')
  t.equal(nextWindow.headers['ratelimit-remaining'], '9')
  t.equal(nextWindow.headers['ratelimit-reset'], '60')
})

t.test('limits are checked before access control, and routes can declare their own', async (t) => {
  const services = await startTestServices(t)
  const clock = atWindowStart(3600)
  const app = await buildTestApp(t, services, services, { clock })
  app.get('/api/test/guarded', { config: { access: 'profile:read', rateLimit: { group: 'test-guarded', max: 2, windowSeconds: 3600 } } }, async () => ({ ok: true }))
  app.get('/api/test/open', { config: { public: true } }, async () => ({ ok: true }))
  // Retry-After is checked to run past a minute, so a minute of the hour must be left.

  for (let i = 1; i <= 2; i++) {
    const response = await app.inject({ method: 'GET', url: '/api/test/guarded' })
    t.equal(response.json().code, 'invalid_service_token', `request ${i}: refused by access control`)
    t.equal(response.headers['ratelimit-limit'], '2', 'the route\'s own limit is the one described')
  }
  const flood = await app.inject({ method: 'GET', url: '/api/test/guarded' })
  t.equal(flood.statusCode, 429, 'unauthenticated floods are limited too: the limit runs first')
  t.equal(flood.json().code, 'rate_limited')
  t.equal(flood.headers['retry-after'], '3600', 'Retry-After counts to the end of the hour window')

  const open = await app.inject({ method: 'GET', url: '/api/test/open', headers: serviceHeader(services, clock) })
  t.equal(open.statusCode, 200)
  t.equal(open.headers['ratelimit-limit'], '600', 'every /api route has the default per-client limit')
  t.equal(Number(open.headers['ratelimit-remaining']), 600 - 4, 'the default counts every /api request from the client')

  const health = await app.inject({ method: 'GET', url: '/api/healthz' })
  t.equal(health.statusCode, 200)
  t.notOk(health.headers['ratelimit-limit'], 'health probes are not counted')
})

t.test('the client key is the socket address unless TRUST_PROXY is set', async (t) => {
  const route = { config: { public: true, rateLimit: { group: 'test-xff', max: 1, windowSeconds: 3600 } } } as const
  const call = (app: Awaited<ReturnType<typeof buildTestApp>>, forwardedFor: string) =>
    app.inject({ method: 'GET', url: '/api/test/limited', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': forwardedFor, ...serviceToken } })
  let serviceToken: Record<string, string> = {}
  const clock = atWindowStart(3600)

  await t.test('TRUST_PROXY=false: a forged X-Forwarded-For buys nothing', async (t) => {
    const services = await startTestServices(t)
    t.equal(services.config.http.trustProxy, false)
    serviceToken = serviceHeader(services, clock)
    const app = await buildTestApp(t, services, services, { clock })
    app.get('/api/test/limited', route, async () => ({ ok: true }))
    t.equal((await call(app, '203.0.113.1')).statusCode, 200)
    const second = await call(app, '203.0.113.2')
    t.equal(second.statusCode, 429, 'different X-Forwarded-For, same socket address: one bucket')
    const buckets = await services.database.db.selectFrom('rate_limit_counter').select(['bucket', 'hits']).where('bucket', 'like', 'rate:test-xff:%').execute()
    t.same(buckets, [{ bucket: 'rate:test-xff:10.0.0.1', hits: 2 }])
  })

  await t.test('TRUST_PROXY=true: each forwarded client has its own bucket', async (t) => {
    const services = await startTestServices(t, { env: { TRUST_PROXY: 'true' } })
    serviceToken = serviceHeader(services, clock)
    const app = await buildTestApp(t, services, services, { clock })
    app.get('/api/test/limited', route, async () => ({ ok: true }))
    t.equal((await call(app, '203.0.113.1')).statusCode, 200)
    t.equal((await call(app, '203.0.113.2')).statusCode, 200, 'another forwarded client is not limited')
    t.equal((await call(app, '203.0.113.1')).statusCode, 429, 'the same forwarded client is')
    const event = await services.database.db.selectFrom('auth_event').select('ip').where('kind', '=', 'rate_limited').executeTakeFirstOrThrow()
    t.equal(event.ip, '203.0.113.1', 'the audit row names the forwarded client')
  })
})

t.test('the limits are settings', async (t) => {
  const services = await startTestServices(t, { env: { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_SIGN_IN_PER_MINUTE: '2' } })
  const clock = atWindowStart(60)
  const app = await buildTestApp(t, services, services, { clock })
  app.get('/api/test/open', { config: { public: true } }, async () => ({ ok: true }))

  const open = () => app.inject({ method: 'GET', url: '/api/test/open', remoteAddress: '192.0.2.1', headers: serviceHeader(services, clock) })
  for (let i = 1; i <= 3; i++) t.equal((await open()).statusCode, 200, `request ${i} of 3`)
  const limited = await open()
  t.equal(limited.statusCode, 429, 'RATE_LIMIT_PER_MINUTE=3: the 4th is refused')
  t.equal(limited.headers['ratelimit-limit'], '3')
  t.match(limited.json().detail, /from your address: the limit is 3 per minute/)

  const login = () => app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.2', payload: { email: 'guess@example.test', password: 'not the password at all' } })
  t.equal((await login()).statusCode, 401)
  t.equal((await login()).statusCode, 401)
  const refused = await login()
  t.equal(refused.statusCode, 429, 'RATE_LIMIT_SIGN_IN_PER_MINUTE=2: the 3rd attempt is refused')
  t.equal(refused.headers['ratelimit-limit'], '2')
})

t.test('signed-in users count against their own allowance, not their address\'s', async (t) => {
  const services = await startTestServices(t, { env: { RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_USER_PER_MINUTE: '4' } })
  const clock = atWindowStart(60)
  const app = await buildTestApp(t, services, services, { clock })
  const alice = await signUp(app, services, { clock })
  const bob = await signUp(app, services, { clock })
  const office = '203.0.113.50'
  const me = (user: TestUser | undefined, remoteAddress = office) => app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress, headers: user?.headers ?? serviceHeader(services, clock) })

  await t.test('two users behind one address each have their own allowance', async (t) => {
    for (let i = 1; i <= 4; i++) {
      const a = await me(alice)
      t.equal(a.statusCode, 200, `alice ${i} of 4`)
      t.equal(a.headers['ratelimit-limit'], '4', 'the per-user allowance is the one described')
      t.equal((await me(bob)).statusCode, 200, `bob ${i} of 4, from the same address`)
    }
    const over = await me(alice)
    t.equal(over.statusCode, 429, 'alice\'s 5th is refused')
    t.match(over.json().detail, /\(user\) for your account: the limit is 4 per minute/)
    t.equal((await me(undefined)).statusCode, 401, 'an anonymous caller at the office still has the address allowance (2)…')
    t.equal((await me(undefined)).statusCode, 401)
    t.equal((await me(undefined)).statusCode, 429, '… and it is counted apart from the users')
  })

  await t.test('one token from many addresses is still one client', async (t) => {
    const carol = await signUp(app, services, { clock })
    for (let i = 1; i <= 4; i++) t.equal((await me(carol, `198.18.0.${i}`)).statusCode, 200, `carol from address ${i}`)
    t.equal((await me(carol, '198.18.0.99')).statusCode, 429, 'a fifth address does not buy a fifth request')
    const buckets = await services.database.db.selectFrom('rate_limit_counter').select(['bucket', 'hits']).where('bucket', '=', `rate:user:${carol.id}`).execute()
    t.same(buckets, [{ bucket: `rate:user:${carol.id}`, hits: 5 }])
  })

  await t.test('a forged or expired token is no user: it counts against the address', async (t) => {
    const forged = { ...alice.headers, authorization: `Bearer ${alice.access.slice(0, -4)}AAAA` }
    const answer = await app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: '198.18.1.1', headers: forged })
    t.equal(answer.statusCode, 401)
    t.equal(answer.headers['ratelimit-limit'], '2', 'the address allowance')
  })
})

t.test('TRUST_PROXY takes a hop count or proxy addresses', async (t) => {
  const route = { config: { public: true, rateLimit: { group: 'test-hops', max: 1, windowSeconds: 3600 } } } as const
  const clock = atWindowStart(3600)
  for (const trust of ['1', '10.0.0.1, 10.0.0.2']) {
    await t.test(`TRUST_PROXY=${trust}: the client is the address the proxy saw, whatever the client wrote`, async (t) => {
      const services = await startTestServices(t, { env: { TRUST_PROXY: trust } })
      const app = await buildTestApp(t, services, services, { clock })
      app.get('/api/test/hops', route, async () => ({ ok: true }))
      const call = (forwardedFor: string) => app.inject({ method: 'GET', url: '/api/test/hops', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': forwardedFor, ...serviceHeader(services, clock) } })
      t.equal((await call('192.0.2.66, 203.0.113.1')).statusCode, 200)
      t.equal((await call('192.0.2.77, 203.0.113.1')).statusCode, 429, 'a forged leftmost entry buys nothing')
      t.equal((await call('203.0.113.2')).statusCode, 200, 'another real client has its own bucket')
      const buckets = await services.database.db.selectFrom('rate_limit_counter').select('bucket').where('bucket', 'like', 'rate:test-hops:%').orderBy('bucket').execute()
      t.same(buckets.map((b) => b.bucket), ['rate:test-hops:203.0.113.1', 'rate:test-hops:203.0.113.2'])
    })
  }
})

t.test('client keys: IPv6 by /64, IPv4-mapped as IPv4', async (t) => {
  t.equal(clientKey('192.0.2.10'), '192.0.2.10')
  t.equal(clientKey('::ffff:192.0.2.10'), '192.0.2.10')
  t.equal(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64')
  t.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64', 'rotating the interface id does not help')
  t.equal(clientKey('2001:DB8:0001:0002:1::'), '2001:db8:1:2::/64', 'spelling does not matter')
  t.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(clientKey('::1'), '0:0:0:0::/64')
  t.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  t.not(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'), 'another /64 is another client')
})
