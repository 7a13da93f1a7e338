// GET /api/audit/: the current tenant's security events, for its owners and admins.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { Limit } from '../../platform/input/schemas.ts'
import { withTenant } from '../../platform/db/tenant.ts'

const AuditEventOut = Type.Object({
  id: Type.Integer(),
  occurred_at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  outcome: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  correlation_id: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
})

export const auditRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db }> = async (app, { tenantDb }) => {
  app.get('/api/audit', {
    schema: {
      tags: ['audit'],
      summary: 'Security events of this tenant, newest first',
      querystring: Type.Object({
        kind: Type.Optional(Type.String({ maxLength: 50 })),
        limit: Type.Optional(Limit({ max: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Array(AuditEventOut) },
    },
    config: { access: 'audit:read' },
  }, async (request) => {
    const rows = await withTenant(tenantDb, request.principal!.tenantId, (trx) => {
      let query = trx.selectFrom('auth_event').select(['id', 'occurred_at', 'kind', 'outcome', 'user_id', 'ip', 'correlation_id', 'detail'])
      if (request.query.kind !== undefined) query = query.where('kind', '=', request.query.kind)
      return query.orderBy('id', 'desc').limit(request.query.limit ?? 100).execute()
    })
    return rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString() }))
  })
}
