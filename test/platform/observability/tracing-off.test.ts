// Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, and off costs nothing: the
// OpenTelemetry SDK and exporter are never loaded, no span object is made, no context is
// switched, and the job rows store no trace context. A request that enqueues jobs and the
// worker running them are watched end to end.
import t from 'tap'
import { registerHooks } from 'node:module'

// Every module this process loads from here on, recorded before the service's own modules
// are imported (below, dynamically), so whatever they load shows here.
const loaded: string[] = []
registerHooks({
  resolve (specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context)
    loaded.push(resolved.url)
    return resolved
  },
})

const { context, ROOT_CONTEXT, trace } = await import('@opentelemetry/api')
const { Type } = await import('typebox')
const { loadConfig } = await import('../../../src/config.ts')
const { JobRegistry } = await import('../../../src/platform/jobs/registry.ts')
const { activeTraceParent, startTracing, tracingActive } = await import('../../../src/platform/observability/tracing.ts')
const { registerWorkflows } = await import('../../../src/workflows/index.ts')
const { signUp } = await import('../../helpers/auth.ts')
const { buildTestApp, eventually, startTestServices } = await import('../../helpers/services.ts')

t.test('with no OTLP endpoint nothing is loaded, recorded or stored', async (t) => {
  const settings = loadConfig({ NODE_ENV: 'test', SECRET_KEY: 'x'.repeat(40), DATA_DIR: '/tmp/afterresume-tracing-off' }).observability.tracing
  t.equal(settings.endpoint, undefined, 'OTEL_EXPORTER_OTLP_ENDPOINT unset')
  t.equal(await startTracing(settings), undefined, 'startTracing starts nothing')
  t.equal(tracingActive(), false)

  // What a workflow step sees of tracing while it runs in the worker.
  const seen: Array<{ span: unknown; root: boolean; traceParent: string | undefined }> = []
  const registry = registerWorkflows(new JobRegistry())
  registry.register('test.look_around', async (ctx) => {
    await ctx.step('look', async () => { seen.push({ span: trace.getActiveSpan(), root: context.active() === ROOT_CONTEXT, traceParent: activeTraceParent() }) })
    return {}
  }, { description: 'records what tracing a step sees', payload: Type.Object({}) })
  const services = await startTestServices(t, { worker: true, registry })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)

  const created = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { occurred_on: '2026-11-20', content: 'Rewrote the reporting queries in PostgreSQL.' } })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers.traceparent, undefined)
  await services.jobs.enqueue(services.database.db, { type: 'test.look_around', tenantId: alice.tenantId })
  const jobs = await eventually(async () => {
    const rows = await services.database.db.selectFrom('job').select(['type', 'status', 'trace_parent']).orderBy('type').execute()
    return rows.length === 4 && rows.every((row) => row.status === 'success') ? rows : undefined
  }, 20_000, 'the request\'s jobs, the chained one and the probe to succeed')
  t.same(jobs, [
    { type: 'gamification.reward_evaluate', status: 'success', trace_parent: null },
    { type: 'skills.extract', status: 'success', trace_parent: null },
    { type: 'test.look_around', status: 'success', trace_parent: null },
    { type: 'worklog.analyze', status: 'success', trace_parent: null },
  ], 'no trace context is stored on any job')
  t.same(seen, [{ span: undefined, root: true, traceParent: undefined }], 'a step runs with no span and no context switch')

  const span = trace.getTracer('anyone').startSpan('probe')
  t.equal(span.isRecording(), false, 'the global tracer is the API\'s no-op')
  t.equal(span.spanContext().traceId, '00000000000000000000000000000000')
  const sdk = loaded.filter((url) => /@opentelemetry\/(sdk-trace|exporter-trace-otlp-http|otlp-|context-async-hooks|resources|core)\//.test(url))
  t.same(sdk, [], 'no OpenTelemetry SDK, exporter or context manager module was loaded')
  t.ok(loaded.some((url) => url.includes('/src/platform/jobs/runner.ts')), 'the hook saw the service\'s modules load')
})
