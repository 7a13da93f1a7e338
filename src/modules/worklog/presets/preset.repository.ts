// SQL of worklog_preset.
import { sql, type Insertable, type Updateable } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { WorklogPreset, WorklogPresetTable } from '../worklog.table.ts'

export async function listPresets (executor: Executor, tenantId: string, filter: { isActive?: boolean; limit: number; offset: number }): Promise<{ rows: WorklogPreset[]; total: number }> {
  let query = executor.selectFrom('worklog_preset').selectAll().select(sql<number>`count(*) OVER ()`.as('total_count')).where('tenant_id', '=', tenantId)
  if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive)
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit).offset(filter.offset).execute()
  let total = rows[0]?.total_count ?? 0
  if (rows.length === 0 && filter.offset > 0) {
    let count = executor.selectFrom('worklog_preset').select(sql<number>`count(*)`.as('n')).where('tenant_id', '=', tenantId)
    if (filter.isActive !== undefined) count = count.where('is_active', '=', filter.isActive)
    total = (await count.executeTakeFirst())?.n ?? 0
  }
  return { rows, total: Number(total) }
}

export async function findPreset (executor: Executor, tenantId: string, id: string): Promise<WorklogPreset | undefined> {
  return executor.selectFrom('worklog_preset').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function insertPreset (executor: Executor, values: Insertable<WorklogPresetTable>): Promise<WorklogPreset> {
  return executor.insertInto('worklog_preset').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updatePreset (executor: Executor, tenantId: string, id: string, values: Updateable<WorklogPresetTable>): Promise<WorklogPreset | undefined> {
  return executor.updateTable('worklog_preset').set({ ...values, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst()
}

export async function deletePreset (executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await executor.deleteFrom('worklog_preset').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}
