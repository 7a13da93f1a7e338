// Answers for requests that never reach a route, shaped like every other answer: problem+json
// with the security headers, and never an echo of the URL or headers that caused them.
//
//  - Node's HTTP parser refuses a request (unknown method, oversized headers, garbage) or a
//    timeout fires before the request is complete: Node emits 'clientError' with only the
//    socket, and Fastify hands it to `clientErrorHandler`. The reply is written onto the
//    socket by hand, then the connection is closed, since what follows on it cannot be trusted.
//  - Fastify's router refuses a URL (a path parameter over its length limit, bad percent
//    encoding) before any hook runs, so helmet never sees those replies: `frameworkErrors`.
import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { problem } from '../errors.ts'

type Headers = Readonly<Record<string, string>>

interface Refusal { status: number; code: string; detail: string }

// A client that never reads its answer must not keep the socket: give the write this long.
const FLUSH_GRACE_MS = 5_000

function clientErrorRefusal (code: string): Refusal {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', detail: 'The request was not received in time.' }
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', detail: 'The request line and headers are larger than this server accepts.' }
    case 'HPE_INVALID_METHOD':
      // RFC 9110 §9.1: an unrecognised method is 501, not a malformed request.
      return { status: 501, code: 'method_not_implemented', detail: 'The request method is not one this server implements.' }
    default:
      return { status: 400, code: 'bad_request', detail: 'The request is not valid HTTP/1.1.' }
  }
}

function frameworkRefusal (code: string): Refusal {
  switch (code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'uri_too_long', detail: 'A path segment of the URL is longer than any this API accepts.' }
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'bad_url', detail: 'The URL is not valid (malformed percent-encoding).' }
    default:
      return { status: 500, code: 'internal_error', detail: 'An unexpected error occurred. It has been logged.' }
  }
}

/** The response Node's HTTP server is writing on this socket, if any (its own guard, public fields only). */
function responseStarted (socket: Socket): boolean {
  const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  return current?.headersSent === true
}

/**
 * Write `refusal` as a complete HTTP/1.1 response onto a socket the HTTP server has given
 * up on, then close it. If a response has already begun there, any bytes of ours would
 * corrupt it, so the socket is only closed.
 */
export function refuseOnSocket (socket: Socket, refusal: Refusal, securityHeaders: Headers): void {
  if (socket.destroyed) return
  if (!socket.writable || responseStarted(socket)) {
    socket.destroy()
    return
  }
  const body = JSON.stringify(problem(refusal.status, refusal.code, refusal.detail))
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(securityHeaders).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy())
  setTimeout(() => socket.destroy(), FLUSH_GRACE_MS).unref()
}

interface DebugLogger { debug(details: object, message: string): void }

/** Fastify's `clientErrorHandler`. */
export function clientErrorHandler (securityHeaders: Headers, log: DebugLogger): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    // The peer is gone; there is no one to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const refusal = clientErrorRefusal(error.code)
    // Only the code: the error also carries the raw bytes received, headers and all.
    log.debug({ code: error.code, status: refusal.status }, 'client error')
    refuseOnSocket(socket, refusal, securityHeaders)
  }
}

/** Fastify's `frameworkErrors`. */
export function frameworkErrorHandler (securityHeaders: Headers): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const refusal = frameworkRefusal(error.code)
    // The error's message quotes the URL; its code says enough.
    if (refusal.status >= 500) request.log.error({ code: error.code }, 'router failed')
    else request.log.info({ code: error.code, status: refusal.status }, refusal.detail)
    void reply.headers(securityHeaders)
      .header('X-Correlation-ID', request.id)
      .status(refusal.status)
      .type('application/problem+json')
      .send(problem(refusal.status, refusal.code, refusal.detail))
  }
}
