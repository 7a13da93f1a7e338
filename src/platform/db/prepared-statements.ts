// Server-side prepared statements for the service's own queries.
//
// Kysely over node-postgres sends every statement unnamed, so PostgreSQL parses and plans
// it on every execution. For the work-log page (eight joins, with row-level security
// adding sub-plans per table) planning took longer than running the query, on every
// request. Giving each distinct SQL text a name makes node-postgres parse it once per
// connection; PostgreSQL then reuses the statement, and after a few executions its
// generic plan when that costs no more than a custom one. Parameters stay parameters,
// so RLS (which reads app.tenant_id at execution) is unaffected.
//
// Bounded: a connection prepares at most MAX_PER_CONNECTION texts (queries whose text
// varies with their input, such as an IN list of N values, could otherwise grow the
// set without end); past that its new texts run unnamed, as before.
//
// Not for a transaction-pooling proxy (PgBouncer in transaction mode before 1.21): a
// statement prepared on one server connection is unknown on the next.
import { createHash } from 'node:crypto'
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import type pg from 'pg'

/** How many texts one connection prepares, unless told otherwise. */
export const MAX_PREPARED_PER_CONNECTION = 500
/** Statements worth preparing: the data statements, not BEGIN/COMMIT/SAVEPOINT. */
const PREPARABLE = /^\s*(?:select|insert|update|delete|with)\b/i

const names = new Map<string, string>()
function nameOf (text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    name = `k_${createHash('sha1').update(text).digest('base64url')}`
    // The cache is process-wide; a runaway set of texts must not grow it without end.
    if (names.size >= 10_000) names.clear()
    names.set(text, name)
  }
  return name
}

/** Named statements this connection has prepared, by client. */
const prepared = new WeakMap<pg.PoolClient, Set<string>>()
const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>()

function queryConfig (client: pg.PoolClient, limit: number, text: string, values: readonly unknown[]): pg.QueryConfig {
  if (!PREPARABLE.test(text)) return { text, values: [...values] }
  let own = prepared.get(client)
  if (own === undefined) { own = new Set(); prepared.set(client, own) }
  const name = nameOf(text)
  if (!own.has(name)) {
    if (own.size >= limit) return { text, values: [...values] }
    own.add(name)
  }
  return { name, text, values: [...values] }
}

function wrap (client: pg.PoolClient, limit: number): PostgresPoolClient {
  let wrapper = wrappers.get(client)
  if (wrapper !== undefined) return wrapper
  wrapper = {
    // Kysely reads the backend pid from here to cancel a statement (an abort signal).
    get processID () { return (client as pg.PoolClient & { processID?: number }).processID },
    // pg's overloads and Kysely's structural copy of them do not line up for TypeScript;
    // the two calls are the ones Kysely makes (text + values, or a cursor for streams).
    query: ((textOrCursor: string | object, values?: readonly unknown[]) => typeof textOrCursor === 'string'
      ? client.query(queryConfig(client, limit, textOrCursor, values ?? []))
      : client.query(textOrCursor as pg.Submittable)) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => { client.release(destroy) },
  }
  wrappers.set(client, wrapper)
  return wrapper
}

/** `pool` as Kysely sees it, preparing each data statement once per connection. */
export function withPreparedStatements (pool: pg.Pool, limit = MAX_PREPARED_PER_CONNECTION): PostgresPool {
  return {
    options: pool.options,
    connect: async () => wrap(await pool.connect(), limit),
    end: async () => { if (!pool.ended) await pool.end() },
  }
}
