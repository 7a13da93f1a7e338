// Row type of LLM call accounting (migrations/0004_llm_usage.sql). What the calls
// produce lives with its domain: src/modules/skills/ and src/modules/reports/.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>

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

/** The LLM accounting table, for the Database interface. */
export interface LlmTables {
  llm_call: LlmCallTable
}
