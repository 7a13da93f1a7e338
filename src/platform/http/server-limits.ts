// How long and how much the HTTP server waits for and accepts, decided here and nowhere
// else. The timeouts come from HTTP_*_TIMEOUT_MS (config.ts); the sizes are fixed:
//  - request line and headers: at most MAX_HEADER_BYTES, else 431;
//  - a path parameter: at most 100 characters (Fastify's router default), else 414;
//  - JSON bodies: bodyLimit in app.ts; uploads: MAX_UPLOAD_BYTES.
//
// Out of the box Fastify turns Node's request timeout off, so a client that declares a
// body and then sends a byte every few seconds holds its connection forever (and slow
// headers were cut only after ~90 s, since Node checks every 30 s). Here:
//  - headers must arrive within HTTP_HEADERS_TIMEOUT_MS;
//  - the body must keep arriving at HTTP_BODY_MIN_BYTES_PER_SECOND, judged over each
//    HTTP_BODY_TIMEOUT_MS window (Apache's mod_reqtimeout MinRate, not a fixed deadline,
//    so a large upload over a slow but honest link still finishes);
//  - the whole request must arrive within HTTP_REQUEST_TIMEOUT_MS, a ceiling sized for
//    MAX_UPLOAD_BYTES over a slow link;
//  - an idle keep-alive connection closes after HTTP_KEEP_ALIVE_TIMEOUT_MS, any
//    connection silent both ways after HTTP_CONNECTION_TIMEOUT_MS.
// A client that misses one gets 408 problem+json and the connection is closed.
import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import type { Config } from '../../config.ts'
import type { App } from './app-instance.ts'
import { clientErrorHandler, frameworkErrorHandler, refuseOnSocket } from './early-errors.ts'
import { securityHeaderSet } from './security-headers.ts'

/** Request line plus headers; Node's default, named so it is decided here. */
export const MAX_HEADER_BYTES = 16 * 1024

interface DebugLogger { debug(details: object, message: string): void }

/** The Fastify constructor options for limits, timeouts and the replies to requests that break them. */
export function serverOptions (config: Config, log: DebugLogger) {
  const timeouts = config.http.timeouts
  const securityHeaders = securityHeaderSet({ isProduction: config.isProduction })
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs > 0 ? timeouts.requestMs : Infinity)
  return {
    // Fastify writes these onto the Node server after creating it.
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.connectionMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node enforces the two timeouts above only when it sweeps its connections, every
      // 30 s by default; sweep often enough that they mean what they say.
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(shortest / 4))),
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node would answer a missing Host itself, with an empty 400; allowed-hosts.ts
      // refuses it as problem+json instead.
      requireHostHeader: false,
    },
    clientErrorHandler: clientErrorHandler(securityHeaders, log),
    frameworkErrors: frameworkErrorHandler(securityHeaders),
  }
}

function declaresBody (request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * The body rate check. Registered first among the onRequest hooks, so it watches the body
 * from the moment the headers are in, whatever the later hooks and the handler do; it
 * keeps watching after a reply has gone out early (a 401 to a trickled POST), since Node
 * then still reads the rest of the body on the same connection.
 */
export function installBodyTimeout (app: App, config: Config): void {
  const { bodyMs, bodyMinBytesPerSecond } = config.http.timeouts
  if (bodyMs === 0) return
  const minBytesPerWindow = Math.max(1, Math.floor(bodyMinBytesPerSecond * bodyMs / 1000))
  const securityHeaders = securityHeaderSet({ isProduction: config.isProduction })
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw
    // app.inject() requests hold their whole body in memory on a stand-in socket that has
    // no byte count and cannot be destroyed: nothing to time, and timing it would throw.
    if (raw.complete || !declaresBody(raw) || !(raw.socket instanceof Socket)) {
      done()
      return
    }
    const socket = raw.socket
    let mark = socket.bytesRead
    const timer = setInterval(() => {
      if (raw.complete || socket.destroyed) {
        clearInterval(timer)
        return
      }
      const arrived = socket.bytesRead - mark
      mark = socket.bytesRead
      // Bytes received but not yet read by us mean we are the slow side (a handler still
      // in its hooks, storage pushing back), not the client: Node stops reading then.
      if (arrived >= minBytesPerWindow || raw.readableLength > 0 || socket.readableLength > 0) return
      clearInterval(timer)
      request.log.info({ code: 'request_timeout', arrived, window_ms: bodyMs }, 'request body too slow; connection closed')
      // This request has had its answer already: a second one would be read as the answer
      // to a request the client has not sent, so the connection just ends.
      if (reply.raw.headersSent) socket.destroy()
      else refuseOnSocket(socket, { status: 408, code: 'request_timeout', detail: 'The request body arrived too slowly.' }, securityHeaders)
    }, bodyMs)
    timer.unref()
    raw.once('close', () => clearInterval(timer))
    done()
  })
}
