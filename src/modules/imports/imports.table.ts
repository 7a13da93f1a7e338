// Row types of the import tables (migrations/0011_imports.sql).
import type { ColumnType, Generated, Selectable } from 'kysely'
import type { ImportSource } from '../../vocabulary/worklog.ts'
import type { DateColumn } from '../worklog/hierarchy.table.ts'

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface ImportedItemTable {
  tenant_id: string
  user_id: string
  import_key: string
  source: ImportSource
  repository: string
  occurred_on: DateColumn
  worklog_id: string | null
  created_at: DefaultedTimestamp
}
export type ImportedItem = Selectable<ImportedItemTable>

export interface GithubConnectionTable {
  tenant_id: string
  id: Generated<string>
  user_id: string
  login: string
  token_ciphertext: Buffer
  schedule_id: string | null
  cursor: ColumnType<Date, Date | string, Date | string>
  last_run_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  last_error: string | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}
export type GithubConnection = Selectable<GithubConnectionTable>

/** Every table of the imports module, for the Database interface. */
export interface ImportsTables {
  imported_item: ImportedItemTable
  github_connection: GithubConnectionTable
}
