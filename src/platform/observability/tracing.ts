// OpenTelemetry traces: a request, the jobs it enqueues (in whatever process runs them),
// each workflow step and each LLM call, as one trace. Off unless an OTLP endpoint is
// configured; then, and only then, the SDK is loaded, a context manager follows async
// calls, and spans are batched to the collector over HTTP.
//
// Code everywhere else calls the helpers below, which do nothing at all while tracing is
// off (no span objects, no context switches, no trace context stored on job rows).
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api'
import type { SpanExporter } from '@opentelemetry/sdk-trace'

export { SpanKind, SpanStatusCode, type Attributes, type Context, type Span }

const TRACER = 'afterresume'

let active = false

/** True while startTracing()'s provider is registered in this process. */
export function tracingActive (): boolean {
  return active
}

export interface TracingSettings {
  /** OTLP/HTTP collector base URL; traces are sent to <endpoint>/v1/traces. */
  endpoint: string | undefined
  headers?: Readonly<Record<string, string>>
  serviceName: string
}

export interface Tracing {
  /** Export every span ended so far. */
  flush(): Promise<void>
  /** Flush, then unregister: the process is back to no tracing. */
  shutdown(): Promise<void>
}

/**
 * Start tracing for this process, or return undefined when no endpoint is set. `exporter`
 * replaces the OTLP exporter (tests pass an InMemorySpanExporter): each span is handed to
 * it as it ends instead of in batches.
 */
export async function startTracing (settings: TracingSettings, exporter?: SpanExporter): Promise<Tracing | undefined> {
  if (settings.endpoint === undefined && exporter === undefined) return undefined
  if (active) throw new Error('Tracing is already started in this process.')
  const [sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ])
  let processor
  if (exporter !== undefined) {
    processor = new sdk.SimpleSpanProcessor({ exporter })
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
    const url = new URL('v1/traces', settings.endpoint!.endsWith('/') ? settings.endpoint : `${settings.endpoint!}/`).toString()
    processor = new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url, headers: { ...settings.headers } }) })
  }
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    // Every trace is kept: the volume is one span per request, job attempt, step and model
    // call, which a collector can sample further if it must.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    spanProcessors: [processor],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  active = true
  return {
    flush: () => provider.forceFlush(),
    async shutdown () {
      active = false
      await provider.shutdown()
      trace.disable()
      propagation.disable()
      context.disable()
    },
  }
}

function tracer () {
  return trace.getTracer(TRACER)
}

/** The active span as a W3C traceparent (stored on a job row); undefined when tracing is off. */
export function activeTraceParent (): string | undefined {
  if (!active) return undefined
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent
}

/** The context a stored traceparent names (the span that enqueued a job), or none. */
export function contextFromTraceParent (traceParent: string | null): Context {
  if (!active || traceParent === null) return ROOT_CONTEXT
  return propagation.extract(ROOT_CONTEXT, { traceparent: traceParent })
}

/** The context incoming headers carry (a caller's traceparent), or none. */
export function contextFromHeaders (headers: Readonly<Record<string, string | string[] | undefined>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers)
}

export interface SpanOptions {
  kind?: SpanKind
  attributes?: Attributes
  /** Defaults to the active context. */
  parent?: Context
}

/**
 * Run `work` in a new span, child of `parent` (or of the active span), which stays active
 * for everything `work` awaits. A thrown error is recorded on the span and rethrown. With
 * tracing off, `work` just runs (and gets no span).
 */
export async function inSpan<T> (name: string, options: SpanOptions, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!active) return work(undefined)
  const parent = options.parent ?? context.active()
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes !== undefined && { attributes: options.attributes }) }, parent)
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span))
  } catch (error) {
    markFailed(span, error)
    throw error
  } finally {
    span.end()
  }
}

/** A span started now and ended by the caller (an HTTP request's lifetime spans hooks). */
export function startSpan (name: string, options: SpanOptions): { span: Span; context: Context } | undefined {
  if (!active) return undefined
  const parent = options.parent ?? context.active()
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes !== undefined && { attributes: options.attributes }) }, parent)
  return { span, context: trace.setSpan(parent, span) }
}

/** Call `fn` with `ctx` active (for code that cannot be wrapped in inSpan, like a route handler). */
export function withContext<A extends unknown[], R> (ctx: Context, fn: (...args: A) => R, thisArg: unknown, ...args: A): R {
  return context.with(ctx, fn, thisArg, ...args)
}

/** A point in time on the active span: a workflow's log line. `attributes` is only called with tracing on. */
export function addSpanEvent (name: string, attributes: () => Attributes): void {
  if (!active) return
  trace.getActiveSpan()?.addEvent(name, attributes())
}

export function markFailed (span: Span, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error))
  span.recordException(failure)
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message })
}

/** Only the flat values of `data` (strings, numbers, booleans): span attributes take nothing else. */
export function flatAttributes (data: Readonly<Record<string, unknown>> | undefined, prefix = ''): Attributes {
  const attributes: Attributes = {}
  if (data === undefined) return attributes
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[`${prefix}${key}`] = value
  }
  return attributes
}
