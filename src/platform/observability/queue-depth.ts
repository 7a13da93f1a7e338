// Queue depth for the metrics: ONE grouped query over the unfinished jobs (the partial
// index job_unfinished_idx holds exactly those), made at most once per cache window
// however many scrapers ask and however often. Scrapes that arrive while it runs share it.
import type { Clock } from '../clock.ts'
import type { Db } from '../db/database.ts'

export interface QueueDepthRow {
  type: string
  status: 'queued' | 'running'
  jobs: number
}

export interface QueueDepthReading {
  rows: readonly QueueDepthRow[]
  /** True when this reading ran the query (false: served from the cache, or shared). */
  queried: boolean
  /** How old the rows are: 0 when just read, up to the cache window. */
  ageMs: number
}

export interface QueueDepthSource {
  current(): Promise<QueueDepthReading>
}

/** A few seconds: fresher than any scrape interval people use, and never a query per scrape. */
export const QUEUE_DEPTH_MAX_AGE_MS = 5000

export async function readQueueDepth (db: Db): Promise<QueueDepthRow[]> {
  const rows = await db.selectFrom('job')
    .select(['type', 'status', (eb) => eb.fn.countAll<number | string>().as('jobs')])
    .where('finished_at', 'is', null)
    .groupBy(['type', 'status'])
    .execute()
  // finished_at IS NULL holds exactly the queued and running rows (a CHECK ties them).
  return rows.map((row) => ({ type: row.type, status: row.status === 'running' ? 'running' : 'queued', jobs: Number(row.jobs) }))
}

export class CachedQueueDepth implements QueueDepthSource {
  readonly #read: () => Promise<readonly QueueDepthRow[]>
  readonly #clock: Clock
  readonly #maxAgeMs: number
  #cached: { rows: readonly QueueDepthRow[]; at: number } | undefined
  #inFlight: Promise<{ rows: readonly QueueDepthRow[]; at: number }> | undefined

  constructor (read: () => Promise<readonly QueueDepthRow[]>, options: { clock: Clock; maxAgeMs?: number }) {
    this.#read = read
    this.#clock = options.clock
    this.#maxAgeMs = options.maxAgeMs ?? QUEUE_DEPTH_MAX_AGE_MS
  }

  async current (): Promise<QueueDepthReading> {
    const now = this.#clock.now().getTime()
    const cached = this.#cached
    if (cached !== undefined && now - cached.at < this.#maxAgeMs) return { rows: cached.rows, queried: false, ageMs: now - cached.at }
    if (this.#inFlight !== undefined) return { rows: (await this.#inFlight).rows, queried: false, ageMs: 0 }
    this.#inFlight = this.#read().then((rows) => ({ rows, at: now }))
    try {
      this.#cached = await this.#inFlight
      return { rows: this.#cached.rows, queried: true, ageMs: 0 }
    } finally {
      this.#inFlight = undefined
    }
  }
}
