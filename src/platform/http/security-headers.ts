// Security headers on every response (seed 001 "security headers"; OWASP Secure Headers
// Project), set by @fastify/helmet with every option spelled out so an upgrade of helmet's
// defaults cannot silently change what we send.
//
// helmet writes the headers onto the raw response in an onRequest hook that runs before
// rate limiting and access control, so replies built later by the error handler (4xx,
// 5xx, 429) and the not-found handler carry them too: Fastify keeps headers already set
// when it renders an error.
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import helmet, { type HelmetOptions } from 'helmet'
import type { ServerResponse } from 'node:http'
import type { App } from './app-instance.ts'

/** Where @fastify/swagger-ui serves its page and assets. */
export const DOCS_PREFIX = '/api/docs'

type Directives = Record<string, string[]>

// The API answers JSON, so nothing needs loading from anywhere but ourselves; the policy
// mostly matters for a response a browser renders by mistake (an error page, a
// mis-typed upload), which then can run nothing and be framed by no one.
const API_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'script-src-attr': ["'none'"],
}

// swagger-ui at /api/docs is a real page: its scripts and stylesheets are files we serve
// (allowed by 'self'), but the UI sets inline styles as it renders and its stylesheet
// draws icons from data: URIs, both of which the API policy refuses. Only those two are
// relaxed, only under /api/docs, and scripts stay 'self'-only, so an injected inline
// <script> still cannot run there.
const DOCS_DIRECTIVES: Directives = {
  ...API_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
}

// Powerful browser features no page of ours uses; denying them means injected content or
// a framed third party cannot ask the user for them either.
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ')

function contentSecurityPolicy (directives: Directives, isProduction: boolean): { useDefaults: false; directives: Directives } {
  // upgrade-insecure-requests only in production: in development the service runs on
  // plain http and the docs page's own assets would be "upgraded" to an https port that
  // does not answer.
  return { useDefaults: false, directives: isProduction ? { ...directives, 'upgrade-insecure-requests': [] } : directives }
}

function helmetOptions (isProduction: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: contentSecurityPolicy(API_DIRECTIVES, isProduction),
    // HSTS pins browsers to https for two years, subdomains included, and asks to be
    // preloaded (the preload list requires ≥ 1 year and includeSubDomains). Never in
    // development: a browser would then refuse http://localhost for every local project.
    strictTransportSecurity: isProduction ? { maxAge: 63_072_000, includeSubDomains: true, preload: true } : false,
    // The same intent as frame-ancestors 'none', for browsers that predate CSP level 2.
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // The seed sent "X-XSS-Protection: 1; mode=block". Current browsers have removed their
    // XSS auditors, and in the old ones that still have it the filter could be abused to
    // blank or leak parts of a page; OWASP now advises "0" (filter off) and relying on
    // CSP, which is what helmet sends for `true`.
    xXssProtection: true,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    originAgentCluster: true,
    xDnsPrefetchControl: { allow: false },
    xDownloadOptions: true,
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: true,
  }
}

/**
 * The headers helmet and the Permissions-Policy hook put on an API response, as one
 * record, for the replies that never pass through those hooks: errors Node or Fastify
 * raise before routing (client errors, bad URLs) and an early 408. Computed by running
 * helmet itself with the same options, so the two can never drift apart.
 */
export function securityHeaderSet (options: { isProduction: boolean }): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const collector = {
    setHeader (name: string, value: string | number | readonly string[]) { headers[name] = Array.isArray(value) ? value.join(', ') : String(value) },
    removeHeader (name: string) { Reflect.deleteProperty(headers, name) },
  }
  // The options hold no per-request functions (no nonces), so helmet needs no real request.
  // @fastify/helmet's types name helmet's CommonJS declarations, this import its ESM ones:
  // the same shapes, declared twice.
  helmet(helmetOptions(options.isProduction) as HelmetOptions)({} as never, collector as unknown as ServerResponse, () => {})
  headers['Permissions-Policy'] = PERMISSIONS_POLICY
  return headers
}

export async function installSecurityHeaders (app: App, options: { isProduction: boolean }): Promise<void> {
  const { isProduction } = options
  // Routes under /api/docs are added by swagger-ui after this runs; tagging them here
  // gives them their own policy through helmet's per-route option.
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url?.startsWith(`${DOCS_PREFIX}/`) === true) {
      route.helmet = { contentSecurityPolicy: contentSecurityPolicy(DOCS_DIRECTIVES, isProduction) }
    }
  })

  await app.register(fastifyHelmet, { global: true, ...helmetOptions(isProduction) })

  // helmet has no Permissions-Policy support; set it beside helmet's headers, early
  // enough that error replies carry it too.
  app.addHook('onRequest', async (_request, reply) => {
    void reply.header('Permissions-Policy', PERMISSIONS_POLICY)
  })

  // A hook that runs before helmet's (the Host check) and throws leaves its error reply
  // without the headers; fill in whatever is missing as any reply goes out. Headers
  // already set, such as the docs pages' own policy, are left alone.
  const fallback = Object.entries(securityHeaderSet({ isProduction }))
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of fallback) if (!reply.hasHeader(name)) void reply.header(name, value)
  })
}
