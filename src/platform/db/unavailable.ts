// "The database is away" as opposed to "the query is wrong". A restart, a failover, a
// pg_terminate_backend or a server that does not answer surface as these errors; the
// HTTP layer answers them 503 with Retry-After instead of 500, and the worker treats them
// as weather (the job is retried through pg-boss), not as a bug.

/** SQLSTATEs meaning the connection or the server went away (classes 08 and 57P). */
const UNAVAILABLE_STATES = new Set([
  '08000', '08001', '08003', '08004', '08006', '08007',
  '57P01', // admin_shutdown: terminated by pg_terminate_backend or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections: transient, like the others
])

/** Socket-level failures of the connection to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

/** node-postgres reports these without a code. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]

export function isDatabaseUnavailable (error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code))) return true
    if (DRIVER_MESSAGES.some((message) => current instanceof Error && current.message.startsWith(message))) return true
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true
  }
  return false
}
