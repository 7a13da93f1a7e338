// The path a request is judged by (service token, rate limits, audit). Never the raw
// request target: HTTP allows the absolute form (`POST http://host/api/clients/`), which
// the router matches to /api/clients while `request.url` starts with "http:", so a check
// on `request.url.startsWith('/api/')` let it skip the service token and the limits.
import type { FastifyRequest } from 'fastify'

/**
 * The matched route's pattern (`/api/worklogs/:id/analyze`), which is what will run.
 * An unmatched request runs nothing but the 404 handler; it is judged by its target
 * normalised the way a lenient proxy or server might read it (scheme and host dropped,
 * percent-decoded, empty and dot segments resolved, lower case), so odd spellings of a
 * guarded path are still treated as that path.
 */
export function routePath (request: FastifyRequest): string {
  const pattern = request.routeOptions.url
  // Catch-all routes (CORS preflights answer on OPTIONS *) say nothing about the path.
  return pattern === undefined || pattern === '*' || pattern === '/*' ? normalisedPath(request.url) : pattern
}

export function normalisedPath (target: string): string {
  let path = (target.split('?')[0] ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
  try {
    path = decodeURIComponent(path)
  } catch {
    // A malformed escape stays as sent; it matches no guarded prefix any better.
  }
  const segments: string[] = []
  for (const segment of path.split(/[/\\]/)) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const trailing = segments.length > 0 && /[/\\]$/.test(path) ? '/' : ''
  return `/${segments.join('/')}${trailing}`.toLowerCase()
}
