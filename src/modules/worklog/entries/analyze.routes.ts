// POST /api/worklogs/{id}/analyze/ (seed 000 pattern 1): queue analysis of one work log.
// The job row and `enrichment_status = pending` commit together; the answer is the
// seed's 202 body, and the job's progress is at /api/jobs/{job_id}/.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../../platform/db/database.ts'
import { NotFoundError } from '../../../platform/errors.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import { enqueueForRequest } from '../../jobs/enqueue-for-request.ts'
import { JobAccepted } from '../../jobs/jobs.schemas.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'

export const analyzeRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; jobs: JobPlatform }> = async (app, deps) => {
  app.post('/api/worklogs/:id/analyze', {
    schema: { tags: ['work: logs'], summary: 'Analyze a work log: summary, skills, bullets (a job)', params: Type.Object({ id: Uuid }), response: { 202: JobAccepted } },
    config: { access: 'work:write' },
  }, async (request, reply) => {
    const accepted = await enqueueForRequest(request, deps, {
      type: 'worklog.analyze',
      payload: { worklog_id: request.params.id },
      message: 'Analysis queued; suggestions appear on the work log when it finishes.',
      alongside: async (trx) => {
        const updated = await trx.updateTable('worklog').set({ enrichment_status: 'pending', updated_at: new Date() })
          .where('id', '=', request.params.id).returning('id').executeTakeFirst()
        if (updated === undefined) throw new NotFoundError('Work log', 'id')
      },
    })
    return reply.status(202).send(accepted)
  })
}
