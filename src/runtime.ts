// The composition root: turns a Config into running parts — database (embedded or
// given), pg-boss, the job platform, the worker and the HTTP app — and stops them in
// the right order: stop taking requests, let running jobs finish, close the pools,
// stop the embedded server last.
import type { App } from './platform/http/app-instance.ts'
import type { Config } from './config.ts'
import { installGracefulClose } from './platform/http/graceful-close.ts'
import type { AppDeps } from './app.ts'
import { connectDatabase, type DatabaseHandle } from './platform/db/database.ts'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded.ts'
import { checkDatabaseUrl } from './platform/db/preflight.ts'
import { migrate } from './platform/db/migrate.ts'
import { appRoleUrl, assertRlsApplies } from './platform/db/roles.ts'
import { createBoss, type PgBoss } from './platform/jobs/boss.ts'
import { JobPlatform } from './platform/jobs/platform.ts'
import { EventHub } from './platform/jobs/event-hub.ts'
import { JobRegistry } from './platform/jobs/registry.ts'
import { ScheduleService, normalizeCron } from './platform/jobs/schedules.ts'
import { JobWorker, ensureFireQueue } from './platform/jobs/worker.ts'
import type { Logger } from './platform/observability/logger.ts'
import { sql } from 'kysely'
import { registerWorkflows } from './workflows/index.ts'
import { createLlmProvider } from './platform/llm/index.ts'
import { LocalLlmProvider } from './agents/local.provider.ts'
import { membershipJobAuthorizer } from './modules/identity/job-authorizer.ts'
import { billingJobCredits } from './modules/billing/job-credits.ts'
import { creditPricing } from './modules/billing/pricing.ts'
import { FREE_OF_CHARGE } from './platform/jobs/credits.ts'
import { createObjectStore, type ObjectStore } from './platform/storage/index.ts'
import { ConflictError } from './platform/errors.ts'
import { listenFailure } from './platform/startup-error.ts'
import { SWEEP_ORPHANS, SWEEP_ORPHANS_SCHEDULE } from './workflows/system/sweep-orphans.ts'
import { CLEANUP, CLEANUP_SCHEDULE } from './workflows/system/cleanup.ts'
import { ServiceMetrics } from './platform/observability/metrics.ts'
import { CachedQueueDepth, readQueueDepth } from './platform/observability/queue-depth.ts'
import { observeLlm } from './platform/observability/llm-telemetry.ts'
import { startMetricsListener, type MetricsListener } from './platform/observability/metrics-endpoint.ts'
import { startTracing, type Tracing } from './platform/observability/tracing.ts'
import { systemClock, type Clock } from './platform/clock.ts'

export interface DatabaseLocation {
  url: string
  embedded: EmbeddedDatabase | undefined
}

/** DATABASE_URL when set; otherwise the embedded server under DATA_DIR (started if down). */
export async function locateDatabase (config: Config, logger: Logger): Promise<DatabaseLocation> {
  if (config.databaseUrl !== undefined) {
    await checkDatabaseUrl(config.databaseUrl)
    return { url: config.databaseUrl, embedded: undefined }
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, (line) => logger.debug({ source: 'embedded-postgres' }, line))
  if (embedded.owned) {
    logger.info({ data_dir: config.dataDir, port: embedded.port, cluster_dir: embedded.clusterDir },
      embedded.relocation === undefined ? 'started embedded PostgreSQL' : `started embedded PostgreSQL: ${embedded.relocation}`)
  }
  return { url: embedded.url, embedded }
}

export interface ServicesOptions {
  worker: boolean
  /** Run the cron clock (serve and worker roles). */
  scheduler: boolean
  /** Seconds between pg-boss supervision passes (dead-worker detection). */
  superviseIntervalSeconds?: number
  cronMonitorIntervalSeconds?: number
  pollingIntervalSeconds?: number
  registry?: JobRegistry
  /** Listen for event announcements (the API's live streams): one connection per process. */
  eventHub?: boolean
  /** The time the queue-depth cache is judged by (tests stand it anywhere). */
  clock?: Clock
}

export interface Services {
  readonly config: Config
  readonly url: string
  readonly database: DatabaseHandle
  readonly boss: PgBoss
  readonly jobs: JobPlatform
  /** Started only with ServicesOptions.eventHub; otherwise it announces nothing. */
  readonly events: EventHub
  readonly schedules: ScheduleService
  /** Attachment bytes: the folder under DATA_DIR or MinIO/S3, as configured. */
  readonly storage: ObjectStore
  readonly worker: JobWorker | undefined
  readonly logger: Logger
  /** What this process counts and reports at /metrics. */
  readonly metrics: ServiceMetrics
  stop(): Promise<void>
}

