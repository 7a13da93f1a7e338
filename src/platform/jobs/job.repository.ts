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

export async function listJobEvents (executor: Executor, jobId: string): Promise<JobEvent[]> {
  return executor.selectFrom('event').selectAll().where('job_id', '=', jobId).orderBy('id').execute()
}
