// SQL of the per-work-log artifact tables (links, bullets, skill signals). They are
// reached by name like the organisation levels; columns come from ArtifactSpec only.
import type { Kysely } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { ArtifactSpec, ArtifactTable } from './artifacts.schemas.ts'

export interface ArtifactRow {
  tenant_id: string
  id: string
  worklog_id: string
  created_at: Date
  [column: string]: unknown
}

type ArtifactDatabase = Record<ArtifactTable, ArtifactRow>
const artifacts = (executor: Executor): Kysely<ArtifactDatabase> => executor as unknown as Kysely<ArtifactDatabase>

export async function listArtifacts (executor: Executor, spec: ArtifactSpec, tenantId: string, worklogId: string): Promise<ArtifactRow[]> {
  let query = artifacts(executor).selectFrom(spec.table).selectAll().where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId)
  for (const [column, direction] of spec.order) query = query.orderBy(column, direction)
  return await query.orderBy('id').execute() as unknown as ArtifactRow[]
}

export async function findArtifact (executor: Executor, spec: ArtifactSpec, tenantId: string, worklogId: string, id: string): Promise<ArtifactRow | undefined> {
  return artifacts(executor).selectFrom(spec.table).selectAll()
    .where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId).where('id', '=', id)
    .executeTakeFirst() as Promise<ArtifactRow | undefined>
}

export async function insertArtifact (executor: Executor, spec: ArtifactSpec, values: Record<string, unknown>): Promise<ArtifactRow> {
  return artifacts(executor).insertInto(spec.table).values(values as ArtifactRow).returningAll().executeTakeFirstOrThrow() as Promise<ArtifactRow>
}

export async function updateArtifact (executor: Executor, spec: ArtifactSpec, tenantId: string, worklogId: string, id: string, values: Record<string, unknown>): Promise<ArtifactRow | undefined> {
  if (Object.keys(values).length === 0) return findArtifact(executor, spec, tenantId, worklogId, id)
  return artifacts(executor).updateTable(spec.table).set(values)
    .where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId).where('id', '=', id)
    .returningAll().executeTakeFirst() as Promise<ArtifactRow | undefined>
}

export async function deleteArtifact (executor: Executor, spec: ArtifactSpec, tenantId: string, worklogId: string, id: string): Promise<boolean> {
  const result = await artifacts(executor).deleteFrom(spec.table)
    .where('tenant_id', '=', tenantId).where('worklog_id', '=', worklogId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}
