// /api/clients/, /api/projects/, /api/epics/, /api/features/, /api/stories/,
// /api/tasks/, /api/sprints/: list, create, retrieve, PUT, PATCH, delete (or archive).
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import type { Actor } from '../actor.ts'
import { LEVEL_NAMES, LEVELS, Uuid, levelBody, levelListQuery, levelOut, levelPage, type LevelSpec } from './hierarchy.schemas.ts'
import { createLevel, getLevel, listLevels, removeLevel, updateLevelById } from './hierarchy.service.ts'
import { pageLinks, pageRequest } from '../pagination.ts'

const IdParams = Type.Object({ id: Uuid })

export const hierarchyRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db }> = async (app, { tenantDb }) => {
  for (const level of LEVEL_NAMES) registerLevel(LEVELS[level])

  function registerLevel (spec: LevelSpec): void {
    const tags = ['work: organisation']
    const Out = levelOut(spec)
    const actorOf = (principal: { tenantId: string; userId: string } | null): Actor => ({ tenantId: principal!.tenantId, userId: principal!.userId })
    const plural = spec.path.slice('/api/'.length)

    app.get(spec.path, {
      schema: { tags, summary: `List ${plural}`, querystring: levelListQuery(spec), response: { 200: levelPage(spec) } },
      config: { access: 'work:read' },
    }, async (request) => {
      const query = request.query as { page?: number; page_size?: number; is_active?: boolean; search?: string } & Record<string, unknown>
      const page = pageRequest(query)
      const parentId = spec.parent === null ? undefined : query[spec.parent.field] as string | undefined
      const { results, total } = await withTenant(tenantDb, request.principal!.tenantId, (trx) => listLevels(trx, spec, actorOf(request.principal), {
        ...(parentId !== undefined && { parentId }),
        ...(query.is_active !== undefined && { isActive: query.is_active }),
        ...(query.search !== undefined && { search: query.search }),
        limit: page.limit,
        offset: page.offset,
      }))
      return { count: total, ...pageLinks(request, page, total), results }
    })

    app.post(spec.path, {
      schema: { tags, summary: `Create a ${spec.level}`, body: levelBody(spec, false), response: { 201: Out } },
      config: { access: 'work:write' },
    }, async (request, reply) => {
      const created = await withTenant(tenantDb, request.principal!.tenantId, (trx) => createLevel(trx, spec, actorOf(request.principal), request.body as Record<string, unknown>))
      return reply.status(201).send(created)
    })

    app.get(`${spec.path}/:id`, {
      schema: { tags, summary: `One ${spec.level}`, params: IdParams, response: { 200: Out } },
      config: { access: 'work:read' },
    }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => getLevel(trx, spec, actorOf(request.principal), request.params.id)))

    app.put(`${spec.path}/:id`, {
      schema: { tags, summary: `Replace a ${spec.level} (omitted optional fields return to their defaults)`, params: IdParams, body: levelBody(spec, false), response: { 200: Out } },
      config: { access: 'work:write' },
    }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => updateLevelById(trx, spec, actorOf(request.principal), request.params.id, request.body as Record<string, unknown>, true)))

    app.patch(`${spec.path}/:id`, {
      schema: { tags, summary: `Change some fields of a ${spec.level}`, params: IdParams, body: levelBody(spec, true), response: { 200: Out } },
      config: { access: 'work:write' },
    }, async (request) => withTenant(tenantDb, request.principal!.tenantId, (trx) => updateLevelById(trx, spec, actorOf(request.principal), request.params.id, request.body as Record<string, unknown>, false)))

    app.delete(`${spec.path}/:id`, {
      schema: {
        tags,
        summary: `Delete a ${spec.level}; one still referenced is archived (is_active = false) and returned with 200`,
        params: IdParams,
        response: { 200: Out, 204: Type.Null() },
      },
      config: { access: 'work:write' },
    }, async (request, reply) => {
      const { archived } = await withTenant(tenantDb, request.principal!.tenantId, (trx) => removeLevel(trx, spec, actorOf(request.principal), request.params.id))
      return archived === null ? reply.status(204).send(null) : reply.status(200).send(archived)
    })
  }
}
