// POST /api/imports/git/ (staff only): queue ingest.git for a repository on the server's
// own disk, for self-hosters. Refused unless GIT_IMPORT_ROOT is set and the path lies
// under it; both the refusals and the requests are audited. The drafts land in the
// caller's own work log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { recordAuthEvent } from '../identity/audit.ts'
import { enqueueForRequest } from '../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../jobs/jobs.schemas.ts'
import { ImportPathRefusedError, openImportRepository } from './git/import-root.ts'
import { GitImportBody } from './imports.schemas.ts'

export const INGEST_GIT = 'ingest.git'

export const importRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; db: Db; jobs: JobPlatform; gitImportRoot: string | undefined }> = async (app, deps) => {
  app.post('/api/imports/git', {
    schema: {
      tags: ['imports'],
      summary: 'Import a Git repository on the server\'s disk as draft work logs (staff; a job)',
      description: 'Only for paths under GIT_IMPORT_ROOT. One draft per day and repository of the author\'s commits; importing again adds nothing.',
      body: GitImportBody,
      response: { 202: JobAccepted },
    },
    config: { access: 'system:write' },
  }, async (request, reply) => {
    const { userId, tenantId } = request.principal!
    const audit = (outcome: 'success' | 'denied', detail: Record<string, string>) =>
      recordAuthEvent(deps.db, requestMeta(request), { kind: 'git_import_requested', outcome, userId, tenantId, detail: { path: request.body.path, ...detail } })
    let path: string
    try {
      path = (await openImportRepository(deps.gitImportRoot, request.body.path)).toplevel
    } catch (error) {
      if (error instanceof ImportPathRefusedError) await audit('denied', { reason: error.code })
      throw error
    }
    const accepted = await enqueueForRequest(request, deps, {
      type: INGEST_GIT,
      payload: {
        path,
        author: request.body.author,
        ...(request.body.since !== undefined && { since: request.body.since }),
        ...(request.body.project_id !== undefined && { project_id: request.body.project_id }),
      },
      message: 'Git import queued; its drafts appear in your work log (status draft) when it finishes.',
    })
    await audit('success', { job_id: accepted.job_id })
    return reply.status(202).send(accepted)
  })
}
