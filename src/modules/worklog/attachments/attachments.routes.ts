// /api/worklogs/{worklog_id}/attachments/ (upload, list) and /api/attachments/{id}/
// (download, delete): files attached to a work log as evidence.
import type { MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { Db } from '../../../platform/db/database.ts'
import { AppError } from '../../../platform/errors.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import type { ObjectStore } from '../../../platform/storage/index.ts'
import { AttachmentOut, AttachmentParams, DownloadQuery, WorklogAttachmentParams } from './attachments.schemas.ts'
import { FILE_FIELD, listWorklogAttachments, openDownload, removeAttachment, uploadAttachment, type AttachmentDeps, type UploadPart } from './attachments.service.ts'

export interface AttachmentRoutesOptions {
  tenantDb: Db
  jobs: JobPlatform
  storage: ObjectStore
  maxUploadBytes: number
}

export const attachmentRoutes: FastifyPluginAsyncTypebox<AttachmentRoutesOptions> = async (app, options) => {
  const tags = ['work: attachments']
  const deps = (request: FastifyRequest): AttachmentDeps => ({
    tenantDb: options.tenantDb, jobs: options.jobs, storage: options.storage, maxUploadBytes: options.maxUploadBytes, log: request.log,
  })

  app.post('/api/worklogs/:worklog_id/attachments', {
    schema: {
      tags,
      summary: 'Attach a file to a work log',
      description: `multipart/form-data with one part named "${FILE_FIELD}": PNG, JPEG, GIF, WebP, PDF, plain text, Markdown, CSV, JSON, DOCX, XLSX or PPTX, ` +
        `up to ${options.maxUploadBytes} bytes. The content decides the type; the declared type and the file name must agree with it.`,
      consumes: ['multipart/form-data'],
      params: WorklogAttachmentParams,
      response: { 201: AttachmentOut },
    },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const created = await uploadAttachment(deps(request), { tenantId, userId }, request.params.worklog_id, () => receiveFile(request), request.id)
    return reply.status(201).send(created)
  })

  app.get('/api/worklogs/:worklog_id/attachments', {
    schema: { tags, summary: 'Attachments of a work log, oldest first', params: WorklogAttachmentParams, response: { 200: Type.Array(AttachmentOut) } },
    config: { access: 'work:read' },
  }, async (request) => {
    const { tenantId, userId } = request.principal!
    return listWorklogAttachments(options.tenantDb, { tenantId, userId }, request.params.worklog_id)
  })

  app.get('/api/attachments/:id/download', {
    schema: {
      tags,
      summary: 'Download an attachment',
      description: 'Streams the bytes as a download. With ?redirect=true on MinIO/S3, answers 302 to a presigned URL valid 5 minutes instead.',
      params: AttachmentParams,
      querystring: DownloadQuery,
      response: {
        // A stream is sent as is (never serialized); the schema only documents it.
        200: Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file, with its stored Content-Type.' }),
        302: Type.Null({ description: 'Location: a presigned URL of the object, valid 5 minutes.' }),
      },
    },
    config: { access: 'work:read' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const download = await openDownload(options, { tenantId, userId }, request.params.id, { redirect: request.query.redirect === true })
    // Authorised content must not sit in shared caches; a presigned URL must not be reused after it expires.
    void reply.header('cache-control', 'private, no-store')
    if (download.kind === 'redirect') return reply.redirect(download.url, 302)
    const { attachment, object } = download
    return reply
      .type(attachment.content_type)
      .header('content-length', object.size)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeRfc5987(attachment.filename)}`)
      // Browsers must take the type we decided from the bytes, never guess a more dangerous one.
      .header('x-content-type-options', 'nosniff')
      .send(object.body)
  })

  app.delete('/api/attachments/:id', {
    schema: { tags, summary: 'Delete an attachment and its file', params: AttachmentParams, response: { 204: Type.Null() } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    await removeAttachment(deps(request), { tenantId, userId }, request.params.id)
    return reply.status(204).send(null)
  })
}

/**
 * The request's first file part. Multipart mistakes (not multipart at all, no boundary,
 * too many fields) are the client's, so they become 4xx problems naming the `file` field
 * rather than the plugin's bare errors.
 */
async function receiveFile (request: FastifyRequest): Promise<UploadPart | undefined> {
  if (!request.isMultipart()) return undefined
  let part: MultipartFile | undefined
  try {
    part = await request.file()
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode
    const code = status === 413 ? 'upload_too_large' : 'invalid_multipart'
    throw new AppError(status === 413 ? 413 : 400, code, `The upload could not be read: ${(error as Error).message}.`, { field: FILE_FIELD, cause: error })
  }
  return part
}

/** RFC 5987 ext-value characters: what encodeURIComponent leaves alone, minus ' ( ) *. */
function encodeRfc5987 (value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
