// The Prometheus metrics of one process (prom-client; GET /metrics renders them). Each
// process counts what happens in it: the jobs it enqueues, the attempts its worker runs,
// the LLM calls those attempts make, the requests its API answers. What every process
// would report alike — how many jobs wait — is read from the database when scraped
// (queue-depth.ts), so it is the same truth whichever process is asked.
//
// Counting is in memory: a counter or histogram update costs no query and no I/O, so the
// hot paths (a request, a job attempt) stay as cheap as they were.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { QueueDepthSource } from './queue-depth.ts'

/** How an attempt ended, as far as its run time is concerned. */
export type AttemptOutcome = 'success' | 'failure' | 'cancelled'

/** What the job platform reports; NO_JOB_METRICS when a process keeps none (CLI, tools). */
export interface JobMetrics {
  /** Job rows written by an enqueue (a repeated idempotency key writes none). */
  enqueued(type: string, count: number): void
  /** An attempt started; `pickupSeconds` from when the job was due, when it was waiting. */
  started(type: string, pickupSeconds: number | undefined): void
  attemptEnded(type: string, outcome: AttemptOutcome, runSeconds: number): void
  /** Attempts recorded as successes (after their transaction committed). */
  completed(type: string, count: number): void
  /** A failed attempt that pg-boss will run again. */
  retried(type: string): void
  /** A job that failed for good. */
  failed(type: string): void
}

export const NO_JOB_METRICS: JobMetrics = {
  enqueued () {},
  started () {},
  attemptEnded () {},
  completed () {},
  retried () {},
  failed () {},
}

/** One call to a model, as the LLM provider saw it. */
export interface LlmCallFigures {
  provider: string
  model: string
  /** `ok` or the LlmError code. */
  outcome: string
  promptTokens: number
  completionTokens: number
  /** null: the model has no price (not counted as free). */
  costUsd: number | null
}

/** A pg pool's own counters (pg.Pool has exactly these). */
export interface PoolStats {
  readonly totalCount: number
  readonly idleCount: number
  readonly waitingCount: number
}

// Buckets in seconds. Pickup with LISTEN/NOTIFY is milliseconds, a polled retry a few
// seconds; a run is anything from an echo to a slow model's half hour.
const PICKUP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300]
const RUN_BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 60, 300, 900, 1800]
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const UNFINISHED = ['queued', 'running'] as const

let processRegistry: Registry | undefined

