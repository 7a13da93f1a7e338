// Start the real service parts (database pool, pg-boss, job platform, optional worker
// and HTTP app) against a per-file database, and stop them at the end of the test.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, type Config } from '../../src/config.ts'
import type { Clock } from '../../src/platform/clock.ts'
import type { App } from '../../src/platform/http/app-instance.ts'
import type { JobRegistry } from '../../src/platform/jobs/registry.ts'
import { createLogger, type Logger } from '../../src/platform/observability/logger.ts'
import { appDeps, readinessChecks, startServices, type Services } from '../../src/runtime.ts'
import { cloneTemplate, TEST_SECRET_KEY } from './database.ts'

interface Tap { teardown(fn: () => Promise<void> | void): void }

export interface TestServicesOptions {
  worker?: boolean
  scheduler?: boolean
  env?: Record<string, string>
  registry?: JobRegistry
  url?: string
  /** The time the services' queue-depth cache is judged by. */
  clock?: Clock
}

export { TEST_SECRET_KEY } from './database.ts'

export function testConfig (url: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'afterresume-test-')),
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOB_HEARTBEAT_SECONDS: '10',
    JOB_SWEEP_INTERVAL_SECONDS: '1',
    WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
    ...env,
  })
}

export async function startTestServices (t: Tap, options: TestServicesOptions = {}): Promise<Services> {
  const database = options.url === undefined ? await cloneTemplate() : undefined
  const url = options.url ?? database!.url
  const config = testConfig(url, options.env)
  const logger = createLogger({ level: config.logLevel })
  const services = await startServices(config, url, logger, {
    worker: options.worker ?? false,
    scheduler: options.scheduler ?? options.worker ?? false,
    superviseIntervalSeconds: 1,
    cronMonitorIntervalSeconds: 1,
    pollingIntervalSeconds: 0.5,
    eventHub: true,
    ...(options.registry !== undefined && { registry: options.registry }),
    ...(options.clock !== undefined && { clock: options.clock }),
  })
  // Stop the services before dropping their database, or their connections are cut mid-query.
  t.teardown(async () => {
    await services.stop()
    await database?.drop()
  })
  return services
}

/**
 * The real app over `services`; `readinessOf` lets a test aim readiness at something
 * broken, `clock` stands the app at a chosen time (test/helpers/clock.ts), `logger` lets
 * a test read what the app logs.
 */
export async function buildTestApp (t: Tap, services: Services, readinessOf: Services = services, options: { clock?: Clock; logger?: Logger } = {}): Promise<App> {
  // Loaded here, not at the top: a third of the files that start services never build
  // the app, and loading it costs each of them about 0.15 s of CPU.
  const { buildApp } = await import('../../src/app.ts')
  const app = await buildApp({
    ...appDeps(services, options.logger),
    readiness: readinessChecks(readinessOf),
    ...(options.clock !== undefined && { clock: options.clock }),
  })
  t.teardown(() => app.close())
  return app
}

/**
 * For a file whose subtests share one database (each working on rows of its own): the
 * first subtest that asks starts it, the rest get the same one; tap's teardown stops it.
 */
export function startedOnce<T> (start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined
  return () => (started ??= start())
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export async function eventually<T> (check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
