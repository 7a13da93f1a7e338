// Row types of the organisational hierarchy (migrations/0003_worklog.sql): client →
// project → epic → feature → story → task, and project → sprint.
import type { ColumnType, Generated } from 'kysely'

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
/**
 * A date column. Our pool returns a Date at midnight UTC (src/vocabulary/calendar-day.ts);
 * the type also admits the ISO string so queries can compare with '2025-01-31' and code
 * stays right should the pool ever parse dates as text.
 */
export type DateColumn = ColumnType<Date | string, string, string>

interface LevelColumns {
  tenant_id: string
  id: Generated<string>
  user_id: string
  name: string
  description: Generated<string>
  is_active: Generated<boolean>
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface ClientTable extends LevelColumns {
  website: Generated<string>
  notes: Generated<string>
}

export interface ProjectTable extends LevelColumns {
  client_id: string
  role: Generated<string>
  started_on: DateColumn | null
  ended_on: DateColumn | null
}

export interface EpicTable extends LevelColumns { project_id: string }
export interface FeatureTable extends LevelColumns { epic_id: string }
export interface StoryTable extends LevelColumns { feature_id: string }
export interface TaskTable extends LevelColumns { story_id: string }

export interface SprintTable extends LevelColumns {
  project_id: string
  goal: Generated<string>
  start_date: DateColumn | null
  end_date: DateColumn | null
}

export interface HierarchyTables {
  client: ClientTable
  project: ProjectTable
  epic: EpicTable
  feature: FeatureTable
  story: StoryTable
  task: TaskTable
  sprint: SprintTable
}