/**
 * prom-client's process_* and nodejs_* series (CPU, memory, event loop lag, GC, handles).
 * One collector per process however many ServiceMetrics exist (a test builds several):
 * each collector would add its own event-loop monitor and GC observer.
 */
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export class ServiceMetrics implements JobMetrics {
  readonly registry = new Registry()
  readonly #enqueued: Counter<'type'>
  readonly #completed: Counter<'type'>
  readonly #retried: Counter<'type'>
  readonly #failed: Counter<'type'>
  readonly #pickup: Histogram<'type'>
  readonly #run: Histogram<'type' | 'outcome'>
  readonly #http: Histogram<'method' | 'route' | 'status_code'>
  readonly #llmCalls: Counter<'provider' | 'model' | 'outcome'>
  readonly #llmTokens: Counter<'provider' | 'model' | 'kind'>
  readonly #llmCost: Counter<'provider' | 'model'>
  readonly #depthQueries: Counter<'outcome'>
  #pools: Readonly<Record<string, PoolStats>> = {}
  #depth: { source: QueueDepthSource; types: () => readonly string[] } | undefined
  readonly #process: Registry | undefined

  /** `processMetrics: false` leaves out prom-client's process_* and nodejs_* series. */
  constructor (options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    this.#enqueued = new Counter({ name: 'afterresume_jobs_enqueued_total', help: 'Jobs enqueued by this process (rows written; a repeated idempotency key adds none).', labelNames: ['type'], registers })
    this.#completed = new Counter({ name: 'afterresume_jobs_completed_total', help: 'Jobs this process ran to success.', labelNames: ['type'], registers })
    this.#retried = new Counter({ name: 'afterresume_jobs_retried_total', help: 'Failed attempts in this process that were scheduled to run again.', labelNames: ['type'], registers })
    this.#failed = new Counter({ name: 'afterresume_jobs_failed_total', help: 'Jobs that failed for good in this process (retries used up, or a permanent error).', labelNames: ['type'], registers })
    this.#pickup = new Histogram({ name: 'afterresume_job_pickup_seconds', help: 'From when a job was due (created, or its retry time) to when a worker started it.', labelNames: ['type'], buckets: PICKUP_BUCKETS, registers })
    this.#run = new Histogram({ name: 'afterresume_job_run_seconds', help: 'Run time of one attempt, by how it ended.', labelNames: ['type', 'outcome'], buckets: RUN_BUCKETS, registers })
    this.#http = new Histogram({ name: 'afterresume_http_request_duration_seconds', help: 'HTTP requests answered, by route pattern (unmatched: no route) and status.', labelNames: ['method', 'route', 'status_code'], buckets: HTTP_BUCKETS, registers })
    this.#llmCalls = new Counter({ name: 'afterresume_llm_calls_total', help: 'Calls made to a model by this process, by outcome (ok or the error code).', labelNames: ['provider', 'model', 'outcome'], registers })
    this.#llmTokens = new Counter({ name: 'afterresume_llm_tokens_total', help: 'Tokens spent on model calls (kind: prompt or completion).', labelNames: ['provider', 'model', 'kind'], registers })
    this.#llmCost = new Counter({ name: 'afterresume_llm_cost_usd_total', help: 'Estimated cost of model calls in USD (models without a price are not counted).', labelNames: ['provider', 'model'], registers })
    this.#depthQueries = new Counter({ name: 'afterresume_queue_depth_queries_total', help: 'Queries made for afterresume_queue_depth: at most one per cache window, however often it is scraped (a scrape\'s own query shows in the next scrape).', labelNames: ['outcome'], registers })

    // The gauges below are filled when scraped (their collect functions), never on a hot path.
    const metrics = this
    // The pools first: reading them after the queue-depth collect had asked for a connection
    // would count the scrape's own query as one waiting.
    this.registry.registerMetric(new Gauge({
      name: 'afterresume_db_pool_connections',
      help: 'Connections of this process\'s database pools, by state (in_use: checked out; idle: open and free).',
      labelNames: ['pool', 'state'],
      registers: [],
      collect () {
        this.reset()
        for (const [pool, stats] of Object.entries(metrics.#pools)) {
          this.set({ pool, state: 'in_use' }, stats.totalCount - stats.idleCount)
          this.set({ pool, state: 'idle' }, stats.idleCount)
        }
      },
    }))
    this.registry.registerMetric(new Gauge({
      name: 'afterresume_db_pool_waiting_requests',
      help: 'Queries waiting for a free connection of the pool (the pool is at DATABASE_POOL_MAX).',
      labelNames: ['pool'],
      registers: [],
      collect () {
        this.reset()
        for (const [pool, stats] of Object.entries(metrics.#pools)) this.set({ pool }, stats.waitingCount)
      },
    }))
    // Queue depth: one grouped query, cached (queue-depth.ts). Every known type and
    // unfinished status is present, at 0 when nothing waits, so a series never vanishes
    // when a queue drains.
    this.registry.registerMetric(new Gauge({
      name: 'afterresume_queue_depth',
      help: 'Jobs not finished yet, by type and status (queued includes jobs waiting for a retry or a run_at); from the database, the same in every process.',
      labelNames: ['type', 'status'],
      registers: [],
      async collect () {
        this.reset()
        const depth = metrics.#depth
        if (depth === undefined) return
        let rows
        try {
          const read = await depth.source.current()
          if (read.queried) metrics.#depthQueries.inc({ outcome: 'ok' })
          rows = read.rows
        } catch {
          // A scrape while the database is away still serves everything else; the series is
          // left out rather than shown stale, and the failure is counted.
          metrics.#depthQueries.inc({ outcome: 'error' })
          return
        }
        for (const type of depth.types()) for (const status of UNFINISHED) this.set({ type, status }, 0)
        for (const row of rows) this.set({ type: row.type, status: row.status }, row.jobs)
      },
    }))
    this.registry.registerMetric(new Gauge({
      name: 'afterresume_queue_depth_age_seconds',
      help: 'How old the afterresume_queue_depth figures are (0: read for this scrape; they are cached a few seconds).',
      registers: [],
      async collect () {
        this.reset()
        // The same reading as the depth's own collect (cached or shared), never a second query.
        const reading = await metrics.#depth?.source.current().catch(() => undefined)
        if (reading !== undefined) this.set(reading.ageMs / 1000)
      },
    }))
    this.#process = options.processMetrics === false ? undefined : processMetrics()
  }

  /** The pools to report, by name; read at each scrape. */
  watchPools (pools: Readonly<Record<string, PoolStats>>): void {
    this.#pools = pools
  }

  /** Where queue depth comes from, and the job types to report (at 0) even when none wait. */
  watchQueueDepth (source: QueueDepthSource, types: () => readonly string[]): void {
    this.#depth = { source, types }
  }

  enqueued (type: string, count: number): void {
    if (count > 0) this.#enqueued.inc({ type }, count)
  }

  started (type: string, pickupSeconds: number | undefined): void {
    if (pickupSeconds !== undefined) this.#pickup.observe({ type }, Math.max(0, pickupSeconds))
  }

  attemptEnded (type: string, outcome: AttemptOutcome, runSeconds: number): void {
    this.#run.observe({ type, outcome }, runSeconds)
  }

  completed (type: string, count: number): void {
    if (count > 0) this.#completed.inc({ type }, count)
  }

  retried (type: string): void {
    this.#retried.inc({ type })
  }

  failed (type: string): void {
    this.#failed.inc({ type })
  }

  httpRequest (method: string, route: string, statusCode: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(statusCode) }, seconds)
  }

  llmCall (call: LlmCallFigures): void {
    const labels = { provider: call.provider, model: call.model }
    this.#llmCalls.inc({ ...labels, outcome: call.outcome })
    this.#llmTokens.inc({ ...labels, kind: 'prompt' }, call.promptTokens)
    this.#llmTokens.inc({ ...labels, kind: 'completion' }, call.completionTokens)
    if (call.costUsd !== null) this.#llmCost.inc(labels, call.costUsd)
  }

  /** The Prometheus text exposition of everything above. */
  async scrape (): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), this.#process?.metrics()])
    // Each registry's text ends in a newline; a blank line between blocks, as prom-client writes them.
    return process === undefined ? own : `${own}\n${process}`
  }

  get contentType (): string {
    return this.registry.contentType
  }
}
