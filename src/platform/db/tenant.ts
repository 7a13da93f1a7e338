// withTenant: the only way request handlers touch tenant data. The tenant is set for
// the transaction alone (set_config(..., true)), so a pooled connection carries nothing
// over to the next request.
import { sql } from 'kysely'
import type { Db, Executor, Trx } from './database.ts'

export async function withTenant<T> (db: Db, tenantId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('app.tenant_id', ${tenantId}, true)`.execute(trx)
    return work(trx)
  })
}

/**
 * The id of the current transaction: an idempotency key part meaning "this save", so
 * jobs a request enqueues twice inside one transaction collapse, while a later save
 * (another transaction) gets jobs of its own.
 */
export async function currentTransactionId (executor: Executor): Promise<string> {
  const { rows } = await sql<{ xid: string }>`SELECT pg_current_xact_id()::text AS xid`.execute(executor)
  const xid = rows[0]?.xid
  if (xid === undefined) throw new Error('pg_current_xact_id() returned nothing')
  return xid
}
