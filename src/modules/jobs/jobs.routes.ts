// /api/jobs/*: a tenant's jobs, their event timelines, and cancellation. Reads run in a
// tenant transaction, so row-level security limits them to the caller's tenant even
// before the WHERE clause does; another tenant's job id is a 404.
// Errors are shown as tenant users may read them (failure.ts); staff see them whole
// under /system/*.
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { NotFoundError, ValidationError } from '../../platform/errors.ts'
import { TERMINAL_STATUSES } from '../../platform/jobs/event-hub.ts'
import { findJob, listJobEvents, listJobs } from '../../platform/jobs/job.repository.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { streamJob, streamTenantEvents, waitForJob, type JobStreamDeps } from './job-streams.ts'
import { EventOut, EventStreamQuery, JobListQuery, JobOut, JobWaitQuery, tenantEventOut, tenantJobOut } from './jobs.schemas.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
const STREAM_DESCRIPTION = 'text/event-stream: each event has its row id as SSE id (send it back as Last-Event-ID to resume), a comment every 15 s keeps the connection alive.'

/** Last-Event-ID: the id of the last event the client received, to resume after it. */
function lastEventId (request: FastifyRequest): number | undefined {
  const value = request.headers['last-event-id']
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new ValidationError('Last-Event-ID must be the id of an event (digits).', 'headers.last-event-id')
  return Number(value)
}

export const jobRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform; streams: Omit<JobStreamDeps, 'tenantDb'> }> = async (app, { tenantDb, jobs, streams }) => {
  const tags = ['jobs']
  const live: JobStreamDeps = { ...streams, tenantDb }

  app.get('/api/jobs', {
    schema: { tags, summary: 'Jobs of the current tenant, newest first', querystring: JobListQuery, response: { 200: Type.Object({ count: Type.Integer(), results: Type.Array(JobOut) }) } },
    config: { access: 'jobs:read' },
  }, async (request) => {
    const { tenantId } = request.principal!
    const { jobs: found, total } = await withTenant(tenantDb, tenantId, (trx) => listJobs(trx, {
      tenantId,
      ...(request.query.status !== undefined && { status: request.query.status }),
      ...(request.query.type !== undefined && { type: request.query.type }),
      limit: request.query.limit ?? 50,
      offset: request.query.offset ?? 0,
    }))
    return { count: total, results: found.map(tenantJobOut) }
  })

  app.get('/api/jobs/:id', {
    schema: {
      tags,
      summary: 'One job with its status and result',
      description: 'With ?wait=N (seconds, at most 30) the answer comes as soon as the job has ended, or after N seconds as it is then.',
      params: IdParams,
      querystring: JobWaitQuery,
      response: { 200: JobOut },
    },
    config: { access: 'jobs:read' },
  }, async (request, reply) => {
    const { tenantId } = request.principal!
    let job = await withTenant(tenantDb, tenantId, (trx) => findJob(trx, request.params.id))
    const waitSeconds = request.query.wait ?? 0
    if (job !== undefined && waitSeconds > 0 && !TERMINAL_STATUSES.has(job.status)) {
      job = await waitForJob(live, reply, { tenantId, jobId: job.id, waitMs: waitSeconds * 1000 })
    }
    if (job === undefined) throw new NotFoundError('Job')
    return tenantJobOut(job)
  })

  app.get('/api/jobs/:id/stream', {
    schema: { tags, summary: 'The job\'s event timeline, live, ending with its final status', description: STREAM_DESCRIPTION, params: IdParams, produces: ['text/event-stream'] },
    config: { access: 'jobs:read' },
  }, async (request, reply) => {
    const { tenantId } = request.principal!
    const afterId = lastEventId(request) ?? 0
    const job = await withTenant(tenantDb, tenantId, (trx) => findJob(trx, request.params.id))
    if (job === undefined) throw new NotFoundError('Job')
    streamJob(live, reply, { tenantId, jobId: job.id, afterId })
    return reply
  })

  app.get('/api/events/stream', {
    schema: { tags, summary: 'The tenant\'s job events and status changes, live', description: STREAM_DESCRIPTION, querystring: EventStreamQuery, produces: ['text/event-stream'] },
    config: { access: 'jobs:read' },
  }, async (request, reply) => {
    const afterId = lastEventId(request)
    streamTenantEvents(live, reply, {
      tenantId: request.principal!.tenantId,
      ...(request.query.type !== undefined && { type: request.query.type }),
      ...(afterId !== undefined && { afterId }),
    })
    return reply
  })

  app.get('/api/jobs/:id/events', {
    schema: { tags, summary: 'The job\'s event timeline, oldest first', params: IdParams, response: { 200: Type.Array(EventOut) } },
    config: { access: 'jobs:read' },
  }, async (request) => {
    return withTenant(tenantDb, request.principal!.tenantId, async (trx) => {
      if (await findJob(trx, request.params.id) === undefined) throw new NotFoundError('Job')
      return (await listJobEvents(trx, request.params.id)).map(tenantEventOut)
    })
  })

  app.post('/api/jobs/:id/cancel', {
    schema: { tags, summary: 'Cancel a queued or running job', params: IdParams, response: { 200: JobOut } },
    config: { access: 'jobs:cancel' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return tenantJobOut(await jobs.cancel(request.params.id, { tenantId, by: `user:${userId}` }))
  })
}
