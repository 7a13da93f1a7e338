// Row types of the gamification tables (migrations/0005_gamification.sql).
// `date` columns are written as 'YYYY-MM-DD' and always read back as text (`col::text`)
// by the repository: the driver would otherwise turn them into Dates at the *server
// process's* local midnight, and a local day must never move with the host's zone.
import type { ColumnType, Generated } from 'kysely'
import type { JsonObject } from '../../platform/db/json.ts'
import type { BadgeCategory, BadgeTrigger } from './rules/badges.ts'

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type JsonColumn<T> = ColumnType<T, string | undefined, string>
/** A local day (see the file comment): select it as text. */
type LocalDayColumn = ColumnType<string, string, string>

export type XpSource = 'entry' | 'challenge' | 'admin'

export interface RewardConfigTable {
  tenant_id: string
  version: number
  rules: JsonColumn<unknown>
  created_by: string | null
  created_at: DefaultedTimestamp
}

export interface BadgeDefinitionTable {
  tenant_id: string
  code: string
  name: string
  description: Generated<string>
  category: BadgeCategory
  trigger: BadgeTrigger
  threshold: number
  sort_order: Generated<number>
}

export interface ChallengeTemplateTable {
  tenant_id: string
  code: string
  name: string
  description: Generated<string>
  target: number
  reward_xp: number
  is_active: Generated<boolean>
}

export interface UserStreakTable {
  tenant_id: string
  user_id: string
  current: Generated<number>
  longest: Generated<number>
  last_entry_date: LocalDayColumn | null
  freezes_remaining: number
  freezes_used: Generated<number>
  updated_at: DefaultedTimestamp
}

export interface UserXpTable {
  tenant_id: string
  user_id: string
  total_xp: Generated<number>
  level: Generated<number>
  daily_xp: Generated<number>
  daily_xp_date: LocalDayColumn | null
  updated_at: DefaultedTimestamp
}

export interface XpEventTable {
  tenant_id: string
  id: Generated<number>
  user_id: string
  worklog_id: string | null
  local_day: LocalDayColumn
  amount: number
  source: XpSource
  reason: string
  breakdown: JsonColumn<JsonObject>
  provenance: JsonColumn<JsonObject>
  idempotency_key: string
  created_at: DefaultedTimestamp
}

export interface UserBadgeTable {
  tenant_id: string
  user_id: string
  badge_code: string
  idempotency_key: string
  provenance: JsonColumn<JsonObject>
  awarded_at: DefaultedTimestamp
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  revoked_by: string | null
  revoke_reason: string | null
}

export interface UserChallengeTable {
  tenant_id: string
  user_id: string
  week_start: LocalDayColumn
  code: string
  target: number
  progress: Generated<number>
  reward_xp: number
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface UserChallengeProgressTable {
  tenant_id: string
  idempotency_key: string
  user_id: string
  week_start: LocalDayColumn
  code: string
  contribution_key: string
  worklog_id: string | null
  job_id: string | null
  created_at: DefaultedTimestamp
}

export interface GamificationSettingsTable {
  tenant_id: string
  user_id: string
  quiet_mode: Generated<boolean>
  updated_at: DefaultedTimestamp
}

export interface GamificationTables {
  reward_config: RewardConfigTable
  badge_definition: BadgeDefinitionTable
  challenge_template: ChallengeTemplateTable
  user_streak: UserStreakTable
  user_xp: UserXpTable
  xp_event: XpEventTable
  user_badge: UserBadgeTable
  user_challenge: UserChallengeTable
  user_challenge_progress: UserChallengeProgressTable
  gamification_settings: GamificationSettingsTable
}
