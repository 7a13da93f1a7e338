// /system/* (seed 000 "System Dashboard"): the staff view across all tenants — overview,
// jobs with their timelines, schedules, deep health. Staff only (is_staff), behind
// ADMIN_IP_ALLOWLIST when set, and only when SYSTEM_DASHBOARD_ENABLED.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Db } from '../../platform/db/database.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { EventOut, JobListQuery, JobOut, eventOut, jobOut } from '../jobs/jobs.schemas.ts'
import { runChecks } from './health.ts'
import { summary } from './system.repository.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export interface SystemRoutesDeps {
  db: Db
  jobs: JobPlatform
  schedules: ScheduleService
  readiness: Record<string, () => Promise<void>>
  clock: Clock
}

export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesDeps> = async (app, { db, jobs, schedules, readiness, clock }) => {
  const tags = ['system']
  const access = { access: 'system:read' } as const

  app.get('/system/overview', {
    schema: {
      tags,
      summary: 'Job counts by status, failure rate and activity over the last 24 hours',
      response: {
        200: Type.Object({
          jobs_by_status: Type.Record(Type.String(), Type.Integer()),
          last_24h: Type.Object({ created: Type.Integer(), failed: Type.Integer(), succeeded: Type.Integer(), failure_rate: Type.Number() }),
          tenants: Type.Integer(),
          users: Type.Integer(),
        }),
      },
    },
    config: access,
  }, async () => {
    const { byStatus, last24h, tenants, users } = await summary(db, clock.now())
    const finished = last24h.failed + last24h.succeeded
    return {
      jobs_by_status: byStatus,
      last_24h: { ...last24h, failure_rate: finished === 0 ? 0 : Math.round((last24h.failed / finished) * 10_000) / 10_000 },
      tenants,
      users,
    }
  })

  app.get('/system/jobs', {
    schema: { tags, summary: 'Jobs of every tenant', querystring: JobListQuery, response: { 200: Type.Object({ count: Type.Integer(), results: Type.Array(JobOut) }) } },
    config: access,
  }, async (request) => {
    const { jobs: found, total } = await jobs.list({
      ...(request.query.status !== undefined && { status: request.query.status }),
      ...(request.query.type !== undefined && { type: request.query.type }),
      limit: request.query.limit ?? 50,
      offset: request.query.offset ?? 0,
    })
    return { count: total, results: found.map(jobOut) }
  })

  app.get('/system/jobs/:id', {
    schema: { tags, summary: 'Any job', params: IdParams, response: { 200: JobOut } },
    config: access,
  }, async (request) => jobOut(await jobs.get(request.params.id)))

  app.get('/system/jobs/:id/events', {
    schema: { tags, summary: 'Any job\'s event timeline', params: IdParams, response: { 200: Type.Array(EventOut) } },
    config: access,
  }, async (request) => (await jobs.events(request.params.id)).map(eventOut))

  app.get('/system/schedules', {
    schema: {
      tags,
      summary: 'Every schedule with its last and next run',
      response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), job_type: Type.String(), cron: Type.String(), timezone: Type.String(), enabled: Type.Boolean(), tenant_id: Type.Union([Type.String(), Type.Null()]), last_run_at: Type.Union([Type.String(), Type.Null()]), next_run_at: Type.Union([Type.String(), Type.Null()]) })) },
    },
    config: access,
  }, async () => (await schedules.list()).map((s) => ({
    id: s.id,
    name: s.name,
    job_type: s.job_type,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    tenant_id: s.tenant_id,
    last_run_at: s.last_run_at?.toISOString() ?? null,
    next_run_at: s.next_run_at?.toISOString() ?? null,
  })))

  app.get('/system/health', {
    schema: { tags, summary: 'Deep health: every readiness check with its timing', response: { 200: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), ms: Type.Number(), error: Type.Optional(Type.String()) })) } },
    config: access,
  }, async () => runChecks(readiness))
}
