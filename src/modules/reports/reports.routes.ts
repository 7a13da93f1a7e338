// /api/reports/* and /api/resume/*: generate (202 + a job), list, and download in the
// format asked for — Markdown as stored, JSON, or PDF/DOCX rendered from the Markdown.
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { ValidationError } from '../../platform/errors.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { enqueueForRequest } from '../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../jobs/jobs.schemas.ts'
import { markdownToDocx, markdownToPdf } from './render.ts'
import { DocumentFormatQuery, IdParams, ReportGenerateBody, ReportListQuery, ReportSummary, ResumeFormatQuery, type DocumentFormat } from './reports.schemas.ts'
import { latestResumeOf, reportFilename, reportOf, reportsOf, reportView } from './reports.service.ts'
import { assertScopeInTenant } from './scope.ts'

const PDF = 'application/pdf'
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** Send a Markdown document in the requested format. */
export async function sendDocument (reply: FastifyReply, format: DocumentFormat, markdown: string, title: string, filename: string): Promise<FastifyReply> {
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
      body: ReportGenerateBody,
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
      querystring: ReportListQuery,
      response: { 200: Type.Array(ReportSummary) },
    },
    config: { access: 'reports:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    return withTenant(deps.tenantDb, tenantId, (trx) => reportsOf(trx, userId, request.query))
  })

  app.get('/api/reports/:id', {
    schema: {
      tags,
      summary: 'One report: ?format=json (default), md, pdf or docx',
      params: IdParams,
      querystring: DocumentFormatQuery,
    },
    config: { access: 'reports:read' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const report = await withTenant(deps.tenantDb, tenantId, (trx) => reportOf(trx, userId, request.params.id))
    const format = request.query.format ?? 'json'
    if (format !== 'json') return sendDocument(reply, format, report.content_md, report.title, reportFilename(report))
    return reportView(report)
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
      querystring: ResumeFormatQuery,
    },
    config: { access: 'reports:read' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const resume = await withTenant(deps.tenantDb, tenantId, (trx) => latestResumeOf(trx, userId))
    const format = request.query.format ?? 'json'
    if (format === 'jsonresume') return reply.type('application/json').send(resume.json_resume)
    if (format !== 'json') return sendDocument(reply, format, resume.markdown, 'Resume', 'resume')
    return { id: resume.id, created_at: resume.created_at.toISOString(), json_resume: resume.json_resume, markdown: resume.markdown }
  })
}
