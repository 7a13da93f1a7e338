// Row type of llm_call (migrations/0004_llm_usage.sql).
import type { ColumnType, Generated } from 'kysely'

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
  created_at: ColumnType<Date, Date | string | undefined, never>
}

export interface AiTables {
  llm_call: LlmCallTable
}
