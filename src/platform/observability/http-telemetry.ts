// What the API reports about the requests it answers: a duration histogram per route
// pattern and status (never the raw URL: ids and share tokens would make a series each),
// and, when tracing is on, a server span per request that is active while its handler
// runs, so the jobs the handler enqueues carry it into the worker.
import type { FastifyRequest } from 'fastify'
import type { App } from '../http/app-instance.ts'
import type { ServiceMetrics } from './metrics.ts'
import { contextFromHeaders, SpanKind, SpanStatusCode, startSpan, tracingActive, withContext, type Context, type Span } from './tracing.ts'

/** The route label of a request no route matched (404s): one series, whatever was asked. */
export const UNMATCHED_ROUTE = 'unmatched'

export function installHttpMetrics (app: App, metrics: ServiceMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
}

function routeLabel (request: FastifyRequest): string {
  const pattern = request.routeOptions.url
  return pattern === undefined || pattern === '' ? UNMATCHED_ROUTE : pattern
}

/**
 * Server spans. Must be installed before any route is added: the handler of every route
 * added afterwards is wrapped so it runs with its request's span active. (Hooks cannot do
 * that: a body is read in the socket's callbacks, which carry no context of ours.)
 * Installs nothing while tracing is off (start tracing before building the app).
 */
export function installRequestTracing (app: App): void {
  if (!tracingActive()) return
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>()
  app.addHook('onRequest', (request, _reply, done) => {
    const route = routeLabel(request)
    const started = startSpan(route === UNMATCHED_ROUTE ? request.method : `${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      // A caller that sends a traceparent (the SPA's proxy, a traced script) gets its trace continued.
      parent: contextFromHeaders(request.headers),
      // The route pattern, never the URL: a path may carry a share-link token.
      attributes: { 'http.request.method': request.method, 'http.route': route, 'afterresume.correlation_id': request.id },
    })
    if (started !== undefined) spans.set(request, started)
    done()
  })
  app.addHook('onRoute', (route) => {
    const handler = route.handler
    route.handler = function (this: unknown, request, reply) {
      const traced = spans.get(request)
      return traced === undefined ? handler.call(this as never, request, reply) : withContext(traced.context, handler, this, request, reply)
    } as typeof handler
  })
  const end = (request: FastifyRequest, statusCode: number | undefined): void => {
    const traced = spans.get(request)
    if (traced === undefined) return
    spans.delete(request)
    if (statusCode === undefined) {
      traced.span.setAttribute('afterresume.aborted', true)
    } else {
      traced.span.setAttribute('http.response.status_code', statusCode)
      if (statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR })
    }
    traced.span.end()
  }
  app.addHook('onResponse', (request, reply, done) => { end(request, reply.statusCode); done() })
  app.addHook('onRequestAbort', (request, done) => { end(request, undefined); done() })
}
