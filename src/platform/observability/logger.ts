// pino, configured once. Secrets never reach a log line: the redact list covers the
// places they travel (auth headers, cookies, token and password fields).
import pino, { type Logger } from 'pino'

export function createLogger (options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'afterresume',
    level: options.level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-service-token"]',
        'res.headers["set-cookie"]', '*.password', '*.token', '*.access', '*.refresh', '*.passkey',
      ],
      censor: '[redacted]',
    },
  })
}

export type { Logger }
