// X-Correlation-ID (seed 001 "Correlation IDs"): taken from the request when it is a
// UUID, generated otherwise, used as the request id in every log line, echoed on the
// response, and passed on as the trace_id of jobs the request enqueues.
import { randomUUID } from 'node:crypto'
import type { App } from './app-instance.ts'
import type { IncomingMessage } from 'node:http'

export const CORRELATION_HEADER = 'x-correlation-id'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function correlationIdFor (request: IncomingMessage): string {
  const given = request.headers[CORRELATION_HEADER]
  return typeof given === 'string' && UUID.test(given) ? given.toLowerCase() : randomUUID()
}

export function installCorrelation (app: App): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Correlation-ID', request.id)
  })
}
