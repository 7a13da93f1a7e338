// OpenTelemetry traces (issue 10, part 4): a request, the jobs it enqueues, their steps
// and their LLM calls are one trace, across the process boundary. The API runs in this
// process with an in-memory exporter; the worker is the real `afterresume worker` in a
// child process, exporting over OTLP/HTTP to a collector this test runs, and calling an
// OpenAI-compatible model server this test runs. The only thing connecting the two
// processes is the job row (its trace_parent).
import t from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { startTracing } from '../../../src/platform/observability/tracing.ts'
import { signUp } from '../../helpers/auth.ts'
import { freePort } from '../../helpers/ports.ts'
import { parseScrape } from '../../helpers/prometheus.ts'
import { startPipelineModel, USAGE, WORKLOG } from '../../helpers/pipeline-model.ts'
import { startRole } from '../../helpers/service-process.ts'
import { buildTestApp, eventually, startTestServices, TEST_SECRET_KEY } from '../../helpers/services.ts'

const TOKEN = 'scrape-token-0123456789abcdef'

/** A span as both exporters describe it, reduced to what the chain is judged by. */
interface SeenSpan { traceId: string; spanId: string; parentSpanId: string | undefined; name: string; kind: string; service: string; attributes: Record<string, unknown>; events: string[] }

// OTLP numbers kinds from 1 (internal); the API's SpanKind from 0.
const KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer']

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] }
    scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[]; events?: Array<{ name: string }> }> }>
  }>
}

function otlpValue (value: OtlpValue): unknown {
  if (value.intValue !== undefined) return Number(value.intValue)
  return value.stringValue ?? value.boolValue ?? value.doubleValue
}

/** A collector: keeps every OTLP/HTTP JSON trace export it is sent. */
async function startCollector (t: { teardown(fn: () => unknown): void }): Promise<{ url: string; requests: Array<{ path: string; contentType: string; body: OtlpRequest }> }> {
  const requests: Array<{ path: string; contentType: string; body: OtlpRequest }> = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString()
      requests.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: JSON.parse(text) as OtlpRequest })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

function fromOtlp (requests: Array<{ body: OtlpRequest }>): SeenSpan[] {
  return requests.flatMap(({ body }) => body.resourceSpans.flatMap((resourceSpans) => {
    const service = String(otlpValue(resourceSpans.resource.attributes.find((a) => a.key === 'service.name')!.value))
    return resourceSpans.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : span.parentSpanId,
      name: span.name,
      kind: KIND_NAMES[span.kind - 1] ?? String(span.kind),
      service,
      attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, otlpValue(a.value)])),
      events: (span.events ?? []).map((event) => event.name),
    })))
  }))
}

function fromMemory (spans: ReadableSpan[]): SeenSpan[] {
  return spans.map((span) => ({
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? String(span.kind),
    service: String(span.resource.attributes['service.name']),
    attributes: { ...span.attributes },
    events: span.events.map((event) => event.name),
  }))
}

/** The trace as an indented outline (children by name), `service/kind` after each span. */
function outline (spans: SeenSpan[], root: SeenSpan, depth = 0): string[] {
  const children = spans.filter((s) => s.parentSpanId === root.spanId).sort((a, b) => a.name.localeCompare(b.name))
  return [`${'  '.repeat(depth)}${root.name} (${root.service}/${root.kind})`, ...children.flatMap((child) => outline(spans, child, depth + 1))]
}

