// Share links (seed 000/001 `/api/share/`): an owner shares a report or their resume
// through an unguessable token (256 bits; only its SHA-256 is stored) that expires and
// can be revoked. The public view carries no internal ids and no private fields.
// DISABLE_SHARING turns both creation and access off.
import { Type } from 'typebox'
import { sql } from 'kysely'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { AppError, NotFoundError } from '../../platform/errors.ts'
import { isoDayOrNull } from '../../vocabulary/calendar-day.ts'
import { SHARE_TARGET_KINDS } from '../../vocabulary/career.ts'
import { hashToken, newSecretToken } from '../identity/auth.service.ts'
import { sendDocument } from './reports.routes.ts'

const ShareOut = Type.Object({
  id: Type.String(),
  target_kind: Type.String(),
  target_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  access_count: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
})

export const shareRoutes: FastifyPluginAsyncTypebox<{ config: Config; tenantDb: Db; db: Db }> = async (app, { config, tenantDb, db }) => {
  const sharingOff = (): AppError => new AppError(403, 'sharing_disabled', 'Sharing is turned off on this server (DISABLE_SHARING).')

  app.post('/api/share-links', {
    schema: {
      tags: ['share'],
      summary: 'Share a report or your resume; the link is shown once',
      body: Type.Object({
        target_kind: Type.Enum(SHARE_TARGET_KINDS),
        target_id: Type.Optional(Type.String({ format: 'uuid', description: 'The report id; for a resume, omit to share the latest.' })),
        expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 14 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), url: Type.String(), token: Type.String(), expires_at: Type.String({ format: 'date-time' }) }) },
    },
    config: { access: 'share:create' },
  }, async (request, reply) => {
    if (config.flags.disableSharing) throw sharingOff()
    const { userId, tenantId } = request.principal!
    const token = newSecretToken(32)
    const expiresAt = new Date(Date.now() + (request.body.expires_in_days ?? 14) * 86_400_000)
    const link = await withTenant(tenantDb, tenantId, async (trx) => {
      const targetId = request.body.target_kind === 'report'
        ? (await trx.selectFrom('worklog_report').select('id').where('id', '=', request.body.target_id ?? '00000000-0000-0000-0000-000000000000').where('user_id', '=', userId).executeTakeFirst())?.id
        : (await trx.selectFrom('resume').select('id').where('user_id', '=', userId)
            .$if(request.body.target_id !== undefined, (q) => q.where('id', '=', request.body.target_id!))
            .orderBy('created_at', 'desc').limit(1).executeTakeFirst())?.id
      if (targetId === undefined) throw new NotFoundError(request.body.target_kind === 'report' ? 'Report' : 'Resume', 'target_id')
      return trx.insertInto('share_link').values({
        tenant_id: tenantId, created_by: userId, token_hash: hashToken(token), target_kind: request.body.target_kind, target_id: targetId, expires_at: expiresAt,
      }).returning(['id', 'expires_at']).executeTakeFirstOrThrow()
    })
    void reply.header('Cache-Control', 'no-store')
    return reply.status(201).send({ id: link.id, url: `/api/share/${token}/`, token, expires_at: link.expires_at.toISOString() })
  })

  app.get('/api/share-links', {
    schema: { tags: ['share'], summary: 'Your share links', response: { 200: Type.Array(ShareOut) } },
    config: { access: 'reports:read' },
  }, async (request) => {
    const { userId, tenantId } = request.principal!
    const rows = await withTenant(tenantDb, tenantId, (trx) => trx.selectFrom('share_link')
      .select(['id', 'target_kind', 'target_id', 'expires_at', 'revoked_at', 'access_count', 'created_at'])
      .where('created_by', '=', userId).orderBy('created_at', 'desc').execute())
    return rows.map((r) => ({ ...r, expires_at: r.expires_at.toISOString(), revoked_at: r.revoked_at?.toISOString() ?? null, created_at: r.created_at.toISOString() }))
  })

  app.delete('/api/share-links/:id', {
    schema: { tags: ['share'], summary: 'Revoke a share link', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null() } },
    config: { access: 'share:create' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const revoked = await withTenant(tenantDb, tenantId, (trx) => trx.updateTable('share_link').set({ revoked_at: new Date() })
      .where('id', '=', request.params.id).where('created_by', '=', userId).returning('id').executeTakeFirst())
    if (revoked === undefined) throw new NotFoundError('Share link', 'id')
    return reply.status(204).send(null)
  })

  // Public: the token is the only credential. Unknown, expired and revoked links all
  // answer the same 404, so the answer says nothing about which tokens once existed.
  app.get('/api/share/:token', {
    schema: {
      tags: ['share'],
      summary: 'A shared report or resume (public; ?format=md|pdf|docx for files)',
      params: Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }),
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('pdf'), Type.Literal('docx')])) }, { additionalProperties: false }),
    },
    config: { public: true },
  }, async (request, reply) => {
    const gone = new NotFoundError('Shared document')
    if (config.flags.disableSharing) throw gone
    // The platform pool: the token, not a session, decides which tenant's row this is.
    const link = await db.updateTable('share_link')
      .set({ access_count: sql`access_count + 1`, last_accessed_at: new Date() })
      .where('token_hash', '=', hashToken(request.params.token)).where('revoked_at', 'is', null).where('expires_at', '>', new Date())
      .returning(['tenant_id', 'target_kind', 'target_id']).executeTakeFirst()
    if (link === undefined) throw gone
    void reply.header('Cache-Control', 'private, no-store').header('X-Robots-Tag', 'noindex')
    const format = request.query.format ?? 'json'
    if (link.target_kind === 'report') {
      const report = await db.selectFrom('worklog_report').select(['kind', 'title', 'period_start', 'period_end', 'content_md'])
        .where('tenant_id', '=', link.tenant_id).where('id', '=', link.target_id).executeTakeFirst()
      if (report === undefined) throw gone
      if (format !== 'json') return sendDocument(reply, format, report.content_md, report.title, `${report.kind}-report`)
      return { kind: 'report', report_kind: report.kind, title: report.title, period_start: isoDayOrNull(report.period_start), period_end: isoDayOrNull(report.period_end), markdown: report.content_md }
    }
    const resume = await db.selectFrom('resume').select(['json_resume', 'markdown'])
      .where('tenant_id', '=', link.tenant_id).where('id', '=', link.target_id).executeTakeFirst()
    if (resume === undefined) throw gone
    if (format !== 'json') return sendDocument(reply, format, resume.markdown, 'Resume', 'resume')
    return { kind: 'resume', resume: resume.json_resume, markdown: resume.markdown }
  })
}
