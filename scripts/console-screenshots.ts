// `npm run docs:screenshots`: the README's pictures of the operator console, taken by
// Chromium (playwright-core) from the real app over a throwaway database:
//   docs/images/console-overview.png   the overview (desktop width)
//   docs/images/console-job.png        a worklog.analyze job with its timeline and LLM calls
//   docs/images/console-phone.png      the jobs list at a phone's width, filtered
// The database is the test suite's (TEST_DATABASE_URL, or an embedded PostgreSQL). It gets
// the demo account's quarter of work logs, real jobs run by a real worker (analyses with
// their LLM calls, a few failures, one job still running, a paused type), and a synthetic
// day of finished jobs so the charts have a history to draw.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createAccount } from '../src/modules/identity/accounts.ts'
import { seedDemoData } from '../src/modules/worklog/demo/demo-data.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { createLogger } from '../src/platform/observability/logger.ts'
import { readinessChecks, startServices } from '../src/runtime.ts'
import { startCluster } from '../test/setup/cluster.ts'
import { withDatabase } from '../test/helpers/database.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const OUT = resolve(import.meta.dirname, '..', 'docs', 'images')
const SECRET = 'screenshots-secret-key-that-is-long-enough-0123456789'
const STAFF = { email: 'operator@example.com', password: 'a long and unusual passphrase 42' }

/** Deterministic pseudo-random numbers, so the pictures change only when the code does. */
function seeded (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

async function admin (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}

async function until (what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const cluster = await startCluster()
const database = `afterresume_screens_${process.pid}`
await admin(cluster.adminUrl, `CREATE DATABASE ${database}`)
const url = withDatabase(cluster.adminUrl, database)
const dataDir = mkdtempSync(join(tmpdir(), 'afterresume-screens-'))
try {
  await migrate(url, { secretKey: SECRET })
  const config = loadConfig({ DATABASE_URL: url, DATA_DIR: dataDir, SECRET_KEY: SECRET, LOG_LEVEL: 'silent', JOB_SWEEP_INTERVAL_SECONDS: '2' })
  const logger = createLogger({ level: 'silent' })
  const services = await startServices(config, url, logger, { worker: true, scheduler: true, eventHub: true, pollingIntervalSeconds: 0.5 })
  const db = services.database.db
  try {
    await db.transaction().execute((trx) => createAccount(trx, { ...STAFF, isStaff: true, displayName: 'Operator' }))
    const demo = await seedDemoData(db)

    // A synthetic day of finished jobs for the charts and percentiles.
    const random = seeded(20261129)
    const now = Date.now()
    const types = ['worklog.analyze', 'skills.extract', 'gamification.reward_evaluate', 'report.generate']
    const history = []
    for (let minutesAgo = 24 * 60; minutesAgo > 2; minutesAgo--) {
      // Busier in the working hours of the day, quiet at night.
      const hour = new Date(now - minutesAgo * 60_000).getUTCHours()
      const load = hour >= 8 && hour < 19 ? 4 : 1
      const count = Math.floor(random() * load * 1.5)
      for (let i = 0; i < count; i++) {
        const created = new Date(now - minutesAgo * 60_000 - random() * 60_000)
        const pickupMs = 1 + random() * random() * 40
        const runMs = 20 + random() * random() * 1500
        const started = new Date(created.getTime() + pickupMs)
        const finished = new Date(started.getTime() + runMs)
        const failed = random() < 0.03
        history.push({
          type: types[Math.floor(random() * types.length)]!,
          status: failed ? 'failed' as const : 'success' as const,
          tenant_id: demo.tenantId,
          user_id: demo.userId,
          trigger: 'system' as const,
          payload: '{}',
          error: failed ? 'the model answered with invalid JSON' : null,
          attempt: 1,
          trace_id: crypto.randomUUID(),
          created_at: created,
          updated_at: finished,
          started_at: started,
          finished_at: finished,
        })
      }
    }
    for (let i = 0; i < history.length; i += 500) await db.insertInto('job').values(history.slice(i, i + 500)).execute()

    // Real work, done by the worker: analyses of a few work logs (with their LLM calls and
    // the skill extraction they chain), failures, a job that keeps running, a paused type.
    const worklogs = await db.selectFrom('worklog').select('id').where('user_id', '=', demo.userId).orderBy('occurred_on', 'desc').limit(6).execute()
    const analyses: string[] = []
    for (const worklog of worklogs) {
      analyses.push((await services.jobs.enqueue(db, { type: 'worklog.analyze', payload: { worklog_id: worklog.id }, tenantId: demo.tenantId, userId: demo.userId })).job.id)
    }
    for (let i = 0; i < 2; i++) await services.jobs.enqueue(db, { type: 'system.echo', payload: { fail_attempts: 9, order: `sync-${i}` }, tenantId: demo.tenantId, maxRetries: 0 })
    await services.jobs.enqueue(db, { type: 'system.echo', payload: { sleep_ms: 600_000, note: 'a long export' }, tenantId: demo.tenantId })
    await until('the analyses', async () => (await db.selectFrom('job').select('id').where('id', 'in', analyses).where('status', '=', 'success').execute()).length === analyses.length)
    await until('the running job', async () => (await db.selectFrom('job').select('id').where('type', '=', 'system.echo').where('status', '=', 'running').execute()).length === 1)
    await services.jobs.pauseType('report.generate', { userId: null, reason: 'model upgrade' })
    await services.jobs.enqueue(db, { type: 'report.generate', payload: { kind: 'weekly' }, tenantId: demo.tenantId, userId: demo.userId }).catch(() => undefined)
    await sql`ANALYZE job`.execute(db)

    const app = await buildApp({ config, db, tenantDb: services.database.tenantDb, jobs: services.jobs, events: services.events, schedules: services.schedules, storage: services.storage, logger, readiness: readinessChecks(services) })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const base = `http://127.0.0.1:${address.port}`
    const profile = mkdtempSync(join(tmpdir(), 'afterresume-chromium-'))
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      headless: true,
      viewport: { width: 1280, height: 900 },
    })
    try {
      mkdirSync(OUT, { recursive: true })
      const page = await browser.newPage()
      await page.goto(`${base}/system/console/login`)
      await page.fill('input[name=email]', STAFF.email)
      await page.fill('input[name=password]', STAFF.password)
      await Promise.all([page.waitForURL(`${base}/system/console/`), page.click('button[type=submit]')])
      await page.waitForSelector('[data-chart="day"] canvas')
      await page.waitForSelector('#live[data-state="on"]')
      await page.screenshot({ path: join(OUT, 'console-overview.png'), fullPage: true })

      const analysis = analyses[0]!
      await page.goto(`${base}/system/console/jobs/${analysis}`)
      await page.screenshot({ path: join(OUT, 'console-job.png'), fullPage: true })

      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${base}/system/console/jobs?tenant=${demo.tenantId}&type=system.echo`)
      await page.screenshot({ path: join(OUT, 'console-phone.png'), fullPage: true, clip: { x: 0, y: 0, width: 390, height: 1300 } })
      process.stdout.write(`wrote ${['console-overview.png', 'console-job.png', 'console-phone.png'].map((f) => join('docs/images', f)).join(', ')}\n`)
    } finally {
      await browser.close()
      rmSync(profile, { recursive: true, force: true })
      await app.close()
    }
  } finally {
    await services.stop()
  }
} finally {
  await admin(cluster.adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {})
  cluster.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
