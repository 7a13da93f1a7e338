// pino, configured once. Secrets never reach a log line: the redact list covers the
// places they travel (auth headers, cookies, token and password fields), and the request
// serializer blanks the ones that travel in URLs (share-link tokens, credentials in query
// strings).
import pino, { type DestinationStream, type Logger } from 'pino'
import { redactUrl } from './redact-url.ts'

/** What Fastify hands the `req` serializer: its request object. */
interface LoggedRequest {
  method?: string
  url?: string
  host?: string
  ip?: string
  socket?: { remotePort?: number } | null
}

// Fastify's own request serializer, but with the URL redacted. It is replaced rather than
// wrapped: Fastify lets the logger instance's serializers win over its own.
function serializeRequest (req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }
}

export function createLogger (options: { level: string; name?: string; destination?: DestinationStream }): Logger {
  return pino({
    name: options.name ?? 'afterresume',
    level: options.level,
    serializers: { req: serializeRequest },
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-service-token"]',
        'res.headers["set-cookie"]', '*.password', '*.token', '*.access', '*.refresh', '*.passkey',
      ],
      censor: '[redacted]',
    },
  }, options.destination)
}

export type { Logger }
