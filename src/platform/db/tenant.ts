// withTenant: the only way request handlers touch tenant data. The tenant is set for
// the transaction alone (set_config(..., true)), so a pooled connection carries nothing
// over to the next request.
import { sql } from 'kysely'
import type { Db, Trx } from './database.ts'

export async function withTenant<T> (db: Db, tenantId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('app.tenant_id', ${tenantId}, true)`.execute(trx)
    return work(trx)
  })
}
