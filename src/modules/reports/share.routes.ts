// Share links (seed 000/001 `/api/share/`): an owner shares a report or their resume
// through an unguessable token that expires and can be revoked (reports.service.ts).
// The public view carries no internal ids and no private fields. DISABLE_SHARING turns
// both creation and access off.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { AppError, NotFoundError } from '../../platform/errors.ts'
import { sendDocument } from './reports.routes.ts'
import { DocumentFormatQuery, IdParams, ShareLinkBody, ShareLinkCreated, ShareLinkOut, ShareTokenParams } from './reports.schemas.ts'
import { createShareLink, openSharedDocument, revokeShareLinkOf, shareLinksOf } from './reports.service.ts'

export const shareRoutes: FastifyPluginAsyncTypebox<{ config: Config; tenantDb: Db; db: Db }> = async (app, { config, tenantDb, db }) => {
  const sharingOff = (): AppError => new AppError(403, 'sharing_disabled', 'Sharing is turned off on this server (DISABLE_SHARING).')

  app.post('/api/share-links', {
    schema: {
      tags: ['share'],
      summary: 'Share a report or your resume; the link is shown once',
      body: ShareLinkBody,
      response: { 201: ShareLinkCreated },
    },
    config: { access: 'share:create' },
  }, async (request, reply) => {
    if (config.flags.disableSharing) throw sharingOff()
    const { userId, tenantId } = request.principal!
    const created = await withTenant(tenantDb, tenantId, (trx) => createShareLink(trx, { tenantId, userId }, request.body))
    void reply.header('Cache-Control', 'no-store')
    return reply.status(201).send(created)
  })

  app.get('/api/share-links', {
    schema: { tags: ['share'], summary: 'Your share links', response: { 200: Type.Array(ShareLinkOut) } },
    config: { access: 'reports:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    return withTenant(tenantDb, tenantId, (trx) => shareLinksOf(trx, userId))
  })

  app.delete('/api/share-links/:id', {
    schema: { tags: ['share'], summary: 'Revoke a share link', params: IdParams, response: { 204: Type.Null() } },
    config: { access: 'share:create' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    await withTenant(tenantDb, tenantId, (trx) => revokeShareLinkOf(trx, userId, request.params.id))
    return reply.status(204).send(null)
  })

  // Public: the token is the only credential. Unknown, expired and revoked links all
  // answer the same 404, so the answer says nothing about which tokens once existed.
  app.get('/api/share/:token', {
    schema: {
      tags: ['share'],
      summary: 'A shared report or resume (public; ?format=md|pdf|docx for files)',
      params: ShareTokenParams,
      querystring: DocumentFormatQuery,
    },
    config: { public: true },
  }, async (request, reply) => {
    const gone = new NotFoundError('Shared document')
    if (config.flags.disableSharing) throw gone
    const shared = await openSharedDocument(db, request.params.token)
    if (shared === undefined) throw gone
    void reply.header('Cache-Control', 'private, no-store').header('X-Robots-Tag', 'noindex')
    const format = request.query.format ?? 'json'
    if (format === 'json') return shared
    return shared.kind === 'report'
      ? sendDocument(reply, format, shared.markdown, shared.title, `${shared.report_kind}-report`)
      : sendDocument(reply, format, shared.markdown, 'Resume', 'resume')
  })
}
