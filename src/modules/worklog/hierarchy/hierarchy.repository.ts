// SQL of the seven organisational tables. They share their columns, so one set of
// functions serves all of them; the level's name picks the table. Every query filters
// by tenant_id as well as relying on row-level security (and so uses the tenant-led keys).
import { sql, type Kysely } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { LevelName } from './hierarchy.schemas.ts'

/** The columns every level has; the level-specific ones (client_id, website, …) are reached by name. */
export interface LevelRow {
  tenant_id: string
  id: string
  user_id: string
  name: string
  description: string
  is_active: boolean
  created_at: Date
  updated_at: Date
  [column: string]: unknown
}

// The seven tables seen through their common columns. Only this module reaches tables
// by a runtime name, and it only names columns taken from LevelSpec.
type LevelDatabase = Record<LevelName, LevelRow>
const levels = (executor: Executor): Kysely<LevelDatabase> => executor as unknown as Kysely<LevelDatabase>

export interface LevelFilter {
  tenantId: string
  parent?: { field: string; id: string }
  isActive?: boolean
  search?: string
  limit: number
  offset: number
}

/** One page and the total, in one query (count(*) OVER () before LIMIT). */
export async function listLevel (executor: Executor, level: LevelName, filter: LevelFilter): Promise<{ rows: LevelRow[]; total: number }> {
  let query = levels(executor).selectFrom(level).selectAll()
    .select(sql<number>`count(*) OVER ()`.as('total_count'))
    .where('tenant_id', '=', filter.tenantId)
  if (filter.parent !== undefined) query = query.where(filter.parent.field, '=', filter.parent.id)
  if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive)
  if (filter.search !== undefined) query = query.where('name', 'ilike', `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`)
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit).offset(filter.offset).execute()
  const total = rows[0] === undefined ? await countLevel(executor, level, filter) : Number(rows[0].total_count)
  return { rows: rows as unknown as LevelRow[], total }
}

async function countLevel (executor: Executor, level: LevelName, filter: LevelFilter): Promise<number> {
  if (filter.offset === 0) return 0
  let query = levels(executor).selectFrom(level).select(sql<number>`count(*)`.as('n')).where('tenant_id', '=', filter.tenantId)
  if (filter.parent !== undefined) query = query.where(filter.parent.field, '=', filter.parent.id)
  if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive)
  if (filter.search !== undefined) query = query.where('name', 'ilike', `%${filter.search.replace(/[\\%_]/g, '\\$&')}%`)
  const row = await query.executeTakeFirst()
  return Number(row?.n ?? 0)
}

export async function findLevel (executor: Executor, level: LevelName, tenantId: string, id: string): Promise<LevelRow | undefined> {
  return levels(executor).selectFrom(level).selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst() as Promise<LevelRow | undefined>
}

export async function insertLevel (executor: Executor, level: LevelName, values: Record<string, unknown>): Promise<LevelRow> {
  return levels(executor).insertInto(level).values(values as LevelRow).returningAll().executeTakeFirstOrThrow() as Promise<LevelRow>
}

export async function updateLevel (executor: Executor, level: LevelName, tenantId: string, id: string, values: Record<string, unknown>): Promise<LevelRow | undefined> {
  return levels(executor).updateTable(level).set({ ...values, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst() as Promise<LevelRow | undefined>
}

export async function deleteLevel (executor: Executor, level: LevelName, tenantId: string, id: string): Promise<boolean> {
  const result = await levels(executor).deleteFrom(level).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}