t.test('a request, the jobs it enqueues, their steps and LLM calls are one trace across the API and a worker process', async (t) => {
  const exporter = new InMemorySpanExporter()
  const tracing = await startTracing({ endpoint: undefined, serviceName: 'afterresume-api' }, exporter)
  t.teardown(() => tracing?.shutdown())
  const collector = await startCollector(t)
  const model = await startPipelineModel(t)
  const services = await startTestServices(t, { env: { METRICS_TOKEN: TOKEN } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)

  const metricsPort = await freePort()
  const worker = startRole('worker', {
    NODE_ENV: 'test',
    DATABASE_URL: services.url,
    SECRET_KEY: TEST_SECRET_KEY,
    DATA_DIR: services.config.dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: model.baseUrl,
    LLM_MODEL_NAME: 'gpt-4o-mini',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_SERVICE_NAME: 'afterresume-worker',
    WORKER_METRICS_PORT: String(metricsPort),
    METRICS_TOKEN: TOKEN,
  })
  t.teardown(() => worker.kill('SIGKILL'))
  await worker.waitFor('afterresume is running')

  const created = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { occurred_on: '2026-11-20', ...WORKLOG } })
  t.equal(created.statusCode, 201, created.body)
  const db = services.database.db
  await eventually(async () => {
    const jobs = await db.selectFrom('job').select(['type', 'status']).where('status', '=', 'success').execute()
    return jobs.length === 3 ? jobs : undefined
  }, 20_000, 'the analysis, the skills it chained and the reward evaluation to succeed')

  // Each process exposes what happened in it: the worker ran the jobs and called the model;
  // the API enqueued what the request asked for.
  const workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`
  const refused = await fetch(workerMetrics)
  t.equal(refused.status, 401, 'the worker\'s /metrics is protected too')
  t.equal((await refused.json() as { code: string }).code, 'metrics_token_required')
  const audited = await db.selectFrom('auth_event').select(['kind', 'outcome', 'ip']).where('kind', '=', 'metrics_denied').execute()
  t.same(audited, [{ kind: 'metrics_denied', outcome: 'denied', ip: '127.0.0.1' }], 'and its refusals are audited like the API\'s')
  const scraped = await fetch(workerMetrics, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(scraped.status, 200)
  const inWorker = parseScrape(await scraped.text())
  const byType = (samples: Array<{ labels: Record<string, string>; value: number }>) => Object.fromEntries(samples.map((s) => [s.labels.type, s.value]))
  t.same(byType(inWorker.samples('afterresume_jobs_completed_total')), { 'worklog.analyze': 1, 'skills.extract': 1, 'gamification.reward_evaluate': 1 })
  t.same(byType(inWorker.samples('afterresume_jobs_enqueued_total')), { 'skills.extract': 1 }, 'the worker enqueued the chained job')
  t.equal(inWorker.value('afterresume_llm_calls_total', { provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok' }), 2)
  t.same(inWorker.samples('afterresume_http_request_duration_seconds_count'), [], 'a worker answers no API requests')
  const inApi = parseScrape((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body)
  t.same(byType(inApi.samples('afterresume_jobs_enqueued_total')), { 'worklog.analyze': 1, 'gamification.reward_evaluate': 1 })
  t.same(inApi.samples('afterresume_jobs_completed_total'), [], 'the API process ran no job')

  // Stopping the worker exports the spans it still holds.
  const exited = new Promise<number | null>((resolve) => worker.child.once('exit', resolve))
  worker.kill('SIGTERM')
  t.equal(await exited, 0, 'the worker stopped cleanly')
  t.ok(collector.requests.length > 0, 'the worker exported over OTLP/HTTP')
  t.same([...new Set(collector.requests.map((r) => `${r.path} ${r.contentType}`))], ['/v1/traces application/json'])

  const apiSpans = fromMemory(exporter.getFinishedSpans())
  const request = apiSpans.find((s) => s.name === 'POST /api/worklogs')!
  t.ok(request, 'the request has a span named by its route')
  const trace = [...apiSpans, ...fromOtlp(collector.requests)].filter((s) => s.traceId === request.traceId)
  t.same(outline(trace, request), [
    'POST /api/worklogs (afterresume-api/server)',
    '  job gamification.reward_evaluate (afterresume-worker/consumer)',
    '  job worklog.analyze (afterresume-worker/consumer)',
    '    step analyze (afterresume-worker/internal)',
    '      chat gpt-4o-mini (afterresume-worker/client)',
    '    step load (afterresume-worker/internal)',
    '    step save (afterresume-worker/internal)',
    '      job skills.extract (afterresume-worker/consumer)',
    '        step load (afterresume-worker/internal)',
    '        step merge (afterresume-worker/internal)',
    '          chat gpt-4o-mini (afterresume-worker/client)',
    '        step save (afterresume-worker/internal)',
  ], 'request → job → step → LLM call, and the chained job under the step that enqueued it')
  t.equal(trace.length, 12, 'nothing else in the trace')

  const analyze = await db.selectFrom('job').select(['id', 'trace_id', 'trace_parent']).where('type', '=', 'worklog.analyze').executeTakeFirstOrThrow()
  t.equal(analyze.trace_parent, `00-${request.traceId}-${request.spanId}-01`, 'the job row carries the request span as a W3C traceparent')
  t.equal(analyze.trace_id, created.headers['x-correlation-id'], 'beside the correlation id, unchanged')
  t.match(request.attributes, { 'http.request.method': 'POST', 'http.route': '/api/worklogs', 'http.response.status_code': 201, 'afterresume.correlation_id': analyze.trace_id })
  t.notOk(Object.keys(request.attributes).some((key) => key.startsWith('url.')), 'no URL is recorded (a path may carry a share token)')
  const jobSpan = trace.find((s) => s.name === 'job worklog.analyze')!
  t.match(jobSpan.attributes, { 'messaging.system': 'pg-boss', 'messaging.destination.name': 'worklog.analyze', 'messaging.message.id': analyze.id, 'afterresume.job.attempt': 1, 'afterresume.correlation_id': analyze.trace_id })
  // The job's timeline lines are events on the span active when they were logged.
  t.same(jobSpan.events, ['loading work log', 'analysis ready; saving suggestions', 'work log enriched'])
  const analyzeStep = trace.find((s) => s.name === 'step analyze')!
  t.same(analyzeStep.events.filter((name) => name.startsWith('llm call')), ['llm call: worklog.analyze'], 'the llm event lands on the step that made the call')
  t.same(trace.filter((s) => s.name === 'chat gpt-4o-mini').map((s) => [s.attributes['gen_ai.provider.name'], s.attributes['gen_ai.request.model'], s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
    [['openai', 'gpt-4o-mini', USAGE.prompt_tokens, USAGE.completion_tokens], ['openai', 'gpt-4o-mini', USAGE.prompt_tokens, USAGE.completion_tokens]])
})
