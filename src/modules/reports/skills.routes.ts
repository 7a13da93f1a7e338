// /api/skills/*: the person's skills, their evidence, and recomputing them.
import { Type } from 'typebox'
import { sql } from 'kysely'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { NotFoundError } from '../../platform/errors.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { enqueueForRequest } from '../jobs/enqueue-for-request.ts'
import { isoDayOrNull } from '../../vocabulary/calendar-day.ts'
import { SKILL_LEVELS } from '../../vocabulary/career.ts'
import { JobAccepted } from '../jobs/jobs.schemas.ts'

const Level = Type.Enum(SKILL_LEVELS)
const SkillOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  level: Level,
  confidence: Type.Number(),
  evidence_count: Type.Integer(),
  worklog_count: Type.Integer(),
  first_seen_on: Type.Union([Type.String(), Type.Null()]),
  last_seen_on: Type.Union([Type.String(), Type.Null()]),
})
const LEVEL_RANK = sql<number>`array_position(${[...SKILL_LEVELS]}::text[], level)`

export const skillRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform }> = async (app, deps) => {
  const tags = ['skills']

  app.get('/api/skills', {
    schema: {
      tags,
      summary: 'Your skills with level and confidence',
      querystring: Type.Object({
        kind: Type.Optional(Type.String({ maxLength: 40 })),
        level: Type.Optional(Level),
        min_confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        sort: Type.Optional(Type.Union([Type.Literal('confidence'), Type.Literal('level'), Type.Literal('last_seen'), Type.Literal('name')])),
      }, { additionalProperties: false }),
      response: { 200: Type.Array(SkillOut) },
    },
    config: { access: 'work:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    const rows = await withTenant(deps.tenantDb, tenantId, (trx) => {
      let query = trx.selectFrom('skill').select(['id', 'name', 'kind', 'level', 'confidence', 'evidence_count', 'worklog_count', 'first_seen_on', 'last_seen_on']).where('user_id', '=', userId)
      if (request.query.kind !== undefined) query = query.where('kind', '=', request.query.kind)
      if (request.query.level !== undefined) query = query.where('level', '=', request.query.level)
      if (request.query.min_confidence !== undefined) query = query.where('confidence', '>=', request.query.min_confidence)
      switch (request.query.sort ?? 'confidence') {
        case 'level': query = query.orderBy(LEVEL_RANK, 'desc').orderBy('confidence', 'desc'); break
        case 'last_seen': query = query.orderBy('last_seen_on', 'desc'); break
        case 'name': query = query.orderBy('name'); break
        default: query = query.orderBy('confidence', 'desc')
      }
      return query.orderBy('id').execute()
    })
    return rows.map((r) => ({ ...r, first_seen_on: isoDayOrNull(r.first_seen_on), last_seen_on: isoDayOrNull(r.last_seen_on) }))
  })

  app.get('/api/skills/:id/evidence', {
    schema: {
      tags,
      summary: 'Where a skill was shown',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Array(Type.Object({ worklog_id: Type.String(), excerpt: Type.String(), occurred_on: Type.Union([Type.String(), Type.Null()]), confidence: Type.Number() })) },
    },
    config: { access: 'work:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    return withTenant(deps.tenantDb, tenantId, async (trx) => {
      const skill = await trx.selectFrom('skill').select('id').where('id', '=', request.params.id).where('user_id', '=', userId).executeTakeFirst()
      if (skill === undefined) throw new NotFoundError('Skill', 'id')
      const rows = await trx.selectFrom('skill_evidence').select(['source_id', 'excerpt', 'occurred_on', 'confidence'])
        .where('skill_id', '=', skill.id).orderBy('occurred_on', 'desc').execute()
      return rows.map((r) => ({ worklog_id: r.source_id, excerpt: r.excerpt, occurred_on: isoDayOrNull(r.occurred_on), confidence: r.confidence }))
    })
  })

  app.post('/api/skills/recompute', {
    schema: { tags, summary: 'Recompute your skills from your work logs (a job)', response: { 202: JobAccepted } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const accepted = await enqueueForRequest(request, deps, { type: 'skills.extract', payload: { user_id: request.principal!.userId }, message: 'Skill extraction queued.' })
    return reply.status(202).send(accepted)
  })
}
