// POST /api/worklogs/import/ (JSON { worklogs: [...] } or text/csv with a header row;
// ?partial=true imports the valid rows) and GET /api/worklogs/export/?format=csv|json|md.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { ValidationError } from '../../../platform/errors.ts'
import { Day } from '../../../platform/input/schemas.ts'
import { csvRows, exportWorklogs, importWorklogs, MAX_IMPORT_ROWS } from './transfer.service.ts'

const ImportBody = Type.Union([
  Type.Object({ worklogs: Type.Array(Type.Unknown(), { maxItems: MAX_IMPORT_ROWS }) }, { additionalProperties: false }),
  Type.String({ description: 'text/csv: a header row naming the fields (occurred_on, content, title, tags as a;b, …), one work log per line.' }),
])
const ImportOut = Type.Object({
  imported: Type.Integer(),
  ids: Type.Array(Type.String({ format: 'uuid' })),
  errors: Type.Array(Type.Object({ row: Type.Integer(), line: Type.Optional(Type.Integer({ description: 'Where the row starts in a CSV.' })), field: Type.String(), message: Type.String() })),
})
const ExportQuery = Type.Object({
  format: Type.Optional(Type.Enum(['csv', 'json', 'md'], { default: 'json' })),
  date_from: Type.Optional(Day()),
  date_to: Type.Optional(Day()),
}, { additionalProperties: false })

export const transferRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db }> = async (app, { tenantDb }) => {
  const tags = ['work: import and export']
  // Only this plugin reads CSV bodies (Fastify scopes the parser to it).
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => { done(null, body) })

  app.post('/api/worklogs/import', {
    schema: { tags, summary: 'Import work logs from CSV or JSON; all or nothing unless ?partial=true', querystring: Type.Object({ partial: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), body: ImportBody, response: { 201: ImportOut } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const rows = typeof request.body === 'string' ? csvRows(request.body) : request.body.worklogs.map((value) => ({ value }))
    const outcome = await withTenant(tenantDb, tenantId, (trx) => importWorklogs(trx, { tenantId, userId }, rows, { partial: request.query.partial ?? false }))
    return reply.status(201).send(outcome)
  })

  app.get('/api/worklogs/export', {
    schema: { tags, summary: 'Export the work logs of a date range as CSV, JSON or Markdown', querystring: ExportQuery },
    config: { access: 'work:read' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const { date_from: from, date_to: to } = request.query
    if (from !== undefined && to !== undefined && to < from) throw new ValidationError('date_to must be on or after date_from.', 'query.date_to')
    const file = await withTenant(tenantDb, tenantId, (trx) => exportWorklogs(trx, { tenantId, userId }, {
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
    }, request.query.format ?? 'json'))
    return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body)
  })
}
