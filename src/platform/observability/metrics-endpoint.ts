// GET /metrics: the process's metrics in Prometheus text format, for a scraper only.
// Who may scrape:
//  - anyone sending `Authorization: Bearer <METRICS_TOKEN>`;
//  - without a token, an address in ADMIN_IP_ALLOWLIST. An empty allowlist admits no one
//    here (for staff routes it means "any address"; a scrape has no account behind it).
// Refused: a wrong token, or no token where one is configured → 401; otherwise → 403.
// Refusals are reported to `onRefused` at most once per address and minute, so a
// misconfigured scraper cannot fill the audit log.
import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify'
import type { Clock } from '../clock.ts'
import { AppError } from '../errors.ts'
import type { App } from '../http/app-instance.ts'
import { correlationIdFor } from '../http/correlation.ts'
import { installProblemHandler } from '../http/problem-handler.ts'
import { trustProxyOption } from '../http/trust-proxy.ts'
import type { TrustProxy } from '../../config.ts'
import type { Logger } from './logger.ts'
import type { ServiceMetrics } from './metrics.ts'

export const METRICS_PATH = '/metrics'

export interface MetricsAccess {
  token: string | undefined
  allowlist: readonly string[]
  clock: Clock
  /** Told about a refused scrape (once per address and minute): the composition root audits it. */
  onRefused?: (request: FastifyRequest, reason: MetricsRefusal) => Promise<void>
}

export type MetricsRefusal = 'invalid_token' | 'token_required' | 'address_not_allowed' | 'metrics_closed'

export function metricsRoute (app: App, metrics: ServiceMetrics, access: MetricsAccess): void {
  const throttle = new RefusalThrottle(access.clock)
  app.get(METRICS_PATH, {
    // Judged by the rules above rather than by a user session (there is none).
    config: { public: true },
    // Not part of the JSON API: an operator's endpoint, documented in docs/operations.md.
    schema: { hide: true },
  }, async (request, reply) => {
    const refusal = judge(request, access)
    if (refusal !== undefined) {
      if (access.onRefused !== undefined && throttle.first(request.ip)) await access.onRefused(request, refusal)
      throw refusalError(refusal)
    }
    const text = await metrics.scrape()
    return reply.type(metrics.contentType).header('Cache-Control', 'no-store').send(text)
  })
}

function judge (request: FastifyRequest, access: MetricsAccess): MetricsRefusal | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && header !== '') {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    return access.token !== undefined && match?.[1] !== undefined && sameSecret(match[1], access.token) ? undefined : 'invalid_token'
  }
  if (access.allowlist.includes(request.ip)) return undefined
  if (access.token !== undefined) return 'token_required'
  return access.allowlist.length > 0 ? 'address_not_allowed' : 'metrics_closed'
}

/** Compared as digests: equal length, so the comparison takes the same time for any guess. */
function sameSecret (given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function refusalError (refusal: MetricsRefusal): AppError {
  const challenge = { headers: { 'WWW-Authenticate': 'Bearer realm="afterresume-metrics"' }, field: 'headers.authorization' }
  switch (refusal) {
    case 'invalid_token': return new AppError(401, 'invalid_metrics_token', 'The metrics token is not valid.', challenge)
    case 'token_required': return new AppError(401, 'metrics_token_required', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.', challenge)
    case 'address_not_allowed': return new AppError(403, 'forbidden', '/metrics is not reachable from this address.')
    case 'metrics_closed': return new AppError(403, 'metrics_closed', '/metrics is closed: set METRICS_TOKEN (scrapers send it as a Bearer token) or ADMIN_IP_ALLOWLIST.')
  }
}

/** True for an address's first refusal in the current minute. Holds one minute's addresses. */
class RefusalThrottle {
  readonly #clock: Clock
  #minute = -1
  readonly #seen = new Set<string>()

  constructor (clock: Clock) {
    this.#clock = clock
  }

  first (address: string): boolean {
    const minute = Math.floor(this.#clock.now().getTime() / 60_000)
    if (minute !== this.#minute) {
      this.#minute = minute
      this.#seen.clear()
    }
    if (this.#seen.has(address)) return false
    this.#seen.add(address)
    return true
  }
}

export interface MetricsListener {
  /** host:port it listens on. */
  readonly address: string
  close(): Promise<void>
}

/**
 * A worker-only process has no API to serve /metrics from: this listener serves that one
 * route (WORKER_METRICS_PORT), with the same protection, and nothing else.
 */
export async function startMetricsListener (options: { host: string; port: number; metrics: ServiceMetrics; access: MetricsAccess; logger: Logger; trustProxy: TrustProxy }): Promise<MetricsListener> {
  // TRUST_PROXY as for the API: the allowlist judges the client's address, not a proxy's.
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are not worth a log line each (a scrape every 15 s); refusals and errors are.
    disableRequestLogging: true,
    // Correlation ids as in the API: an audited refusal stores one (a UUID).
    requestIdHeader: false,
    genReqId: correlationIdFor,
    trustProxy: trustProxyOption(options.trustProxy),
  }) as unknown as App
  installProblemHandler(app, { exposeErrors: false })
  metricsRoute(app, options.metrics, options.access)
  await app.listen({ host: options.host, port: options.port })
  const bound = app.server.address()
  const address = typeof bound === 'object' && bound !== null ? `${bound.address}:${bound.port}` : String(bound)
  options.logger.info({ address }, 'worker metrics listening')
  return { address, close: () => app.close() }
}
