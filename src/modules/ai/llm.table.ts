// Row types of what the AI pipeline writes (migrations/0004_llm_usage.sql and
// 0006_ai_outputs.sql): LLM call accounting, skills with evidence, resumes, share links.
import type { ColumnType, Generated } from 'kysely'
import type { JsonObject } from '../../platform/db/json.ts'
import type { ShareTargetKind, SkillLevel } from '../../vocabulary/career.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** date: written as YYYY-MM-DD, read as a Date (same convention as the worklog tables). */
type DateText = ColumnType<Date, string, string>

export interface LlmCallTable {
  id: Generated<number>
  tenant_id: string | null
  user_id: string | null
  job_id: string | null
  purpose: string
  provider: string
  model: string
  prompt_tokens: number
  completion_tokens: number
  latency_ms: number
  cost_usd: number | null
  outcome: string
  error: string | null
  created_at: CreatedAt
}

export interface SkillTable {
  tenant_id: string
  id: Generated<string>
  user_id: string
  name: string
  normalized: string
  kind: string
  level: SkillLevel
  confidence: number
  evidence_count: number
  worklog_count: number
  first_seen_on: DateText | null
  last_seen_on: DateText | null
  metadata: ColumnType<JsonObject, string | undefined, string>
  created_at: CreatedAt
  updated_at: DefaultedTimestamp
}

export interface SkillEvidenceTable {
  tenant_id: string
  id: Generated<string>
  skill_id: string
  source_type: ColumnType<'worklog' | 'project' | 'certification', 'worklog' | 'project' | 'certification' | undefined, never>
  source_id: string
  excerpt: string
  occurred_on: DateText | null
  confidence: number
  created_at: CreatedAt
}

export interface ResumeTable {
  tenant_id: string
  id: Generated<string>
  user_id: string
  job_id: string | null
  json_resume: ColumnType<JsonObject, string, never>
  markdown: string
  created_at: CreatedAt
}

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

export interface AiTables {
  llm_call: LlmCallTable
  skill: SkillTable
  skill_evidence: SkillEvidenceTable
  resume: ResumeTable
  share_link: ShareLinkTable
}
