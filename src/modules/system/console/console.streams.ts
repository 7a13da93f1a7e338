// The console's live views, over the process's one event hub: every job event of every
// tenant (the overview and the jobs list refresh themselves from it), and one job's
// timeline as rendered rows. Staff see events whole, as /system/* shows them.
import type { FastifyReply } from 'fastify'
import type { Db } from '../../../platform/db/database.ts'
import { ALL_TENANTS } from '../../../platform/jobs/event-hub.ts'
import { findJob, listJobEvents } from '../../../platform/jobs/job.repository.ts'
import { streamJobTimeline, type JobStreamDeps } from '../../jobs/job-streams.ts'
import type { Views } from './console.views.ts'

export type ConsoleStreamDeps = Omit<JobStreamDeps, 'tenantDb'>

/**
 * Each job event as it is written, with its job's id, type and status. No replay: a page
 * that (re)connects reloads what it shows, which covers anything missed meanwhile.
 */
export function streamAllJobEvents (deps: ConsoleStreamDeps, reply: FastifyReply): void {
  const stream = deps.longRequests.stream(reply, { maxMs: deps.maxMs })
  const unsubscribe = deps.hub.subscribe({
    tenantId: ALL_TENANTS,
    onEvent: ({ event, jobType, jobStatus }) => {
      stream.send({ id: event.id, data: { job_id: event.job_id, job_type: jobType, job_status: jobStatus, level: event.level, message: event.message } })
    },
  })
  stream.onEnd(unsubscribe)
}

/** One job's timeline: each event as the row the job page shows, then its final status. */
export function streamJobRows (deps: ConsoleStreamDeps & { db: Db; views: Views }, reply: FastifyReply, target: { jobId: string; afterId: number }): void {
  const { db, views, jobId } = { ...deps, ...target }
  streamJobTimeline(deps, reply, {
    jobId,
    tenantId: ALL_TENANTS,
    afterId: target.afterId,
    read: async (afterId) => ({ events: await listJobEvents(db, jobId, afterId), job: await findJob(db, jobId) }),
    event: (event) => ({ id: event.id, level: event.level, html: views.render('timeline-event', { event }) }),
    status: (job) => ({ status: job.status }),
  })
}
