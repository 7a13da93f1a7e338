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

/** The staff-wide stream says "jobs changed" at most this often, however many events there were. */
export const CHANGE_WINDOW_MS = 250

/**
 * That jobs changed, and which: every job event of every tenant, gathered for
 * CHANGE_WINDOW_MS into one message (the number of events, the last event id, up to 50
 * job ids and their types), so a busy platform does not flood the browsers watching it.
 * No replay: a page that (re)connects reloads what it shows, which covers anything missed.
 */
export function streamAllJobEvents (deps: ConsoleStreamDeps, reply: FastifyReply): void {
  const stream = deps.longRequests.stream(reply, { maxMs: deps.maxMs })
  let gathered: { events: number; lastId: number; jobs: Map<string, string | null> } | undefined
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    timer = undefined
    if (gathered === undefined) return
    const { events, lastId, jobs } = gathered
    gathered = undefined
    stream.send({ id: lastId, data: { events, jobs: [...jobs].map(([id, type]) => ({ id, type })) } })
  }
  const unsubscribe = deps.hub.subscribe({
    tenantId: ALL_TENANTS,
    onEvent: ({ event, jobType }) => {
      gathered ??= { events: 0, lastId: 0, jobs: new Map() }
      gathered.events++
      gathered.lastId = Math.max(gathered.lastId, event.id)
      if (event.job_id !== null && gathered.jobs.size < 50) gathered.jobs.set(event.job_id, jobType)
      timer ??= setTimeout(flush, CHANGE_WINDOW_MS)
    },
  })
  stream.onEnd(() => {
    unsubscribe()
    if (timer !== undefined) clearTimeout(timer)
  })
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
