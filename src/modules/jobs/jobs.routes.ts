// /api/jobs/*: a tenant's jobs, their event timelines, and cancellation. Reads run in a
// tenant transaction, so row-level security limits them to the caller's tenant even
// before the WHERE clause does; another tenant's job id is a 404.
// Errors are shown as tenant users may read them (failure.ts); staff see them whole
// under /system/*.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { findJob, listJobEvents, listJobs } from '../../platform/jobs/job.repository.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { EventOut, JobListQuery, JobOut, tenantEventOut, tenantJobOut } from './jobs.schemas.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const jobRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform }> = async (app, { tenantDb, jobs }) => {
  const tags = ['jobs']

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
    schema: { tags, summary: 'One job with its status and result', params: IdParams, response: { 200: JobOut } },
    config: { access: 'jobs:read' },
  }, async (request) => {
    const job = await withTenant(tenantDb, request.principal!.tenantId, (trx) => findJob(trx, request.params.id))
    if (job === undefined) throw new NotFoundError('Job')
    return tenantJobOut(job)
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
