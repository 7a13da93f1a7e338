// Event rows: the job timeline (seed 000 §5). Written through the caller's executor so
// an event commits or rolls back together with the state change it describes.
import type { Executor } from '../db/database.ts'
import { toJson, type JsonObject } from '../db/json.ts'
import type { EventLevel } from './job.table.ts'

export interface NewEvent {
  jobId: string | null
  tenantId: string | null
  traceId: string | null
  level?: EventLevel
  source: string
  message: string
  data?: JsonObject
}

export async function recordEvents (executor: Executor, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return
  await executor.insertInto('event').values(events.map((e) => ({
    job_id: e.jobId,
    tenant_id: e.tenantId,
    trace_id: e.traceId,
    level: e.level ?? 'info',
    source: e.source,
    message: e.message,
    data: toJson(e.data ?? {}),
  }))).execute()
}

export async function recordEvent (executor: Executor, event: NewEvent): Promise<void> {
  await recordEvents(executor, [event])
}
