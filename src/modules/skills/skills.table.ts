// Row types of a person's skills and their evidence (migrations/0006_ai_outputs.sql),
// written by skills.extract and read by /api/skills/ and resume.refresh.
import type { ColumnType, Generated, Selectable } from 'kysely'
import type { JsonObject } from '../../platform/db/json.ts'
import type { SkillLevel } from '../../vocabulary/career.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** date: written as YYYY-MM-DD, read as a Date (same convention as the worklog tables). */
type DateText = ColumnType<Date, string, string>

export const EVIDENCE_SOURCE_TYPES = ['worklog', 'project', 'certification'] as const
export type EvidenceSourceType = (typeof EVIDENCE_SOURCE_TYPES)[number]

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
export type Skill = Selectable<SkillTable>

export interface SkillEvidenceTable {
  tenant_id: string
  id: Generated<string>
  skill_id: string
  source_type: ColumnType<EvidenceSourceType, EvidenceSourceType | undefined, never>
  source_id: string
  excerpt: string
  occurred_on: DateText | null
  confidence: number
  created_at: CreatedAt
}

/** Every table of the skills module, for the Database interface. */
export interface SkillsTables {
  skill: SkillTable
  skill_evidence: SkillEvidenceTable
}