export async function startServices (config: Config, url: string, logger: Logger, options: ServicesOptions): Promise<Services> {
  // First, before any pool is open: a wrong MinIO endpoint or key stops startup with
  // nothing to clean up, instead of surfacing on the first upload.
  const storage = await createObjectStore(config.storage)
  // Queries run as the RLS-bound app role; pg-boss keeps the owner connection (it manages
  // its own schema and queue tables, which hold no tenant data).
  const database = connectDatabase(config.appDatabaseUrl ?? appRoleUrl(url, config.secretKey), {
    max: config.databasePoolMax,
    applicationName: 'afterresume',
    onConnectionLost: (error) => logger.warn({ err: error }, 'database connection lost; the pool will reconnect'),
  })
  try {
    await assertRlsApplies(database.pool)
  } catch (error) {
    await database.close()
    const code = (error as { code?: string }).code
    if (config.appDatabaseUrl === undefined && (code === '28P01' || code === '28000')) {
      throw new Error('The service role afterresume_app cannot sign in: it does not exist yet or its password was derived from another SECRET_KEY. ' +
        'Run `afterresume migrate` (or start `serve` once) with this SECRET_KEY to create or update it.', { cause: error })
    }
    throw error
  }
  const boss = createBoss(url, {
    supervise: options.worker,
    schedule: options.scheduler,
    max: Math.max(4, config.worker.concurrency + 2),
    ...(options.superviseIntervalSeconds !== undefined && { superviseIntervalSeconds: options.superviseIntervalSeconds }),
    ...(options.cronMonitorIntervalSeconds !== undefined && { cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds }),
  })
  boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'))
  await boss.start()
  const metrics = new ServiceMetrics()
  // Every call a workflow makes to the model is counted and traced here (llm-telemetry.ts).
  const llm = observeLlm(createLlmProvider({
    provider: config.llm.provider,
    ...(config.llm.baseUrl !== undefined && { baseUrl: config.llm.baseUrl }),
    ...(config.llm.apiKey !== undefined && { apiKey: config.llm.apiKey }),
    ...(config.llm.model !== undefined && { model: config.llm.model }),
    timeoutMs: config.llm.timeoutMs,
  }, () => new LocalLlmProvider()), metrics)
  const registry = options.registry ?? registerWorkflows(new JobRegistry(), { llm, autoChain: config.workflows.autoChain }, {
    storage,
    retention: config.retention,
    imports: {
      secretKey: config.secretKey,
      gitImportRoot: config.imports.gitImportRoot,
      githubApiBase: config.imports.githubApiBase,
      autoAnalyze: config.workflows.autoAnalyze,
      clock: systemClock,
    },
  })
  metrics.watchPools(database.pools)
  metrics.watchQueueDepth(new CachedQueueDepth(() => readQueueDepth(database.db), { clock: options.clock ?? systemClock }), () => registry.all().map((jobType) => jobType.type))
  // Billing off: paid job types run free, exactly as before billing existed.
  const credits = config.billing.enabled
    ? billingJobCredits(database.db, creditPricing(config.billing.pricing, { provider: llm.name, name: llm.model }))
    : FREE_OF_CHARGE
  const jobs = new JobPlatform({ db: database.db, tenantDb: database.tenantDb, boss, registry, metrics, credits })
  await jobs.ensureQueues(config.worker.heartbeatSeconds, { finishedJobDays: config.retention.jobDays })
  await ensureFireQueue(boss)
  const schedules = new ScheduleService({ db: database.db, boss, registry, enqueue: (executor, input) => jobs.enqueue(executor, input) })
  const events = new EventHub({ connectionString: url, db: database.db, logger })
  if (options.eventHub === true) await events.start()
  let worker: JobWorker | undefined
  if (options.worker) {
    await ensurePlatformSchedules(schedules, registry, config.retention.cron)
    worker = new JobWorker(jobs, schedules, logger, {
      connectionString: url,
      authorizer: membershipJobAuthorizer(database.db),
      concurrency: config.worker.concurrency,
      heartbeatSeconds: config.worker.heartbeatSeconds,
      sweepIntervalSeconds: config.worker.sweepIntervalSeconds,
      ...(options.pollingIntervalSeconds !== undefined && { pollingIntervalSeconds: options.pollingIntervalSeconds }),
    })
    await worker.start()
  }
  let stopped = false
  return {
    config,
    url,
    database,
    boss,
    jobs,
    events,
    schedules,
    storage,
    worker,
    logger,
    metrics,
    async stop () {
      if (stopped) return
      stopped = true
      await events.stop()
      if (worker !== undefined) await worker.stop(config.worker.shutdownTimeoutMs)
      await boss.stop({ graceful: worker === undefined, close: true, timeout: config.worker.shutdownTimeoutMs }).catch(() => {})
      await database.close()
    },
  }
}

/**
 * The platform's own schedules, created when a worker starts and finds them missing. An
 * operator who changed one's cron or disabled it keeps that choice (but the cleanup's
 * cron follows CLEANUP_CRON); a deleted one comes back at the next start (disable it instead).
 */
