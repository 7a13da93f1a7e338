// Row types of the job platform's tables (migrations/0001_job_platform.sql).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { JsonObject, JsonValue } from '../db/json.ts'

export const JOB_STATUSES = ['queued', 'running', 'success', 'failed', 'cancelled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export const JOB_TRIGGERS = ['api', 'schedule', 'retry', 'system'] as const
export type JobTrigger = (typeof JOB_TRIGGERS)[number]

export const EVENT_LEVELS = ['debug', 'info', 'warning', 'error'] as const
export type EventLevel = (typeof EVENT_LEVELS)[number]

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface JobTable {
  id: Generated<string>
  tenant_id: string | null
  user_id: string | null
  type: string
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>
  trigger: ColumnType<JobTrigger, JobTrigger | undefined, JobTrigger>
  payload: ColumnType<JsonObject, string, string>
  result: ColumnType<JsonValue | null, string | null, string | null>
  error: string | null
  /** Kind of the last failure (failure.ts): what tenant users may be told. */
  error_code: string | null
  retry_count: Generated<number>
  max_retries: Generated<number>
  attempt: Generated<number>
  scheduled_for: Timestamp | null
  parent_job_id: string | null
  schedule_id: string | null
  trace_id: string
  /** W3C traceparent of the span that enqueued the job (tracing on), which its run continues. */
  trace_parent: ColumnType<string | null, string | null | undefined, string | null>
  idempotency_key: string | null
  created_at: DefaultedTimestamp
  started_at: Timestamp | null
  finished_at: Timestamp | null
  updated_at: DefaultedTimestamp
}

export interface EventTable {
  id: Generated<number>
  job_id: string | null
  tenant_id: string | null
  trace_id: string | null
  timestamp: DefaultedTimestamp
  level: ColumnType<EventLevel, EventLevel | undefined, never>
  source: string
  message: string
  data: ColumnType<JsonObject, string | undefined, never>
}

export interface ScheduleTable {
  id: Generated<string>
  tenant_id: string | null
  user_id: string | null
  name: string
  job_type: string
  cron: string
  timezone: ColumnType<string, string | undefined, string>
  payload: ColumnType<JsonObject, string | undefined, string>
  enabled: ColumnType<boolean, boolean | undefined, boolean>
  last_run_at: Timestamp | null
  next_run_at: Timestamp | null
  last_job_id: string | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

/** A job type no worker fetches while its row exists (migration 0015). */
export interface JobTypePauseTable {
  job_type: string
  paused_at: DefaultedTimestamp
  paused_by: string | null
  reason: ColumnType<string, string | undefined, string>
}

/** One worker process and its last sign of life (migration 0015). */
export interface WorkerHeartbeatTable {
  worker: string
  started_at: DefaultedTimestamp
  last_seen_at: DefaultedTimestamp
  beat_interval_seconds: number
  concurrency: number
  job_types: string[]
}

export interface JobTables {
  job: JobTable
  event: EventTable
  schedule: ScheduleTable
  job_type_pause: JobTypePauseTable
  worker_heartbeat: WorkerHeartbeatTable
}

export type Job = Selectable<JobTable>
export type NewJob = Insertable<JobTable>
export type JobUpdate = Updateable<JobTable>
export type JobEvent = Selectable<EventTable>
export type Schedule = Selectable<ScheduleTable>
export type JobTypePause = Selectable<JobTypePauseTable>
export type WorkerHeartbeat = Selectable<WorkerHeartbeatTable>
