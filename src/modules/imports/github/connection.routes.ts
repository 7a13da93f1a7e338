// /api/connections/github/: connect (POST: the token is checked with GitHub, sealed, and
// a daily import scheduled), look (GET: never the token), disconnect (DELETE: row, token
// and schedule gone), and run the import now (POST …/sync/). Connecting and disconnecting
// are audited: they hand the service, then take back, a key to someone's GitHub account.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { AppError, NotFoundError } from '../../../platform/errors.ts'
import { requestMeta } from '../../../platform/http/request-meta.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import { recordAuthEvent } from '../../identity/audit.ts'
import { enqueueForRequest } from '../../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../../jobs/jobs.schemas.ts'
import { GithubConnectBody, GithubConnectionOut } from '../imports.schemas.ts'
import { findConnectionOfUser } from './connection.repository.ts'
import { connectGithub, disconnectGithub, INGEST_GITHUB, viewGithubConnection, type GithubConnectionDeps } from './connection.service.ts'

export const githubConnectionRoutes: FastifyPluginAsyncTypebox<GithubConnectionDeps & { db: Db; jobs: JobPlatform }> = async (app, deps) => {
  const tags = ['imports']

  app.get('/api/connections/github', {
    schema: { tags, summary: 'Your GitHub connection (never its token)', response: { 200: GithubConnectionOut } },
    config: { access: 'work:read' },
  }, async (request) => viewGithubConnection(deps, request.principal!))

  app.post('/api/connections/github', {
    schema: {
      tags,
      summary: 'Connect GitHub (or replace the token): your merged pull requests and closed issues become draft work logs, daily',
      body: GithubConnectBody,
      response: { 200: GithubConnectionOut, 201: GithubConnectionOut },
    },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    try {
      const { connection, created, login } = await connectGithub(deps, request.principal!, request.body)
      await recordAuthEvent(deps.db, requestMeta(request), { kind: 'github_connected', userId, tenantId, detail: { login, connection_id: connection.id, replaced: !created } })
      return reply.status(created ? 201 : 200).send(connection)
    } catch (error) {
      if (error instanceof AppError && error.code === 'github_token_refused') {
        await recordAuthEvent(deps.db, requestMeta(request), { kind: 'github_connected', outcome: 'failure', userId, tenantId, detail: { reason: error.code } })
      }
      throw error
    }
  })

  app.delete('/api/connections/github', {
    schema: { tags, summary: 'Disconnect GitHub: the stored token and the schedule are deleted (imported work logs stay)', response: { 204: Type.Null() } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const removed = await disconnectGithub(deps, request.principal!)
    await recordAuthEvent(deps.db, requestMeta(request), { kind: 'github_disconnected', userId, tenantId, detail: { login: removed.login, connection_id: removed.id } })
    return reply.status(204).send(null)
  })

  app.post('/api/connections/github/sync', {
    schema: { tags, summary: 'Run the GitHub import now instead of waiting for its schedule (a job)', response: { 202: JobAccepted } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const connection = await withTenant(deps.tenantDb, tenantId, (trx) => findConnectionOfUser(trx, tenantId, userId))
    if (connection === undefined) throw new NotFoundError('GitHub connection')
    const accepted = await enqueueForRequest(request, deps, {
      type: INGEST_GITHUB,
      payload: { connection_id: connection.id },
      message: 'GitHub import queued; new drafts appear in your work log when it finishes.',
    })
    return reply.status(202).send(accepted)
  })
}
