// Row types of the documents made from the record (migrations/0003_worklog.sql for
// worklog_report, 0006_ai_outputs.sql for resume and share_link): reports, resumes, and
// the links that share one of them.
import type { ColumnType, Generated, Selectable } from 'kysely'
import type { JsonObject } from '../../platform/db/json.ts'
import type { ShareTargetKind } from '../../vocabulary/career.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** jsonb written as JSON text (toJson), read back parsed. */
type JsonColumn<T> = ColumnType<T, string | undefined, string>

export interface WorklogReportTable {
  tenant_id: string
  id: Generated<string>
  user_id: string
  client_id: string | null
  project_id: string | null
  sprint_id: string | null
  kind: string
  created_via: Generated<string>
  // Read as Date (reports' callers format them); written as YYYY-MM-DD.
  period_start: ColumnType<Date, string, string> | null
  period_end: ColumnType<Date, string, string> | null
  title: Generated<string>
  content_md: Generated<string>
  metadata: JsonColumn<JsonObject>
  created_at: DefaultedTimestamp
  /** The report.generate job that wrote it (added by 0006_ai_outputs.sql). */
  job_id: string | null
}
export type WorklogReport = Selectable<WorklogReportTable>

export interface ResumeTable {
  tenant_id: string
  id: Generated<string>
  user_id: string
  job_id: string | null
  json_resume: ColumnType<JsonObject, string, never>
  markdown: string
  created_at: CreatedAt
}
export type Resume = Selectable<ResumeTable>

export interface ShareLinkTable {
  tenant_id: string
  id: Generated<string>
  created_by: string
  token_hash: string
  target_kind: ShareTargetKind
  target_id: string
  expires_at: ColumnType<Date, Date | string, Date | string>
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  last_accessed_at: ColumnType<Date | null, never, Date | string>
  access_count: Generated<number>
  created_at: CreatedAt
}

/** Every table of the reports module, for the Database interface. */
export interface ReportsTables {
  worklog_report: WorklogReportTable
  resume: ResumeTable
  share_link: ShareLinkTable
}
