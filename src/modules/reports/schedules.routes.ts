// /api/schedules/*: report schedules ("a weekly report every Friday at 17:00 my time").
// Each is a platform schedule (cron + time zone) that enqueues report.generate for its
// person; the reports land in /api/reports/. Members see and change their own; owners
// and admins (schedules:manage) every one in the tenant, so a schedule left behind by a
// removed or demoted member stays in sight and can be deleted.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { Principal } from '../identity/access-control.ts'
import type { Schedule } from '../../platform/jobs/job.table.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { findMembership, profileTimeZone } from '../identity/members.repository.ts'
import { roleAllows, roleMayRun } from '../identity/permissions.ts'
import { IdParams, ScheduleCreateBody, ScheduleOut, SchedulePatchBody } from './reports.schemas.ts'
import { assertScopeInTenant } from './scope.ts'

function scheduleOut (s: Schedule): ScheduleOut {
  const { kind, user_id: _user, ...scope } = s.payload as Record<string, string>
  return {
    // Names are unique per tenant, so each person's are stored prefixed with their id.
    id: s.id,
    user_id: s.user_id,
    name: s.name.replace(/^[0-9a-f-]{36}:/, ''),
    kind: kind ?? '',
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    scope,
    last_run_at: s.last_run_at?.toISOString() ?? null,
    next_run_at: s.next_run_at?.toISOString() ?? null,
  }
}

export const scheduleRoutes: FastifyPluginAsyncTypebox<{ db: Db; tenantDb: Db; schedules: ScheduleService }> = async (app, { db, tenantDb, schedules }) => {
  const tags = ['schedules']
  const managesAll = (principal: Principal): boolean => roleAllows(principal.role, 'schedules:manage')
  /** A report schedule the caller may see and change; anything else is a 404. */
  const reachable = async (id: string, principal: Principal): Promise<Schedule> => {
    const schedule = await schedules.get(id, principal.tenantId)
    if (schedule.job_type !== 'report.generate' || (schedule.user_id !== principal.userId && !managesAll(principal))) throw new NotFoundError('Schedule', 'id')
    return schedule
  }
  /** Switching a schedule on for someone who may no longer run its jobs would only make failing jobs. */
  const assertOwnerMayRun = async (schedule: Schedule, tenantId: string): Promise<void> => {
    const action = schedules.requiredAction(schedule.job_type)
    if (schedule.user_id === null || action === undefined) return
    const userId = schedule.user_id
    const membership = await withTenant(tenantDb, tenantId, (trx) => findMembership(trx, userId))
    if (membership === undefined || !membership.is_active || !roleMayRun(membership.role, action)) {
      throw new ConflictError('This schedule\'s person is no longer a member who may run it; it stays disabled (delete it, or ask them to create their own).', 'enabled')
    }
  }

  app.get('/api/schedules', {
    schema: { tags, summary: 'Your report schedules', response: { 200: Type.Array(ScheduleOut) } },
    config: { access: 'schedules:read' },
  }, async (request) => {
    const principal = request.principal!
    const { tenantId, userId } = principal
    const found = await schedules.list(managesAll(principal) ? { tenantId } : { tenantId, userId })
    return found.filter((s) => s.job_type === 'report.generate').map(scheduleOut)
  })

  app.post('/api/schedules', {
    schema: {
      tags,
      summary: 'Schedule a report (cron in your time zone, e.g. "0 17 * * 5")',
      body: ScheduleCreateBody,
      response: { 201: ScheduleOut },
    },
    config: { access: 'schedules:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const { name, kind, cron, timezone, enabled, ...scope } = request.body
    await withTenant(tenantDb, tenantId, (trx) => assertScopeInTenant(trx, scope))
    const created = await schedules.create({
      name: `${userId}:${name}`,
      jobType: 'report.generate',
      cron,
      timezone: timezone ?? await profileTimeZone(db, userId),
      payload: { kind, user_id: userId, ...scope },
      tenantId,
      userId,
      ...(enabled !== undefined && { enabled }),
    })
    return reply.status(201).send(scheduleOut(created))
  })

  app.patch('/api/schedules/:id', {
    schema: {
      tags,
      summary: 'Change a report schedule',
      params: IdParams,
      body: SchedulePatchBody,
      response: { 200: ScheduleOut },
    },
    config: { access: 'schedules:write' },
  }, async (request) => {
    const { tenantId } = request.principal!
    const current = await reachable(request.params.id, request.principal!)
    const { kind, cron, timezone, enabled, ...scope } = request.body
    // Only the ids this request names: one whose row was deleted since must not stop its
    // owner from disabling or otherwise changing the schedule.
    await withTenant(tenantDb, tenantId, (trx) => assertScopeInTenant(trx, scope))
    if (enabled ?? current.enabled) await assertOwnerMayRun(current, tenantId)
    const payload = { ...current.payload, ...(kind !== undefined && { kind }), ...scope }
    const updated = await schedules.update(current.id, {
      payload,
      ...(cron !== undefined && { cron }),
      ...(timezone !== undefined && { timezone }),
      ...(enabled !== undefined && { enabled }),
    }, tenantId)
    return scheduleOut(updated)
  })

  app.delete('/api/schedules/:id', {
    schema: { tags, summary: 'Delete a report schedule', params: IdParams, response: { 204: Type.Null() } },
    config: { access: 'schedules:write' },
  }, async (request, reply) => {
    const principal = request.principal!
    await schedules.remove((await reachable(request.params.id, principal)).id, principal.tenantId)
    return reply.status(204).send(null)
  })
}
