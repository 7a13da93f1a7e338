// Live views of jobs for tenant users: a job's timeline as Server-Sent Events, a tenant's
// job activity, and waiting for a job to end. The event hub (platform) announces rows;
// what a stream reads on its own (the events so far, a resume, the final status) goes
// through the tenant pool, so row-level security applies as on every tenant read. Every
// event is shown through the same safe view as GET /api/jobs/{id}/events/.
import type { FastifyReply } from 'fastify'
import type { Logger } from 'pino'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import type { LongRequests } from '../../platform/http/event-stream.ts'
import { TERMINAL_STATUSES, type EventHub, type LiveEvent } from '../../platform/jobs/event-hub.ts'
import { findJob, listJobEvents, listTenantJobEventsAfter } from '../../platform/jobs/job.repository.ts'
import type { Job, JobEvent, JobStatus } from '../../platform/jobs/job.table.ts'
import { tenantEventOut, tenantJobOut } from './jobs.schemas.ts'

/** Events a tenant stream replays after Last-Event-ID; a client further behind lists jobs instead. */
export const TENANT_RESUME_LIMIT = 1000
/** Ids a tenant stream remembers to drop an event it was handed twice (resume read and live). */
const RECENT_IDS = 4096

export interface JobStreamDeps {
  tenantDb: Db
  hub: EventHub
  longRequests: LongRequests
  logger: Logger
  /** A stream ends after this long (the access token it was opened with has expired by then). */
  maxMs: number
}

const ended = (status: JobStatus | null | undefined): boolean => status !== null && status !== undefined && TERMINAL_STATUSES.has(status)

/** Runs steps one after another, so a stream's reads and live events never interleave. */
function serial (logger: Logger): (step: () => Promise<void> | void) => void {
  let chain = Promise.resolve()
  return (step) => {
    chain = chain.then(step).catch((error: unknown) => {
      // The database is away: the stream stays open, and the hub's reconnect makes it read again.
      logger.debug({ err: error }, 'event stream read failed')
    })
  }
}

/** Where a job timeline comes from and how its messages look: the tenant API's or the console's. */
export interface JobTimelineSource {
  jobId: string
  /** The tenant the hub routes the job's events under (ALL_TENANTS for staff). */
  tenantId: string
  afterId: number
  /** The job's events after `afterId` and the job as it is now (undefined: gone or not visible). */
  read(afterId: number): Promise<{ events: JobEvent[]; job: Job | undefined }>
  event(event: JobEvent): unknown
  status(job: Job): unknown
}

/**
 * The job's timeline: the events after `afterId` so far, then each new one as it is
 * written; once the job has ended, a final `status` event with the job, and the stream
 * ends. Each event's SSE id is its row id, so Last-Event-ID resumes where it left off.
 */
export function streamJob (deps: JobStreamDeps, reply: FastifyReply, target: { tenantId: string; jobId: string; afterId: number }): void {
  const { tenantId, jobId } = target
  streamJobTimeline(deps, reply, {
    ...target,
    read: (afterId) => withTenant(deps.tenantDb, tenantId, async (trx) => ({
      events: await listJobEvents(trx, jobId, afterId),
      job: await findJob(trx, jobId),
    })),
    event: tenantEventOut,
    status: tenantJobOut,
  })
}

export function streamJobTimeline (deps: Omit<JobStreamDeps, 'tenantDb'>, reply: FastifyReply, source: JobTimelineSource): void {
  const stream = deps.longRequests.stream(reply, { maxMs: deps.maxMs })
  const run = serial(deps.logger)
  let lastSent = source.afterId
  const send = (event: JobEvent): void => {
    // One job's events are written one after another, so ids only grow.
    if (event.id <= lastSent || stream.ended) return
    lastSent = event.id
    stream.send({ id: event.id, data: source.event(event) })
  }
  // What was written since the last event sent, and whether the job has ended.
  const readUp = async (): Promise<void> => {
    if (stream.ended) return
    const { events, job } = await source.read(lastSent)
    for (const event of events) send(event)
    if (job === undefined) stream.end()
    else if (ended(job.status)) {
      stream.send({ event: 'status', data: source.status(job) })
      stream.end()
    }
  }
  const unsubscribe = deps.hub.subscribe({
    jobId: source.jobId,
    tenantId: source.tenantId,
    onEvent: (live) => run(() => {
      send(live.event)
      // The job has ended: the rest of its last transaction is committed, read it whole.
      if (ended(live.jobStatus)) return readUp()
    }),
    onReconnect: () => run(readUp),
  })
  stream.onEnd(unsubscribe)
  run(readUp)
}

/**
 * The tenant's job events (optionally of one job type) as they are written, each with its
 * job's id, type and status; with Last-Event-ID, the ones written since first.
 */
export function streamTenantEvents (deps: JobStreamDeps, reply: FastifyReply, target: { tenantId: string; type?: string; afterId?: number }): void {
  const { tenantId, type } = target
  const stream = deps.longRequests.stream(reply, { maxMs: deps.maxMs })
  const run = serial(deps.logger)
  const recent = new Set<number>()
  let newest = target.afterId ?? 0
  const send = (event: JobEvent, jobType: string | null, jobStatus: JobStatus | null): void => {
    if (stream.ended || recent.has(event.id) || (type !== undefined && jobType !== type)) return
    recent.add(event.id)
    if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value!)
    newest = Math.max(newest, event.id)
    stream.send({ id: event.id, data: { ...tenantEventOut(event), job_id: event.job_id, job_type: jobType, job_status: jobStatus } })
  }
  const readSince = async (afterId: number): Promise<void> => {
    const rows = await withTenant(deps.tenantDb, tenantId, (trx) => listTenantJobEventsAfter(trx, tenantId, afterId, { ...(type !== undefined && { type }), limit: TENANT_RESUME_LIMIT }))
    for (const { job_type: jobType, job_status: jobStatus, ...event } of rows) send(event, jobType, jobStatus)
  }
  const unsubscribe = deps.hub.subscribe({
    tenantId,
    onEvent: (live: LiveEvent) => run(() => send(live.event, live.jobType, live.jobStatus)),
  })
  stream.onEnd(unsubscribe)
  if (target.afterId !== undefined) {
    const afterId = target.afterId
    run(() => readSince(afterId))
  }
}

/**
 * The job once it has ended, or as it is after `waitMs` (or when the app closes or the
 * client leaves). Holds no database connection while it waits.
 */
export async function waitForJob (deps: JobStreamDeps, reply: FastifyReply, target: { tenantId: string; jobId: string; waitMs: number }): Promise<Job | undefined> {
  const read = (): Promise<Job | undefined> => withTenant(deps.tenantDb, target.tenantId, (trx) => findJob(trx, target.jobId))
  await new Promise<void>((resolve) => {
    let done = false
    let unsubscribe = (): void => {}
    let untrack = (): void => {}
    const finish = (): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      unsubscribe()
      untrack()
      resolve()
    }
    const check = (): void => {
      read().then((job) => { if (job === undefined || ended(job.status)) finish() }, () => {})
    }
    const timer = setTimeout(finish, target.waitMs)
    unsubscribe = deps.hub.subscribe({
      jobId: target.jobId,
      tenantId: target.tenantId,
      onEvent: (live) => { if (ended(live.jobStatus)) finish() },
      onReconnect: check,
    })
    untrack = deps.longRequests.track(finish)
    reply.raw.once('close', finish)
    // Subscribed first, then read: a job that ended in between is not waited for.
    check()
  })
  return read()
}