async function ensurePlatformSchedules (schedules: ScheduleService, registry: JobRegistry, cleanupCron: string): Promise<void> {
  const existing = await schedules.list({ tenantId: null })
  const ensure = async (name: string, jobType: string, cron: string): Promise<void> => {
    try {
      await schedules.create({ name, jobType, cron })
    } catch (error) {
      // Another worker starting at the same moment created it first.
      if (!(error instanceof ConflictError)) throw error
    }
  }
  if (registry.has(SWEEP_ORPHANS) && !existing.some((schedule) => schedule.name === SWEEP_ORPHANS_SCHEDULE)) {
    await ensure(SWEEP_ORPHANS_SCHEDULE, SWEEP_ORPHANS, '@daily')
  }
  if (registry.has(CLEANUP)) {
    // CLEANUP_CRON is the way to move the cleanup, so it wins over the row at every start;
    // whether the schedule is enabled stays the operator's choice.
    const cleanupSchedule = existing.find((schedule) => schedule.name === CLEANUP_SCHEDULE)
    if (cleanupSchedule === undefined) await ensure(CLEANUP_SCHEDULE, CLEANUP, cleanupCron)
    else if (cleanupSchedule.cron !== normalizeCron(cleanupCron, cleanupSchedule.timezone)) await schedules.update(cleanupSchedule.id, { cron: cleanupCron })
  }
}

/** What the HTTP app needs from running services: the one wiring `serve`, `api`, the tests and the benchmarks share. */
export function appDeps (services: Services, logger: Logger = services.logger): AppDeps {
  return {
    config: services.config,
    db: services.database.db,
    tenantDb: services.database.tenantDb,
    jobs: services.jobs,
    events: services.events,
    schedules: services.schedules,
    storage: services.storage,
    logger,
    readiness: readinessChecks(services),
    metrics: services.metrics,
  }
}

export function readinessChecks (services: Services): Record<string, () => Promise<void>> {
  return {
    postgres: async () => { await sql`SELECT 1`.execute(services.database.db) },
    pgboss: async () => {
      if (await services.boss.getQueue('system.echo') === null) throw new Error('pg-boss queues are missing: run afterresume migrate')
    },
    storage: () => services.storage.check(),
  }
}

export interface Server {
  services: Services
  app: App | undefined
  /** A worker-only process's /metrics (WORKER_METRICS_PORT), when set. */
  metricsListener: MetricsListener | undefined
  location: DatabaseLocation
  stop(): Promise<void>
}

/** `serve` / `api` / `worker`: locate the database, migrate if asked, start the roles. */
export async function startServer (config: Config, logger: Logger, roles: { api: boolean; worker: boolean; migrate: boolean }): Promise<Server> {
  // First, so the app's request spans and the worker's job spans find a tracer; nothing
  // at all is loaded or started without OTEL_EXPORTER_OTLP_ENDPOINT.
  const tracing: Tracing | undefined = await startTracing(config.observability.tracing)
  const location = await locateDatabase(config, logger).catch(async (error: unknown) => {
    await tracing?.shutdown()
    throw error
  })
  let services: Services | undefined
  let app: App | undefined
  let metricsListener: MetricsListener | undefined
  try {
    if (roles.migrate) {
      const { applied } = await migrate(location.url, { secretKey: config.secretKey, log: (line) => logger.info(line) })
      if (applied.length > 0) logger.info({ applied }, 'database migrated')
    }
    services = await startServices(config, location.url, logger, { worker: roles.worker, scheduler: roles.worker, eventHub: roles.api })
    // The HTTP app (Fastify, every route and its schemas) is loaded only by a role that
    // serves HTTP: the CLI's commands, which start services too, start a third faster.
    if (roles.api) {
      const { buildApp } = await import('./app.ts')
      app = await buildApp(appDeps(services, logger))
      installGracefulClose(app)
      await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => { throw listenFailure(error, config.host, config.port) })
    } else if (config.observability.workerMetricsPort > 0) {
      const { metricsAccess } = await import('./app.ts')
      const port = config.observability.workerMetricsPort
      metricsListener = await startMetricsListener({
        host: config.host,
        port,
        metrics: services.metrics,
        access: metricsAccess(config, services.database.db),
        logger,
        trustProxy: config.http.trustProxy,
      }).catch((error: unknown) => { throw listenFailure(error, config.host, port) })
    }
  } catch (error) {
    // Whatever started must stop, or its pools and the embedded server keep the process alive.
    await app?.close().catch(() => {})
    await services?.stop().catch(() => {})
    if (location.embedded?.owned === true) await location.embedded.stop().catch(() => {})
    await tracing?.shutdown().catch(() => {})
    throw error
  }
  return {
    services,
    app,
    metricsListener,
    location,
    async stop () {
      await app?.close()
      await services.stop()
      // After the worker: scrapes during its grace period still see the jobs finishing.
      await metricsListener?.close()
      if (location.embedded?.owned === true) await location.embedded.stop()
      // Last: the spans of the jobs that finished while stopping are exported too.
      await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'exporting the last spans failed'))
    },
  }
}
