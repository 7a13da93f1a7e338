// /api/worklogs/: list (filters, full-text search, ordering, pagination), create,
// retrieve, PUT, PATCH, delete. Every handler runs in one withTenant transaction.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'
import { pageLinks, pageRequest } from '../pagination.ts'
import { WorklogCreateBody, WorklogListQuery, WorklogOut, WorklogPage, WorklogPatchBody, WorklogReplaceBody } from './worklog.schemas.ts'
import type { WorklogSaveEffects } from './worklog.hooks.ts'
import { editWorklog, getWorklog, listWorklogPage, logWork, removeWorklog } from './worklog.service.ts'

const IdParams = Type.Object({ id: Uuid })

export const worklogEntryRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db } & WorklogSaveEffects> = async (app, { tenantDb, ...effects }) => {
  const tags = ['work: logs']

  app.get('/api/worklogs', {
    schema: { tags, summary: 'Work logs, filtered, searched, ordered and paginated', querystring: WorklogListQuery, response: { 200: WorklogPage } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { page: _page, page_size: _size, ordering, ...filter } = request.query
    const page = pageRequest(request.query)
    const { tenantId, userId } = request.principal!
    const { results, total, capped } = await withTenant(tenantDb, tenantId, (trx) => listWorklogPage(trx, { tenantId, userId }, filter, {
      ...(ordering !== undefined && { ordering }),
      limit: page.limit,
      offset: page.offset,
    }))
    return { count: total, ...(capped && { count_capped: true as const }), ...pageLinks(request, page, total), results }
  })

  app.post('/api/worklogs', {
    schema: { tags, summary: 'Log work', body: WorklogCreateBody, response: { 201: WorklogOut } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const created = await withTenant(tenantDb, tenantId, (trx) => logWork(trx, { tenantId, userId }, request.body, { effects, traceId: request.id }))
    return reply.status(201).send(created)
  })

  app.get('/api/worklogs/:id', {
    schema: { tags, summary: 'One work log', params: IdParams, response: { 200: WorklogOut } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => getWorklog(trx, { tenantId, userId }, request.params.id))
  })

  app.put('/api/worklogs/:id', {
    schema: { tags, summary: 'Replace a work log (omitted optional fields return to their defaults)', params: IdParams, body: WorklogReplaceBody, response: { 200: WorklogOut } },
    config: { access: 'work:write' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => editWorklog(trx, { tenantId, userId }, request.params.id, request.body, true, { effects, traceId: request.id }))
  })

  app.patch('/api/worklogs/:id', {
    schema: { tags, summary: 'Change some fields of a work log', params: IdParams, body: WorklogPatchBody, response: { 200: WorklogOut } },
    config: { access: 'work:write' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => editWorklog(trx, { tenantId, userId }, request.params.id, request.body, false, { effects, traceId: request.id }))
  })

  app.delete('/api/worklogs/:id', {
    schema: { tags, summary: 'Delete a work log with its links, bullets, skill signals and attachment rows', params: IdParams, response: { 204: Type.Null() } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    await withTenant(tenantDb, tenantId, (trx) => removeWorklog(trx, { tenantId, userId }, request.params.id))
    return reply.status(204).send(null)
  })
}
