// One LISTEN connection per process for the event announcements (migration 0009), fanned
// out to every live stream in the process. Streams hold no database connection: the hub
// reads the announced rows once per turn of the event loop, on the pool, for the streams
// that want them, and hands each stream its rows.
//
// The listening connection is re-opened with backoff when it drops (a database restart);
// streams stay open meanwhile. Once it is back, the hub reads what was written while it
// was away (events with an id above the last one it delivered) and tells subscribers it
// reconnected, so a stream that must not miss its end (a job's) can check for itself.
import type { Logger } from 'pino'
import type { Db } from '../db/database.ts'
import { Listener } from '../db/listener.ts'
import type { JobEvent, JobStatus } from './job.table.ts'

export const EVENT_CHANNEL = 'afterresume_event'

/** Events read at once after a reconnect; a stream that fell further behind re-reads itself. */
const CATCH_UP_LIMIT = 5_000

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['success', 'failed', 'cancelled'])

/** An event row with its job's type and status as they were when the row was read (after its commit). */
export interface LiveEvent {
  event: JobEvent
  jobType: string | null
  jobStatus: JobStatus | null
}

/** A subscriber's tenantId for staff views: every job event of every tenant. */
export const ALL_TENANTS = '*'

export interface EventSubscriber {
  /** Events of this job only; otherwise every event of `tenantId` that belongs to a job. */
  jobId?: string
  /** A tenant id, or ALL_TENANTS (said explicitly, so a forgotten tenant never means "all"). */
  tenantId: string
  onEvent(live: LiveEvent): void
  /** The listening connection was lost and is back; anything may have happened meanwhile. */
  onReconnect?(): void
}

/** Event rows with their job's type and status, read after the commit that wrote them. */
function liveEvents (db: Db) {
  return db.selectFrom('event as e').leftJoin('job as j', 'j.id', 'e.job_id')
    .selectAll('e').select(['j.type as job_type', 'j.status as job_status'])
}
type LiveEventQuery = ReturnType<typeof liveEvents>
type LiveEventRow = JobEvent & { job_type: string | null; job_status: JobStatus | null }

interface Announcement { id: number; jobId: string | null; tenantId: string | null }

export class EventHub {
  readonly #db: Db
  readonly #logger: Logger
  readonly #byJob = new Map<string, Set<EventSubscriber>>()
  readonly #byTenant = new Map<string, Set<EventSubscriber>>()
  readonly #everywhere = new Set<EventSubscriber>()
  #pending: number[] = []
  #flushScheduled = false
  readonly #listener: Listener
  /** The highest event id announced and read; catch-up after a reconnect starts above it. */
  #lastId: number | undefined

