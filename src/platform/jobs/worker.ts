// The worker role: runs workflows (runner), hears cancellations (listener), fires
// schedules, and sweeps up after crashes. `serve` runs it beside the API; `worker` alone.
import type { Logger } from 'pino'
import type { PgBoss } from './boss.ts'
import type { JobAuthorizer } from './authorizer.ts'
import { CancelListener } from './cancellation.ts'
import type { JobPlatform } from './platform.ts'
import { JobRunner, WORKER_NAME } from './runner.ts'
import { beat, forgetWorker, pruneWorkerHeartbeats } from './heartbeats.ts'
import { FIRE_QUEUE, type ScheduleService } from './schedules.ts'
import { pruneCounters } from '../db/counters.ts'
import { sweepOrphanedJobs } from './sweeper.ts'

export interface WorkerOptions {
  connectionString: string
  authorizer: JobAuthorizer
  concurrency: number
  heartbeatSeconds: number
  sweepIntervalSeconds: number
  pollingIntervalSeconds?: number
}

export class JobWorker {
  readonly #platform: JobPlatform
  readonly #schedules: ScheduleService
  readonly #logger: Logger
  readonly #options: WorkerOptions
  readonly runner: JobRunner
  readonly #listener: CancelListener
  #sweepTimer: NodeJS.Timeout | undefined
  #lastPrune = 0

  constructor (platform: JobPlatform, schedules: ScheduleService, logger: Logger, options: WorkerOptions) {
    this.#platform = platform
    this.#schedules = schedules
    this.#logger = logger
    this.#options = options
    this.runner = new JobRunner({
      db: platform.db,
      tenantDb: platform.tenantDb,
      boss: platform.boss,
      registry: platform.registry,
      authorizer: options.authorizer,
      credits: platform.credits,
      logger,
      enqueue: (executor, input) => platform.enqueue(executor, input),
      metrics: platform.metrics,
    }, options)
    this.#listener = new CancelListener(options.connectionString, {
      onCancel: (jobId) => {
        if (this.runner.abort(jobId)) logger.info({ job_id: jobId }, 'running job cancelled')
      },
      onPauseChange: () => { void this.runner.syncPauses() },
    }, logger)
  }

  async start (): Promise<void> {
    const boss: PgBoss = this.#platform.boss
    await this.#listener.start()
    await ensureFireQueue(boss)
    await boss.work<{ scheduleId: string }>(FIRE_QUEUE, { pollingIntervalSeconds: 2 }, async ([firing]) => {
      if (firing === undefined) return
      const jobId = await this.#schedules.fire(firing.data.scheduleId, firing.id)
      this.#logger.info({ schedule_id: firing.data.scheduleId, job_id: jobId }, jobId === undefined ? 'schedule fired while disabled or deleted; skipped' : 'schedule fired')
    })
    await this.#schedules.reconcile()
    await this.runner.start()
    await this.#beat()
    this.#sweepTimer = setInterval(() => { void this.#sweep() }, this.#options.sweepIntervalSeconds * 1000)
    this.#sweepTimer.unref()
  }

  #beat (): Promise<void> {
    return beat(this.#platform.db, {
      worker: WORKER_NAME,
      beatIntervalSeconds: this.#options.sweepIntervalSeconds,
      concurrency: this.#options.concurrency,
      jobTypes: this.#platform.registry.names(),
    })
  }

  async #sweep (): Promise<void> {
    try {
      await this.#beat()
      // Also heals a missed pause notification within one sweep interval.
      await this.runner.syncPauses()
      const swept = await sweepOrphanedJobs(this.#platform.db, undefined, this.#platform.metrics)
      if (swept > 0) this.#logger.warn({ swept }, 'reconciled jobs whose delivery moved on without a recorded outcome')
      // After the orphans are settled: a job the sweep just failed gives its credits back now.
      const released = await this.#platform.credits.releaseAbandoned()
      if (released > 0) this.#logger.warn({ released }, 'released credit holds of jobs that ended without settling them or are gone')
      await this.#schedules.reconcile()
      // Rate-limit windows older than a day are dead weight; every few minutes is plenty.
      if (Date.now() - this.#lastPrune > 5 * 60_000) {
        await pruneCounters(this.#platform.db)
        await pruneWorkerHeartbeats(this.#platform.db)
        this.#lastPrune = Date.now()
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'sweep failed')
    }
  }

  /** Stop fetching; running jobs get up to `timeoutMs` to finish. */
  async stop (timeoutMs: number): Promise<void> {
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer)
    this.runner.stop()
    await this.#platform.boss.stop({ graceful: true, timeout: timeoutMs, close: false })
    await this.#listener.stop()
    // Gone on purpose: not shown as a dead worker. (The database may be away; then the row
    // ages out like a crashed worker's.)
    await forgetWorker(this.#platform.db, WORKER_NAME).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not remove this worker from worker_heartbeat')
    })
  }
}

export async function ensureFireQueue (boss: PgBoss): Promise<void> {
  if (await boss.getQueue(FIRE_QUEUE) === null) {
    await boss.createQueue(FIRE_QUEUE, { retryLimit: 5, retryDelay: 5, retryBackoff: true, notify: true }).catch(async (error: unknown) => {
      if (await boss.getQueue(FIRE_QUEUE) === null) throw error
    })
  }
}
