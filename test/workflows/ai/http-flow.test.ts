import t from 'tap'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

const ENTRY = {
  occurred_on: '2026-11-20',
  title: 'Migrated the search service',
  content: 'Moved the search service from Elasticsearch 7 to OpenSearch on AWS, rewrote the indexing job in Python and added Grafana dashboards for query latency.',
  outcome: 'Search p95 latency fell from 900ms to 250ms.',
  tags: ['search', 'migration'],
}

t.test('saving a work log queues its analysis and reward in the same transaction; /analyze/ re-queues', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const created = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: ENTRY })
  t.equal(created.statusCode, 201, created.body)
  const worklogId = created.json().id as string
  t.equal(created.json().enrichment_status, 'pending', 'marked pending with the save')
  const { jobs } = await services.jobs.list({ tenantId: alice.tenantId })
  t.same(jobs.map((j) => j.type).sort(), ['gamification.reward_evaluate', 'worklog.analyze'])
  t.ok(jobs.every((j) => j.trace_id === created.headers['x-correlation-id']), 'the request\'s correlation id is the jobs\' trace id')

  const enriched = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: `/api/worklogs/${worklogId}/`, headers: alice.headers })
    const body = res.json<{ enrichment_status: string; ai_summary: string }>()
    return body.enrichment_status === 'enriched' ? body : undefined
  }, 20_000, 'the analysis to finish')
  t.equal(enriched.ai_summary, `${ENTRY.content} ${ENTRY.outcome}`, 'an extractive summary: the entry\'s two sentences, the result kept')
  const signals = await app.inject({ method: 'GET', url: `/api/worklogs/${worklogId}/skill-signals/`, headers: alice.headers })
  t.equal(signals.statusCode, 200)
  // The contract is a plain array of the entry's signals (no paging envelope).
  const list = signals.json<Array<{ id: string; name: string; source: string; status: string; basis: string; confidence: number; evidence: string; evidence_spans: Array<{ text: string; start: number; end: number }> }>>()
  t.ok(Array.isArray(list), 'a plain array')
  t.same(list.map((s) => s.name).sort(), ['AWS', 'Elasticsearch', 'Grafana', 'Performance Optimization', 'Python'], 'the skills the entry names, and one its outcome shows')
  t.match(list[0], { source: 'ai', status: 'suggested' })
  // Each signal shows its evidence: the sentence, and where in it the words that triggered it are.
  const named = list.find((s) => s.name === 'Elasticsearch')!
  t.match(named, { basis: 'named', confidence: 0.95, evidence: ENTRY.content, evidence_spans: [{ text: 'Elasticsearch', start: 30, end: 43 }] })
  const inferred = list.find((s) => s.name === 'Performance Optimization')!
  t.match(inferred, { basis: 'inferred', confidence: 0.6, evidence: ENTRY.outcome, evidence_spans: [{ text: '900ms to 250ms', start: 29, end: 43 }] })
  for (const signal of list) {
    for (const span of signal.evidence_spans) t.equal(signal.evidence.slice(span.start, span.end), span.text, `${signal.name}: the span is where it says`)
  }
  const url = `/api/worklogs/${worklogId}/skill-signals/${named.id}/`
  const accepted = await app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'accepted' } })
  t.match(accepted.json(), { status: 'accepted', basis: 'named', evidence_spans: [{ text: 'Elasticsearch' }] }, 'accepting keeps how it was found')
  const reworded = await app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { evidence: 'Ran the Elasticsearch to OpenSearch move.' } })
  t.match(reworded.json(), { basis: 'named', evidence: 'Ran the Elasticsearch to OpenSearch move.', evidence_spans: [] }, 'new evidence has no located words until analysed again')

  const again = await app.inject({ method: 'POST', url: `/api/worklogs/${worklogId}/analyze/`, headers: alice.headers })
  t.equal(again.statusCode, 202)
  t.match(again.json(), { job_id: /^[0-9a-f-]{36}$/, status: 'queued', message: /Analysis queued/ })
  const job = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: `/api/jobs/${again.json().job_id as string}/`, headers: alice.headers })
    const body = res.json<{ status: string; type: string }>()
    return body.status === 'success' ? body : undefined
  }, 20_000, 'the requested analysis')
  t.equal(job.type, 'worklog.analyze')

  const bob = await signUp(app, services)
  t.equal((await app.inject({ method: 'POST', url: `/api/worklogs/${worklogId}/analyze/`, headers: bob.headers })).statusCode, 404, 'another tenant\'s work log is a 404')
  const viewer = await signUp(app, services, { tenantId: alice.tenantId, role: 'read_only' })
  t.equal((await app.inject({ method: 'POST', url: `/api/worklogs/${worklogId}/analyze/`, headers: { ...viewer.headers, 'x-tenant-id': alice.tenantId } })).statusCode, 403)
})

t.test('a nightly report schedule fires and its report appears in /api/reports/', async (t) => {
  const services = await startTestServices(t, { worker: true, scheduler: true })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const created = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { ...ENTRY, occurred_on: new Date().toISOString().slice(0, 10) } })
  t.equal(created.statusCode, 201)
  const bad = await app.inject({ method: 'POST', url: '/api/schedules/', headers: alice.headers, payload: { name: 'x', kind: 'standup', cron: 'every night' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().field, 'cron')
  // A real deployment would say "0 18 * * 1-5"; every minute keeps the test short.
  const schedule = await app.inject({ method: 'POST', url: '/api/schedules/', headers: alice.headers, payload: { name: 'daily standup', kind: 'standup', cron: '@every_minute', timezone: 'Europe/Berlin' } })
  t.equal(schedule.statusCode, 201, schedule.body)
  t.match(schedule.json(), { name: 'daily standup', kind: 'standup', cron: '* * * * *', timezone: 'Europe/Berlin', enabled: true })
  const listed = await app.inject({ method: 'GET', url: '/api/schedules/', headers: alice.headers })
  t.equal(listed.json().length, 1)
  const report = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: '/api/reports/', headers: alice.headers })
    const list = res.json<Array<{ kind: string; created_via: string; id: string }>>()
    return list.find((r) => r.created_via === 'schedule')
  }, 90_000, 'the scheduled report')
  t.equal(report.kind, 'standup')
  const body = await app.inject({ method: 'GET', url: `/api/reports/${report.id}/?format=md`, headers: alice.headers })
  t.match(body.body, /search/i, 'the report covers the day\'s work')
  const removed = await app.inject({ method: 'DELETE', url: `/api/schedules/${schedule.json().id as string}/`, headers: alice.headers })
  t.equal(removed.statusCode, 204)
})
