// Job and event shapes as the API shows them (seed 000 "Jobs", seed 002 "Job Enqueue Response").
import { Type } from 'typebox'
import { Limit, Offset } from '../../platform/input/schemas.ts'
import { publicEvent, publicJobError } from '../../platform/jobs/failure.ts'
import type { Job, JobEvent } from '../../platform/jobs/job.table.ts'

export const JobStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('success'), Type.Literal('failed'), Type.Literal('cancelled')])

export const JobOut = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  status: JobStatusSchema,
  trigger: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Union([Type.String(), Type.Null()]),
  retry_count: Type.Integer(),
  max_retries: Type.Integer(),
  attempt: Type.Integer(),
  scheduled_for: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  parent_job_id: Type.Union([Type.String(), Type.Null()]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  trace_id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

export const EventOut = Type.Object({
  id: Type.Integer(),
  timestamp: Type.String({ format: 'date-time' }),
  level: Type.String(),
  source: Type.String(),
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
})

/** 202 body of every endpoint that starts work (seed 002 "Job Enqueue Response"). */
export const JobAccepted = Type.Object({
  job_id: Type.String({ format: 'uuid' }),
  status: JobStatusSchema,
  message: Type.String(),
})

export const JobListQuery = Type.Object({
  status: Type.Optional(JobStatusSchema),
  type: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Limit({ default: 50 })),
  offset: Type.Optional(Offset),
}, { additionalProperties: false })

export const JobWaitQuery = Type.Object({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, description: 'Seconds to wait for the job to end.' })),
}, { additionalProperties: false })

export const EventStreamQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 100, description: 'Only events of jobs of this type.' })),
}, { additionalProperties: false })

const iso = (d: Date | null): string | null => d === null ? null : d.toISOString()

export function jobOut (job: Job) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    trigger: job.trigger,
    payload: job.payload,
    result: job.result,
    error: job.error,
    error_code: job.error_code,
    retry_count: job.retry_count,
    max_retries: job.max_retries,
    attempt: job.attempt,
    scheduled_for: iso(job.scheduled_for),
    parent_job_id: job.parent_job_id,
    user_id: job.user_id,
    trace_id: job.trace_id,
    created_at: job.created_at.toISOString(),
    started_at: iso(job.started_at),
    finished_at: iso(job.finished_at),
  }
}

export function eventOut (event: JobEvent) {
  return { id: event.id, timestamp: event.timestamp.toISOString(), level: event.level, source: event.source, message: event.message, data: event.data }
}

// The tenant API's view (any member, read_only included): errors as their users may read
// them. jobOut/eventOut stay complete for staff (/system/*).
export function tenantJobOut (job: Job) {
  return { ...jobOut(job), ...publicJobError(job) }
}

export function tenantEventOut (event: JobEvent) {
  return { ...eventOut(event), ...publicEvent(event) }
}
