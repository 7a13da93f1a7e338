// /api/reports/* and /api/resume/*: generate (202 + a job), list, and download in the
// format asked for — Markdown as stored, JSON, or PDF/DOCX rendered from the Markdown.
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { NotFoundError, ValidationError } from '../../platform/errors.ts'
import { Day, Limit } from '../../platform/input/schemas.ts'
import { isoDayOrNull } from '../../vocabulary/calendar-day.ts'
import { REPORT_KINDS } from '../../vocabulary/career.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { enqueueForRequest } from '../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../jobs/jobs.schemas.ts'
import { markdownToDocx, markdownToPdf } from './render.ts'
import { assertScopeInTenant } from './scope.ts'

const ReportKind = Type.Enum(REPORT_KINDS)
const ReportSummary = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  period_start: Type.Union([Type.String(), Type.Null()]),
  period_end: Type.Union([Type.String(), Type.Null()]),
  created_via: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
})
const PDF = 'application/pdf'
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** Send a Markdown document in the requested format. */
export async function sendDocument (reply: FastifyReply, format: 'md' | 'pdf' | 'docx', markdown: string, title: string, filename: string): Promise<FastifyReply> {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-')
  if (format === 'pdf') return reply.type(PDF).header('Content-Disposition', `attachment; filename="${safe}.pdf"`).send(await markdownToPdf(markdown, title))
  if (format === 'docx') return reply.type(DOCX).header('Content-Disposition', `attachment; filename="${safe}.docx"`).send(await markdownToDocx(markdown, title))
  return reply.type('text/markdown; charset=utf-8').send(markdown)
}

export const reportRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform }> = async (app, deps) => {
  const tags = ['reports']

  app.post('/api/reports/generate', {
    schema: {
      tags,
      summary: 'Generate a report (a job; the report appears in /api/reports/)',
      body: Type.Object({
        kind: ReportKind,
        period_start: Type.Optional(Day()),
        period_end: Type.Optional(Day()),
        client_id: Type.Optional(Type.String({ format: 'uuid' })),
        project_id: Type.Optional(Type.String({ format: 'uuid' })),
        sprint_id: Type.Optional(Type.String({ format: 'uuid' })),
      }, { additionalProperties: false }),
      response: { 202: JobAccepted },
    },
    config: { access: 'reports:write' },
  }, async (request, reply) => {
    const body = request.body
    if (body.period_start !== undefined && body.period_end !== undefined && body.period_end < body.period_start) {
      throw new ValidationError('period_end must not be before period_start.', 'period_end')
    }
    const { tenantId } = request.principal!
    // A scope id from another tenant is a 404, like everywhere else.
    await withTenant(deps.tenantDb, tenantId, (trx) => assertScopeInTenant(trx, body))
    const accepted = await enqueueForRequest(request, deps, { type: 'report.generate', payload: { ...body, user_id: request.principal!.userId }, message: `A ${body.kind} report is being generated.` })
    return reply.status(202).send(accepted)
  })

  app.get('/api/reports', {
    schema: {
      tags,
      summary: 'Your reports, newest first',
      querystring: Type.Object({ kind: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Optional(Limit({ default: 50 })) }, { additionalProperties: false }),
      response: { 200: Type.Array(ReportSummary) },
    },
    config: { access: 'reports:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    const rows = await withTenant(deps.tenantDb, tenantId, (trx) => {
      let query = trx.selectFrom('worklog_report').select(['id', 'kind', 'title', 'period_start', 'period_end', 'created_via', 'created_at']).where('user_id', '=', userId)
      if (request.query.kind !== undefined) query = query.where('kind', '=', request.query.kind)
      return query.orderBy('created_at', 'desc').limit(request.query.limit ?? 50).execute()
    })
    return rows.map((r) => ({ ...r, period_start: isoDayOrNull(r.period_start), period_end: isoDayOrNull(r.period_end), created_at: r.created_at.toISOString() }))
  })

  app.get('/api/reports/:id', {
    schema: {
      tags,
      summary: 'One report: ?format=json (default), md, pdf or docx',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('pdf'), Type.Literal('docx')])) }, { additionalProperties: false }),
    },
    config: { access: 'reports:read' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const report = await withTenant(deps.tenantDb, tenantId, (trx) => trx.selectFrom('worklog_report').selectAll().where('id', '=', request.params.id).where('user_id', '=', userId).executeTakeFirst())
    if (report === undefined) throw new NotFoundError('Report', 'id')
    const format = request.query.format ?? 'json'
    if (format !== 'json') return sendDocument(reply, format, report.content_md, report.title, `${report.kind}-report-${isoDayOrNull(report.period_end) ?? report.id}`)
    return {
      id: report.id,
      kind: report.kind,
      title: report.title,
      period_start: isoDayOrNull(report.period_start),
      period_end: isoDayOrNull(report.period_end),
      client_id: report.client_id,
      project_id: report.project_id,
      sprint_id: report.sprint_id,
      markdown: report.content_md,
      stats: report.metadata.stats ?? null,
      created_via: report.created_via,
      created_at: report.created_at.toISOString(),
    }
  })

  app.post('/api/resume/refresh', {
    schema: { tags: ['resume'], summary: 'Rebuild your resume (a job)', response: { 202: JobAccepted } },
    config: { access: 'reports:write' },
  }, async (request, reply) => {
    return reply.status(202).send(await enqueueForRequest(request, deps, { type: 'resume.refresh', payload: { user_id: request.principal!.userId }, message: 'Your resume is being rebuilt.' }))
  })

  app.get('/api/resume', {
    schema: {
      tags: ['resume'],
      summary: 'Your latest resume: ?format=json (default), jsonresume, md, pdf or docx',
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonresume'), Type.Literal('md'), Type.Literal('pdf'), Type.Literal('docx')])) }, { additionalProperties: false }),
    },
    config: { access: 'reports:read' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const resume = await withTenant(deps.tenantDb, tenantId, (trx) => trx.selectFrom('resume').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(1).executeTakeFirst())
    if (resume === undefined) throw new NotFoundError('Resume (none built yet: POST /api/resume/refresh/)')
    const format = request.query.format ?? 'json'
    if (format === 'jsonresume') return reply.type('application/json').send(resume.json_resume)
    if (format !== 'json') return sendDocument(reply, format, resume.markdown, 'Resume', 'resume')
    return { id: resume.id, created_at: resume.created_at.toISOString(), json_resume: resume.json_resume, markdown: resume.markdown }
  })
}