  constructor (deps: { connectionString: string; db: Db; logger: Logger }) {
    this.#db = deps.db
    this.#logger = deps.logger
    this.#listener = new Listener({
      connectionString: deps.connectionString,
      channels: [EVENT_CHANNEL],
      applicationName: 'afterresume:event-hub',
      name: 'event hub',
      logger: deps.logger,
      onNotification: (payload) => this.#announced(payload),
      onConnected: (reconnected) => this.#connected(reconnected),
    })
  }

  get subscriberCount (): number {
    let count = 0
    for (const set of this.#byJob.values()) count += set.size
    for (const set of this.#byTenant.values()) count += set.size
    return count + this.#everywhere.size
  }

  start (): Promise<void> { return this.#listener.start() }

  /** First connect: start above the newest event. A reconnect: read what was missed. */
  async #connected (reconnected: boolean): Promise<void> {
    // On the platform pool: row-level security hides events from other connections.
    if (this.#lastId === undefined) {
      const row = await this.#db.selectFrom('event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
      this.#lastId = row?.id ?? 0
    }
    if (reconnected) await this.#catchUp()
  }

  /** Deliver matching events to `subscriber` until the returned function is called. */
  subscribe (subscriber: EventSubscriber): () => void {
    if (subscriber.jobId === undefined && subscriber.tenantId === ALL_TENANTS) {
      this.#everywhere.add(subscriber)
      return () => { this.#everywhere.delete(subscriber) }
    }
    const [map, key] = subscriber.jobId !== undefined ? [this.#byJob, subscriber.jobId] : [this.#byTenant, subscriber.tenantId]
    let set = map.get(key)
    if (set === undefined) {
      set = new Set()
      map.set(key, set)
    }
    set.add(subscriber)
    return () => {
      set.delete(subscriber)
      if (set.size === 0 && map.get(key) === set) map.delete(key)
    }
  }

  #announced (payload: string): void {
    for (const line of payload.split('\n')) {
      const [id, jobId, tenantId] = line.split(' ')
      if (id === undefined) continue
      const announcement: Announcement = { id: Number(id), jobId: jobId === '-' || jobId === undefined ? null : jobId, tenantId: tenantId === '-' || tenantId === undefined ? null : tenantId }
      if (this.#wanted(announcement)) this.#pending.push(announcement.id)
      else this.#lastId = Math.max(this.#lastId ?? 0, announcement.id)
    }
    this.#scheduleFlush()
  }

  // One read at a time: two reads in flight could come back in the other order, and a
  // stream would see a job's events out of order. What is announced meanwhile waits for
  // the next read, which makes the reads larger under load, not more numerous.
  #scheduleFlush (): void {
    if (this.#pending.length === 0 || this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      void this.#flush().finally(() => {
        this.#flushScheduled = false
        this.#scheduleFlush()
      })
    })
  }

  #wanted (a: Announcement): boolean {
    if (a.jobId === null) return false
    return this.#everywhere.size > 0 || this.#byJob.has(a.jobId) || (a.tenantId !== null && this.#byTenant.has(a.tenantId))
  }

  async #flush (): Promise<void> {
    const ids = this.#pending
    this.#pending = []
    try {
      this.#dispatch(await this.#read((query) => query.where('e.id', 'in', ids)))
    } catch (error) {
      // The rows stay in the table: a job stream re-reads its job when the connection
      // comes back, and the catch-up after a reconnect reads from the last delivered id.
      this.#logger.warn({ err: error, events: ids.length }, 'event hub could not read announced events')
    }
  }

  async #catchUp (): Promise<void> {
    const after = this.#lastId ?? 0
    const jobs = [...this.#byJob.keys()]
    const tenants = [...this.#byTenant.keys()]
    try {
      if (this.#everywhere.size > 0) {
        this.#dispatch(await this.#read((query) => query.where('e.id', '>', after).where('e.job_id', 'is not', null).limit(CATCH_UP_LIMIT)))
      } else if (jobs.length > 0 || tenants.length > 0) {
        this.#dispatch(await this.#read((query) => query.where('e.id', '>', after).where((eb) => eb.or([
          ...(jobs.length > 0 ? [eb('e.job_id', 'in', jobs)] : []),
          ...(tenants.length > 0 ? [eb.and([eb('e.tenant_id', 'in', tenants), eb('e.job_id', 'is not', null)])] : []),
        ])).limit(CATCH_UP_LIMIT)))
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'event hub catch-up failed')
    }
    for (const set of [...this.#byJob.values(), ...this.#byTenant.values(), this.#everywhere]) {
      for (const subscriber of set) subscriber.onReconnect?.()
    }
  }

  #read (where: (query: LiveEventQuery) => LiveEventQuery): Promise<LiveEventRow[]> {
    return where(liveEvents(this.#db)).orderBy('e.id').execute()
  }

  #dispatch (rows: LiveEventRow[]): void {
    for (const row of rows) {
      const { job_type: jobType, job_status: jobStatus, ...event } = row
      this.#lastId = Math.max(this.#lastId ?? 0, event.id)
      const live: LiveEvent = { event, jobType, jobStatus }
      const targets = [
        ...(event.job_id !== null ? this.#byJob.get(event.job_id) ?? [] : []),
        ...(event.tenant_id !== null ? this.#byTenant.get(event.tenant_id) ?? [] : []),
        ...(event.job_id !== null ? this.#everywhere : []),
      ]
      for (const subscriber of targets) {
        try {
          subscriber.onEvent(live)
        } catch (error) {
          this.#logger.warn({ err: error }, 'event stream subscriber failed')
        }
      }
    }
  }

  stop (): Promise<void> { return this.#listener.stop() }
}
