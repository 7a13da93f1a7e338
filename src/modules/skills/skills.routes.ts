// /api/skills/*: the person's skills, their evidence, and recomputing them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { enqueueForRequest } from '../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../jobs/jobs.schemas.ts'
import { SkillEvidenceOut, SkillListQuery, SkillOut, SkillParams } from './skills.schemas.ts'
import { evidenceOf, skillsOf } from './skills.service.ts'

export const skillRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform }> = async (app, deps) => {
  const tags = ['skills']

  app.get('/api/skills', {
    schema: { tags, summary: 'Your skills with level and confidence', querystring: SkillListQuery, response: { 200: Type.Array(SkillOut) } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    return withTenant(deps.tenantDb, tenantId, (trx) => skillsOf(trx, userId, request.query))
  })

  app.get('/api/skills/:id/evidence', {
    schema: { tags, summary: 'Where a skill was shown', params: SkillParams, response: { 200: Type.Array(SkillEvidenceOut) } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    return withTenant(deps.tenantDb, tenantId, (trx) => evidenceOf(trx, userId, request.params.id))
  })

  app.post('/api/skills/recompute', {
    schema: { tags, summary: 'Recompute your skills from your work logs (a job)', response: { 202: JobAccepted } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const accepted = await enqueueForRequest(request, deps, { type: 'skills.extract', payload: { user_id: request.principal!.userId }, message: 'Skill extraction queued.' })
    return reply.status(202).send(accepted)
  })
}
