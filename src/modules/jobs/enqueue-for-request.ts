// The one way an HTTP request starts work: enqueue inside the request's tenant
// transaction (with any state change that goes with it), carrying the request's
// correlation id as the job's trace id, and answer with the seed's 202 body.
import type { FastifyRequest } from 'fastify'
import type { Db, Trx } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import type { Job } from '../../platform/jobs/job.table.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'

export interface JobAcceptedBody { job_id: string; status: Job['status']; message: string }

export async function enqueueForRequest (request: FastifyRequest, deps: { tenantDb: Db; jobs: JobPlatform }, input: {
  type: string
  payload: JsonObject
  message: string
  idempotencyKey?: string
  /** Writes that must commit with the enqueue (e.g. enrichment_status = pending). */
  alongside?: (trx: Trx) => Promise<void>
}): Promise<JobAcceptedBody> {
  const principal = request.principal!
  const header = request.headers['idempotency-key']
  const idempotencyKey = input.idempotencyKey ?? (typeof header === 'string' && header !== '' ? `http:${principal.userId}:${header}` : undefined)
  const { job } = await withTenant(deps.tenantDb, principal.tenantId, async (trx) => {
    await input.alongside?.(trx)
    return deps.jobs.enqueue(trx, {
      type: input.type,
      payload: input.payload,
      trigger: 'api',
      tenantId: principal.tenantId,
      userId: principal.userId,
      traceId: request.id,
      ...(idempotencyKey !== undefined && { idempotencyKey }),
    })
  })
  return { job_id: job.id, status: job.status, message: input.message }
}
