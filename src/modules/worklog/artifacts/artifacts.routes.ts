// /api/worklogs/{worklog_id}/links/, /bullets/, /skill-signals/ (and /{id}/ of each):
// list, create, retrieve, PUT, PATCH, delete.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { ARTIFACTS, artifactBody, artifactOut, type ArtifactSpec } from './artifacts.schemas.ts'
import { createArtifact, getArtifact, listWorklogArtifacts, removeArtifact, updateArtifactById } from './artifacts.service.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'

const WorklogParams = Type.Object({ worklog_id: Uuid })
const ItemParams = Type.Object({ worklog_id: Uuid, id: Uuid })

export const artifactRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db }> = async (app, { tenantDb }) => {
  for (const spec of ARTIFACTS) register(spec)

  function register (spec: ArtifactSpec): void {
    const tags = ['work: log details']
    const base = `/api/worklogs/:worklog_id/${spec.segment}`
    const Out = artifactOut(spec)
    const noun = spec.label.toLowerCase()

    app.get(base, {
      schema: { tags, summary: `${spec.label}s of a work log`, params: WorklogParams, response: { 200: Type.Array(Out) } },
      config: { access: 'work:read' },
    }, async (request) => {
      const { tenantId, userId } = request.principal!
      return withTenant(tenantDb, tenantId, (trx) => listWorklogArtifacts(trx, spec, { tenantId, userId }, request.params.worklog_id))
    })

    app.post(base, {
      schema: { tags, summary: `Add a ${noun}`, params: WorklogParams, body: artifactBody(spec, false), response: { 201: Out } },
      config: { access: 'work:write' },
    }, async (request, reply) => {
      const { tenantId, userId } = request.principal!
      const created = await withTenant(tenantDb, tenantId, (trx) => createArtifact(trx, spec, { tenantId, userId }, request.params.worklog_id, request.body as Record<string, unknown>))
      return reply.status(201).send(created)
    })

    app.get(`${base}/:id`, {
      schema: { tags, summary: `One ${noun}`, params: ItemParams, response: { 200: Out } },
      config: { access: 'work:read' },
    }, async (request) => {
      const { tenantId, userId } = request.principal!
      return withTenant(tenantDb, tenantId, (trx) => getArtifact(trx, spec, { tenantId, userId }, request.params.worklog_id, request.params.id))
    })

    for (const [method, replace] of [['put', true], ['patch', false]] as const) {
      app[method](`${base}/:id`, {
        schema: { tags, summary: replace ? `Replace a ${noun}` : `Change some fields of a ${noun}`, params: ItemParams, body: artifactBody(spec, !replace), response: { 200: Out } },
        config: { access: 'work:write' },
      }, async (request) => {
        const { tenantId, userId } = request.principal!
        return withTenant(tenantDb, tenantId, (trx) => updateArtifactById(trx, spec, { tenantId, userId }, request.params.worklog_id, request.params.id, request.body as Record<string, unknown>, replace))
      })
    }

    app.delete(`${base}/:id`, {
      schema: { tags, summary: `Delete a ${noun}`, params: ItemParams, response: { 204: Type.Null() } },
      config: { access: 'work:write' },
    }, async (request, reply) => {
      const { tenantId, userId } = request.principal!
      await withTenant(tenantDb, tenantId, (trx) => removeArtifact(trx, spec, { tenantId, userId }, request.params.worklog_id, request.params.id))
      return reply.status(204).send(null)
    })
  }
}
