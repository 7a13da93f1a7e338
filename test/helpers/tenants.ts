// Minimal tenants and users for tests that need tenant-owned rows before the identity
// module is involved (rows written on the platform pool, which RLS lets through).
import { randomUUID } from 'node:crypto'
import type { Db } from '../../src/platform/db/database.ts'

export async function insertTenant (db: Db, name = `tenant ${randomUUID().slice(0, 8)}`): Promise<string> {
  const { id } = await db.insertInto('tenant').values({ name }).returning('id').executeTakeFirstOrThrow()
  return id
}
