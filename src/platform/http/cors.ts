// Cross-origin access (CORS_ALLOWED_ORIGINS): an SPA served from another origin may call
// the API, with credentials (the refresh cookie), only when its origin is listed. Any
// other origin gets no CORS headers at all, so the browser keeps the response from it.
//
// Registered before access control on purpose: @fastify/cors answers preflights in its
// onRequest hook, and a browser's preflight carries no Authorization or X-Service-Token,
// so letting access control see it first would turn every preflight into a 401.
// (It also adds an `OPTIONS *` route without an access rule, which access control's
// start-up check would refuse if it were installed first.)
import cors from '@fastify/cors'
import type { Config } from '../../config.ts'
import type { App } from './app-instance.ts'

export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Service-Token', 'X-Tenant-ID', 'X-Correlation-ID']
/** Headers a cross-origin script may read: tracing, and when to retry after a 429 or 503. */
export const CORS_EXPOSED_HEADERS = ['X-Correlation-ID', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']

export async function installCors (app: App, http: Config['http']): Promise<void> {
  // Nothing listed means same-origin only: no plugin, so no CORS header is ever sent and
  // preflights fall through to the ordinary 404/401 handling.
  if (http.corsAllowedOrigins.length === 0) return
  const allowed = new Set(http.corsAllowedOrigins)
  await app.register(cors, {
    // A function rather than the list itself: for a refused origin @fastify/cors then
    // sends nothing at all, where with a list it would still send Allow-Credentials and
    // Expose-Headers. Exact string comparison, so "https://app.example.com.evil.test"
    // is not "https://app.example.com".
    origin: (origin, callback) => { callback(null, origin !== undefined && allowed.has(origin)) },
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    // Browsers cap this (Chromium at 2 hours); 10 minutes keeps a changed allowlist
    // effective soon while sparing most repeat preflights.
    maxAge: 600,
  })
}
