// SQL of the attachment table. Every statement names the tenant, so a row of another
// tenant is "not found" even before row-level security would hide it.
import type { Insertable, Selectable } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { AttachmentTable } from '../worklog.table.ts'

export type AttachmentRow = Selectable<AttachmentTable>

/** The work log's author (reward evaluations run on their behalf), or undefined when it is not the tenant's. */
export async function findWorklogAuthor (executor: Executor, tenantId: string, worklogId: string): Promise<string | undefined> {
  const row = await executor.selectFrom('worklog').select('user_id').where('tenant_id', '=', tenantId).where('id', '=', worklogId).executeTakeFirst()
  return row?.user_id
}

export async function insertAttachment (executor: Executor, values: Insertable<AttachmentTable>): Promise<AttachmentRow> {
  return executor.insertInto('attachment').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function listAttachments (executor: Executor, tenantId: string, worklogId: string): Promise<AttachmentRow[]> {
  return executor.selectFrom('attachment').selectAll()
    .where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId)
    .orderBy('created_at').orderBy('id').execute()
}

export async function findAttachment (executor: Executor, tenantId: string, id: string): Promise<AttachmentRow | undefined> {
  return executor.selectFrom('attachment').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function deleteAttachment (executor: Executor, tenantId: string, id: string): Promise<AttachmentRow | undefined> {
  return executor.deleteFrom('attachment').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst()
}
