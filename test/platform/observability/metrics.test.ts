// GET /metrics (issue 10, part 3): a scrape in Prometheus text format carries the job,
// queue, HTTP, LLM, pool and process series with the right labels after real jobs ran
// through the real worker and a real OpenAI-compatible endpoint; only a token or an
// allowlisted address may scrape; queue depth costs one query per cache window.
import t from 'tap'
import { sql } from 'kysely'
import { manualClock } from '../../helpers/clock.ts'
import { signUp } from '../../helpers/auth.ts'
import { parseScrape, type Scrape } from '../../helpers/prometheus.ts'
import { startPipelineModel, WORKLOG } from '../../helpers/pipeline-model.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'

const TOKEN = 'scrape-token-0123456789abcdef'
const BEARER = { authorization: `Bearer ${TOKEN}` }

async function scrape (app: App): Promise<Scrape> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: BEARER })
  if (res.statusCode !== 200) throw new Error(`scrape answered ${res.statusCode}: ${res.body}`)
  return parseScrape(res.body)
}

t.test('a scrape after real jobs ran has every series, labelled by type, route, provider and model', async (t) => {
  const model = await startPipelineModel(t)
  const services = await startTestServices(t, {
    worker: true,
    env: { METRICS_TOKEN: TOKEN, LLM_PROVIDER: 'openai', LLM_BASE_URL: model.baseUrl, LLM_MODEL_NAME: 'gpt-4o-mini' },
  })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const db = services.database.db
  const echo = (payload: Record<string, number>, extra: { maxRetries?: number; runAt?: Date } = {}) =>
    services.jobs.enqueue(db, { type: 'system.echo', tenantId: alice.tenantId, payload, ...extra })

  // Four echoes: one succeeds, one fails once and succeeds on its retry, one fails for good,
  // one waits an hour (the queue depth has something to show).
  await echo({})
  await echo({ fail_attempts: 1 })
  await echo({ fail_attempts: 5 }, { maxRetries: 0 })
  await echo({}, { runAt: new Date(Date.now() + 3600_000) })
  // A work log through the API: its analysis calls the model, then chains skills.extract,
  // which calls it again; the save also queues the reward evaluation.
  const created = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { occurred_on: '2026-11-20', ...WORKLOG } })
  t.equal(created.statusCode, 201, created.body)
  t.equal((await app.inject({ method: 'GET', url: '/no/such/route', headers: alice.headers })).statusCode, 404)

  await eventually(async () => {
    // Unfinished but the delayed echo (an hour away); a retry waits a second or two.
    const { rows } = await sql<{ unfinished: number }>`SELECT count(*)::int AS unfinished FROM job WHERE finished_at IS NULL AND (scheduled_for IS NULL OR scheduled_for < now() + interval '30 minutes')`.execute(db)
    const chained = await db.selectFrom('job').select('status').where('type', '=', 'skills.extract').executeTakeFirst()
    return rows[0]!.unfinished === 0 && chained?.status === 'success' ? true : undefined
  }, 20_000, 'every job but the delayed one to finish')
  const statuses = await db.selectFrom('job').select(['type', 'status']).orderBy('type').orderBy('status').execute()
  t.same(statuses.map((j) => `${j.type} ${j.status}`), [
    'gamification.reward_evaluate success',
    'skills.extract success',
    'system.echo failed',
    'system.echo queued',
    'system.echo success',
    'system.echo success',
    'worklog.analyze success',
  ], 'the jobs ended as planned')

  const res = await app.inject({ method: 'GET', url: '/metrics', headers: BEARER })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8', 'Prometheus text format')
  const m = parseScrape(res.body)

  t.same(['afterresume_jobs_enqueued_total', 'afterresume_jobs_completed_total', 'afterresume_jobs_retried_total', 'afterresume_jobs_failed_total', 'afterresume_llm_calls_total'].map((name) => m.type(name)), ['counter', 'counter', 'counter', 'counter', 'counter'])
  t.same(['afterresume_job_pickup_seconds', 'afterresume_job_run_seconds', 'afterresume_http_request_duration_seconds'].map((name) => m.type(name)), ['histogram', 'histogram', 'histogram'])
  t.same(['afterresume_queue_depth', 'afterresume_db_pool_connections', 'afterresume_db_pool_waiting_requests'].map((name) => m.type(name)), ['gauge', 'gauge', 'gauge'])

  const byType = (name: string) => Object.fromEntries(m.samples(name).map((s) => [s.labels.type, s.value]))
  t.same(byType('afterresume_jobs_enqueued_total'), { 'system.echo': 4, 'worklog.analyze': 1, 'gamification.reward_evaluate': 1, 'skills.extract': 1 })
  t.same(byType('afterresume_jobs_completed_total'), { 'system.echo': 2, 'worklog.analyze': 1, 'gamification.reward_evaluate': 1, 'skills.extract': 1 })
  t.same(byType('afterresume_jobs_retried_total'), { 'system.echo': 1 })
  t.same(byType('afterresume_jobs_failed_total'), { 'system.echo': 1 })
  t.equal(m.value('afterresume_job_pickup_seconds_count', { type: 'system.echo' }), 4, 'one pickup per attempt: 1 + 2 + 1')
  t.equal(m.value('afterresume_job_pickup_seconds_bucket', { type: 'system.echo', le: '+Inf' }), 4)
  t.equal(m.value('afterresume_job_run_seconds_count', { type: 'system.echo', outcome: 'success' }), 2)
  t.equal(m.value('afterresume_job_run_seconds_count', { type: 'system.echo', outcome: 'failure' }), 2)
  t.equal(m.value('afterresume_job_run_seconds_count', { type: 'worklog.analyze', outcome: 'success' }), 1)

  t.equal(m.value('afterresume_queue_depth', { type: 'system.echo', status: 'queued' }), 1, 'the delayed echo waits')
  t.equal(m.value('afterresume_queue_depth', { type: 'system.echo', status: 'running' }), 0)
  t.equal(m.value('afterresume_queue_depth', { type: 'worklog.analyze', status: 'queued' }), 0, 'a drained queue still has its series')
  t.equal(m.samples('afterresume_queue_depth').length, services.jobs.registry.all().length * 2, 'every type × queued/running')

  t.equal(m.value('afterresume_http_request_duration_seconds_count', { method: 'POST', route: '/api/worklogs', status_code: '201' }), 1, 'by route pattern')
  t.equal(m.value('afterresume_http_request_duration_seconds_count', { method: 'POST', route: '/api/auth/signup', status_code: '201' }), 1)
  t.equal(m.value('afterresume_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }), 1, 'an unknown path is one series, not its URL')

  const llm = { provider: 'openai', model: 'gpt-4o-mini' }
  t.equal(model.seen.length, 2, 'the model was called twice')
  t.equal(m.value('afterresume_llm_calls_total', { ...llm, outcome: 'ok' }), 2)
  t.equal(m.value('afterresume_llm_tokens_total', { ...llm, kind: 'prompt' }), 200)
  t.equal(m.value('afterresume_llm_tokens_total', { ...llm, kind: 'completion' }), 40)
  // gpt-4o-mini: 100 × $0.15/M + 20 × $0.60/M = $0.000027 a call.
  t.equal(m.value('afterresume_llm_cost_usd_total', llm), 0.000054)

  for (const pool of ['platform', 'tenant']) t.equal(m.value('afterresume_db_pool_waiting_requests', { pool }), 0, `${pool} pool: nothing waits`)
  t.equal(m.value('afterresume_db_pool_connections', { pool: 'tenant', state: 'in_use' }), 0, 'no request holds a tenant connection between requests')
  t.same(m.samples('afterresume_db_pool_connections').map((s) => `${s.labels.pool} ${s.labels.state}`), ['platform in_use', 'platform idle', 'tenant in_use', 'tenant idle'], 'both pools, both states')
  t.equal(m.type('process_cpu_user_seconds_total'), 'counter', 'process metrics')
  t.equal(m.type('nodejs_eventloop_lag_seconds'), 'gauge')
  t.equal(m.type('nodejs_heap_size_used_bytes'), 'gauge')

  // The excerpt quoted in docs/operations.md and README.
  const wanted = /^afterresume_(jobs_\w+_total|queue_depth|queue_depth_age_seconds|llm_\w+_total|db_pool_\w+)[{ ]|^afterresume_(job_pickup_seconds|job_run_seconds|http_request_duration_seconds)_count\{|^afterresume_job_pickup_seconds_(bucket|sum)\{.*type="system.echo"/
  t.comment(res.body.split('\n').filter((line) => wanted.test(line)).join('\n'))
})

t.test('only METRICS_TOKEN or an allowlisted address may scrape; refusals are audited once a minute per address', async (t) => {
  const clock = manualClock(new Date('2026-11-30T10:00:10Z'))
  const services = await startTestServices(t, { env: { METRICS_TOKEN: TOKEN, ADMIN_IP_ALLOWLIST: '203.0.113.9' } })
  const app = await buildTestApp(t, services, services, { clock })
  const get = (remoteAddress: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers })

  const missing = await get('198.51.100.7')
  t.equal(missing.statusCode, 401)
  t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="afterresume-metrics"')
  t.match(missing.json(), { status: 401, code: 'metrics_token_required', field: 'headers.authorization' })
  const wrong = await get('198.51.100.7', { authorization: 'Bearer not-the-token-at-all' })
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().code, 'invalid_metrics_token')
  t.equal((await get('198.51.100.7', BEARER)).statusCode, 200, 'the token opens it from anywhere')
  t.equal((await get('203.0.113.9')).statusCode, 200, 'an allowlisted address needs no token')
  t.equal((await get('203.0.113.9', { authorization: 'Bearer not-the-token-at-all' })).statusCode, 401, 'a token sent must be the right one')

  clock.advance(60_000)
  t.equal((await get('198.51.100.7', { authorization: 'Basic eDp5' })).statusCode, 401)
  const audit = await services.database.db.selectFrom('auth_event').select(['ip', 'outcome', 'detail']).where('kind', '=', 'metrics_denied').orderBy('id').execute()
  t.same(audit.map((e) => [e.ip, e.outcome, e.detail]), [
    ['198.51.100.7', 'denied', { reason: 'token_required', path: '/metrics' }],
    ['203.0.113.9', 'denied', { reason: 'invalid_token', path: '/metrics' }],
    ['198.51.100.7', 'denied', { reason: 'invalid_token', path: '/metrics' }],
  ], 'the first refusal per address and minute is recorded, the rest of that minute is not')

  const closed = await startTestServices(t)
  const closedApp = await buildTestApp(t, closed)
  const off = await closedApp.inject({ method: 'GET', url: '/metrics', headers: BEARER })
  t.equal(off.statusCode, 401, 'no METRICS_TOKEN configured: no token is right')
  const none = await closedApp.inject({ method: 'GET', url: '/metrics' })
  t.equal(none.statusCode, 403)
  t.equal(none.json().code, 'metrics_closed', 'neither a token nor an allowlist: closed, saying how to open it')

  const allowlistOnly = await startTestServices(t, { env: { ADMIN_IP_ALLOWLIST: '203.0.113.9' } })
  const allowlistApp = await buildTestApp(t, allowlistOnly)
  const elsewhere = await allowlistApp.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.7' })
  t.equal(elsewhere.statusCode, 403)
  t.equal(elsewhere.json().code, 'forbidden')
  t.equal((await allowlistApp.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode, 200)
})

t.test('queue depth is one query per cache window, however many scrapes come', async (t) => {
  const clock = manualClock(new Date('2026-11-30T10:00:00Z'))
  const services = await startTestServices(t, { clock, env: { METRICS_TOKEN: TOKEN } })
  const app = await buildTestApp(t, services)
  // The query counter is read before a scrape's own query ends: it shows that query in the next scrape.
  const queries = (m: Scrape) => m.value('afterresume_queue_depth_queries_total', { outcome: 'ok' })
  const depth = (m: Scrape) => [m.value('afterresume_queue_depth', { type: 'system.echo', status: 'queued' }), m.value('afterresume_queue_depth_age_seconds')]

  const first = await scrape(app)
  t.same([queries(first), ...depth(first)], [undefined, 0, 0], 'read for the first scrape')
  await services.jobs.enqueue(services.database.db, { type: 'system.echo' })
  clock.advance(4999)
  const cached = await scrape(app)
  t.same([queries(cached), ...depth(cached)], [1, 0, 4.999], 'within the window: the cached depth, no new query')
  t.same([queries(await scrape(app)), queries(await scrape(app))], [1, 1])

  clock.advance(1)
  const [a, b] = await Promise.all([scrape(app), scrape(app)])
  t.same([...depth(a), ...depth(b)], [1, 0, 1, 0], 'the window over: both scrapes at once see the new depth')
  t.equal(queries(await scrape(app)), 2, 'from one query between them')
})
