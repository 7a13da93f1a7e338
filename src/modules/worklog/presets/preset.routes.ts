// /api/presets/: list, create, retrieve, PUT, PATCH, delete; and
// POST /api/presets/{id}/worklogs/ to log work from a preset.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import type { WorklogSaveEffects } from '../entries/worklog.hooks.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'
import { pageLinks, pageRequest } from '../pagination.ts'
import { PresetBody, PresetListQuery, PresetOut, PresetPage, PresetPatchBody, PresetWorklogBody, PresetWorklogOut } from './preset.schemas.ts'
import { createPreset, getPreset, listPresetPage, logWorkFromPreset, removePreset, updatePresetById } from './preset.service.ts'

const IdParams = Type.Object({ id: Uuid })

export const presetRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db } & WorklogSaveEffects> = async (app, { tenantDb, ...effects }) => {
  const tags = ['work: presets']

  app.get('/api/presets', {
    schema: { tags, summary: 'Presets', querystring: PresetListQuery, response: { 200: PresetPage } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    const page = pageRequest(request.query)
    const { results, total } = await withTenant(tenantDb, tenantId, (trx) => listPresetPage(trx, { tenantId, userId }, {
      ...(request.query.is_active !== undefined && { isActive: request.query.is_active }),
      limit: page.limit,
      offset: page.offset,
    }))
    return { count: total, ...pageLinks(request, page, total), results }
  })

  app.post('/api/presets', {
    schema: { tags, summary: 'Create a preset', body: PresetBody, response: { 201: PresetOut } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    return reply.status(201).send(await withTenant(tenantDb, tenantId, (trx) => createPreset(trx, { tenantId, userId }, request.body)))
  })

  app.get('/api/presets/:id', {
    schema: { tags, summary: 'One preset', params: IdParams, response: { 200: PresetOut } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => getPreset(trx, { tenantId, userId }, request.params.id))
  })

  app.put('/api/presets/:id', {
    schema: { tags, summary: 'Replace a preset', params: IdParams, body: PresetBody, response: { 200: PresetOut } },
    config: { access: 'work:write' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => updatePresetById(trx, { tenantId, userId }, request.params.id, request.body, true))
  })

  app.patch('/api/presets/:id', {
    schema: { tags, summary: 'Change some fields of a preset', params: IdParams, body: PresetPatchBody, response: { 200: PresetOut } },
    config: { access: 'work:write' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => updatePresetById(trx, { tenantId, userId }, request.params.id, request.body, false))
  })

  app.delete('/api/presets/:id', {
    schema: { tags, summary: 'Delete a preset', params: IdParams, response: { 204: Type.Null() } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    await withTenant(tenantDb, tenantId, (trx) => removePreset(trx, { tenantId, userId }, request.params.id))
    return reply.status(204).send(null)
  })

  app.post('/api/presets/:id/worklogs', {
    schema: { tags, summary: 'Log work from a preset (its client, project, work type and tags unless given); returns its intake prompt', params: IdParams, body: PresetWorklogBody, response: { 201: PresetWorklogOut } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    return reply.status(201).send(await withTenant(tenantDb, tenantId, (trx) => logWorkFromPreset(trx, { tenantId, userId }, request.params.id, request.body, { effects, traceId: request.id })))
  })
}
