// The Host header, checked before anything reads it:
//  - it must be a host name or IP address with an optional port (RFC 9110 §7.2), so code
//    that does use it never meets "exa mple" or "[";
//  - HTTP/1.1 requires exactly one (RFC 9112 §3.2). Node keeps the first of several and
//    drops the rest, so two Host headers, which a proxy in front may have read the other
//    way round, are refused rather than guessed at;
//  - ALLOWED_HOSTS (Django's DJANGO_ALLOWED_HOSTS): answer only for the host names this
//    deployment is meant to serve, so a forged Host cannot make the service build cookies
//    or links for someone else's domain. Empty means any host (development).
import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import type { App } from './app-instance.ts'

// reg-name (letters, digits, '-', '.', '_') or an IP literal in brackets, then an optional port.
const HOST_SYNTAX = /^(?:[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

function invalidHost (detail: string): AppError {
  return new AppError(400, 'invalid_host', detail, { field: 'headers.host' })
}

function hostHeaderCount (request: FastifyRequest): number {
  const raw = request.raw.rawHeaders
  let count = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'host') count++
  return count
}

export function installAllowedHosts (app: App, allowedHosts: readonly string[]): void {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()))
  app.addHook('onRequest', async (request) => {
    const count = hostHeaderCount(request)
    if (count > 1) throw invalidHost('Send exactly one Host header.')
    if (count === 0 && request.raw.httpVersion !== '1.0') throw invalidHost('HTTP/1.1 requests must carry a Host header.')
    // request.host is X-Forwarded-Host under TRUST_PROXY, so the forwarded value is held
    // to the same syntax. The value is not echoed: it is whatever the client sent.
    if (request.host !== '' && !HOST_SYNTAX.test(request.host)) throw invalidHost('The Host header is not a valid host name, address or port.')
    if (allowed.size === 0) return
    const host = request.hostname.toLowerCase()
    if (!allowed.has(host)) {
      throw invalidHost(`Host "${host}" is not served here; add it to ALLOWED_HOSTS if it should be.`)
    }
  })
}
