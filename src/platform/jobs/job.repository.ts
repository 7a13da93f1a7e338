// Read queries over jobs and their events. Plain functions taking an executor first, so
// they run in a caller's transaction or on their own.
import type { Executor } from '../db/database.ts'
import type { Job, JobEvent, JobStatus } from './job.table.ts'

export interface JobFilter {
  tenantId?: string | null
  status?: JobStatus
  type?: string
  userId?: string
  parentJobId?: string
  createdAfter?: Date
  limit?: number
  offset?: number
}

export async function findJob (executor: Executor, id: string): Promise<Job | undefined> {
  return executor.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listJobs (executor: Executor, filter: JobFilter = {}): Promise<{ jobs: Job[]; total: number }> {
  let query = executor.selectFrom('job')
  if (filter.tenantId !== undefined) {
    const tenantId = filter.tenantId
    query = query.where((eb) => tenantId === null ? eb('tenant_id', 'is', null) : eb('tenant_id', '=', tenantId))
  }
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.type !== undefined) query = query.where('type', '=', filter.type)
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId)
  if (filter.parentJobId !== undefined) query = query.where('parent_job_id', '=', filter.parentJobId)
  if (filter.createdAfter !== undefined) query = query.where('created_at', '>=', filter.createdAfter)
  const [jobs, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 50).offset(filter.offset ?? 0).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { jobs, total: Number(count.total) }
}

/** A job's events, oldest first; with `afterId`, only those written after that event. */
export async function listJobEvents (executor: Executor, jobId: string, afterId?: number): Promise<JobEvent[]> {
  let query = executor.selectFrom('event').selectAll().where('job_id', '=', jobId)
  if (afterId !== undefined) query = query.where('id', '>', afterId)
  return query.orderBy('id').execute()
}

/** A tenant's job events after `afterId` with their job's type and status (a stream resuming). */
export async function listTenantJobEventsAfter (executor: Executor, tenantId: string, afterId: number, options: { type?: string; limit: number }) {
  let query = executor.selectFrom('event as e').innerJoin('job as j', 'j.id', 'e.job_id')
    .selectAll('e').select(['j.type as job_type', 'j.status as job_status'])
    .where('e.tenant_id', '=', tenantId).where('e.id', '>', afterId)
  if (options.type !== undefined) query = query.where('j.type', '=', options.type)
  return query.orderBy('e.id').limit(options.limit).execute()
}
