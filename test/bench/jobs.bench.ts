// npm run bench — job platform figures on this machine, against DATABASE_URL or an
// embedded PostgreSQL, in a throwaway database:
//   (a) pickup latency: enqueue-transaction commit → workflow start, jobs sent one at a time
//   (b) throughput: system.echo jobs with full job rows and events, end to end
//   (c) the same figures for plain pg-boss (default polling; tuned with NOTIFY + batching)
// The machine is shared, so its speed drifts within a run: the two throughputs are
// measured in BENCH_ROUNDS (3) rounds, ours then plain pg-boss back to back, each drain
// in a fresh database; the ratio is reported per round and for the best of each side.
// BENCH_BACKGROUND_JOBS=<n> first fills each of our databases with n finished jobs and
// their events (growth.ts), to see how pickup and throughput hold up as history grows.
// Prints figures as it goes; the last line is one JSON object.
import { sql } from 'kysely'
import { PgBoss } from 'pg-boss'
import { growJobs } from './growth.ts'
import { openScratch } from './scratch.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { JobRegistry } from '../../src/platform/jobs/registry.ts'
import { createLogger } from '../../src/platform/observability/logger.ts'
import { startServices, type Services } from '../../src/runtime.ts'
import { registerWorkflows } from '../../src/workflows/index.ts'

const PICKUPS = Number(process.env.BENCH_PICKUPS ?? 500)
const THROUGHPUT_JOBS = Number(process.env.BENCH_JOBS ?? 20_000)
const DEFAULT_POLLING_PICKUPS = Number(process.env.BENCH_DEFAULT_POLLING_PICKUPS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const BACKGROUND_JOBS = Number(process.env.BENCH_BACKGROUND_JOBS ?? 0)

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return Math.round((sorted[index] ?? Number.NaN) * 100) / 100
}

function line (text: string): void { process.stdout.write(text + '\n') }

function ratio (value: number, of: number): number { return Math.round((value / of) * 100) / 100 }

const logger = createLogger({ level: 'warn' })
const scratch = await openScratch('afterresume_bench')
const { config, url } = scratch
/** A fresh migrated database, dropped at the end of the run. */
const freshDatabase = (suffix: string): Promise<string> => scratch.another(suffix)

try {
  await migrate(url, { secretKey: config.secretKey })
  await growJobs(url, BACKGROUND_JOBS)
  line(`# AfterResume job benchmark — ${scratch.machine}${BACKGROUND_JOBS > 0 ? `; ${BACKGROUND_JOBS} finished jobs (and 3 events each) already in our tables` : ''}`)

  // ---- AfterResume: pickup latency ----------------------------------------------------
  const startedAt = new Map<string, number>()
  const registry = registerWorkflows(new JobRegistry())
  registry.register('bench.pickup', async (ctx) => { startedAt.set(ctx.jobId, performance.now()); return null })
  // system.echo's workflow and options under a name of the bench's own, counting the
  // workflows that ended, so the drain is watched without polling the database while it
  // runs (a count every 100 ms competed with the workers for the two cores).
  const echo = registry.require('system.echo')
  let echoed = 0
  registry.register('bench.echo', async (ctx, payload) => { const result = await echo.workflow(ctx, payload); echoed++; return result }, {
    ...echo.options,
    requires: undefined,
    description: 'system.echo, counted by the benchmark',
  })
  const services: Services = await startServices(config, url, logger, { worker: true, scheduler: false, registry })
  const db = services.database.db
  const waitFor = async (predicate: () => boolean | Promise<boolean>): Promise<void> => {
    while (!(await predicate())) await new Promise((resolve) => setTimeout(resolve, 1))
  }
  // Warm up connections and caches before measuring.
  for (let i = 0; i < 20; i++) {
    const { job } = await services.jobs.enqueue(db, { type: 'bench.pickup' })
    await waitFor(() => startedAt.has(job.id))
  }
  const pickups: number[] = []
  for (let i = 0; i < PICKUPS; i++) {
    const { job } = await db.transaction().execute((trx) => services.jobs.enqueue(trx, { type: 'bench.pickup' }))
    const committed = performance.now()
    await waitFor(() => startedAt.has(job.id))
    pickups.push((startedAt.get(job.id) ?? committed) - committed)
  }
  const pickupP50 = percentile(pickups, 50)
  const pickupP99 = percentile(pickups, 99)
  line(`afterresume pickup latency (commit → workflow start), ${PICKUPS} jobs one at a time: p50 ${pickupP50} ms, p99 ${pickupP99} ms, max ${percentile(pickups, 100)} ms`)

  await services.stop()

  // ---- AfterResume: throughput ---------------------------------------------------------
  // Enqueue everything first with no worker running, then time the drain: this measures
  // the worker side (fetch, job rows to running, workflow, outcome + events + settle).
  const oursDrain = async (round: number): Promise<{ perSecond: number; enqueuePerSecond: number; events: number }> => {
    const roundUrl = await freshDatabase(`ours_${round}`)
    await growJobs(roundUrl, BACKGROUND_JOBS)
    const producer = await startServices(config, roundUrl, logger, { worker: false, scheduler: false, registry })
    const enqueueStart = performance.now()
    const chunk = 1000
    for (let offset = 0; offset < THROUGHPUT_JOBS; offset += chunk) {
      const size = Math.min(chunk, THROUGHPUT_JOBS - offset)
      await producer.database.db.transaction().execute((trx) => producer.jobs.enqueueMany(trx, 'bench.echo', Array.from({ length: size }, (_, i) => ({ payload: { n: offset + i } }))))
    }
    const enqueueSeconds = (performance.now() - enqueueStart) / 1000
    echoed = 0
    const drainStart = performance.now()
    const workers = await startServices({ ...config, worker: { ...config.worker, concurrency: 4 } }, roundUrl, logger, { worker: true, scheduler: false, registry })
    await waitFor(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); return echoed >= THROUGHPUT_JOBS })
    // Every workflow has ended; the drain ends when the last outcomes are recorded.
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM job WHERE type = 'bench.echo' AND status = 'success'`.execute(workers.database.db)
      return (rows[0]?.n ?? 0) >= THROUGHPUT_JOBS
    })
    const perSecond = Math.round(THROUGHPUT_JOBS / ((performance.now() - drainStart) / 1000))
    const { rows: [eventCount] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event e JOIN job j ON j.id = e.job_id WHERE j.type = 'bench.echo'`.execute(workers.database.db)
    await workers.stop()
    await producer.stop()
    return { perSecond, enqueuePerSecond: Math.round(THROUGHPUT_JOBS / enqueueSeconds), events: eventCount?.n ?? 0 }
  }

  // ---- plain pg-boss baselines ----------------------------------------------------------
  // In databases of their own, so neither side drains through the other's leftovers.
  const plain = async (plainUrl: string, options: { notify: boolean; batchSize: number; localConcurrency: number }, pickupsWanted: number, jobs: number) => {
    const queue = `plain_${options.notify ? 'notify' : 'poll'}`
    const boss = new PgBoss({ connectionString: plainUrl, schema: 'pgboss', migrate: false, useListenNotify: options.notify, supervise: false, schedule: false })
    boss.on('error', () => {})
    await boss.start()
    await boss.createQueue(queue, { notify: options.notify })
    const seen = new Map<string, number>()
    let done = 0
    // Tuned as our runner is: burst through full batches, and a 2 s backstop poll rather
    // than pg-boss's 30 s default on notify queues (one short fetch would otherwise park
    // a loop for 30 s and make the figure depend on luck).
    const workOptions = { batchSize: options.batchSize, localConcurrency: options.localConcurrency, burstWhenBatchFull: options.batchSize > 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 }
    await boss.work(queue, workOptions, async (batch) => {
      const now = performance.now()
      for (const job of batch) seen.set(job.id, now)
      done += batch.length
    })
    const latencies: number[] = []
    for (let i = 0; i < pickupsWanted; i++) {
      const id = await boss.send(queue, {})
      const sent = performance.now()
      if (id === null) throw new Error('send returned no id')
      await waitFor(() => seen.has(id))
      latencies.push((seen.get(id) ?? sent) - sent)
    }
    let perSecond = Number.NaN
    if (jobs > 0) {
      done = 0
      await boss.offWork(queue, { wait: true })
      for (let offset = 0; offset < jobs; offset += 1000) await boss.insert(queue, Array.from({ length: Math.min(1000, jobs - offset) }, () => ({ data: {} })))
      const start = performance.now()
      await boss.work(queue, workOptions, async (batch) => { done += batch.length })
      await waitFor(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); return done >= jobs })
      perSecond = Math.round(jobs / ((performance.now() - start) / 1000))
    }
    await boss.stop({ graceful: false, close: true })
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond }
  }
  const pickupUrl = await freshDatabase('plain_pickup')
  const polling = await plain(pickupUrl, { notify: false, batchSize: 1, localConcurrency: 1 }, DEFAULT_POLLING_PICKUPS, 0)
  line(`plain pg-boss, default polling (2 s): pickup p50 ${polling.p50} ms, p99 ${polling.p99} ms over ${DEFAULT_POLLING_PICKUPS} jobs`)
  const tuned = { notify: true, batchSize: 500, localConcurrency: 4 }
  const notified = await plain(pickupUrl, tuned, PICKUPS, 0)
  line(`plain pg-boss, LISTEN/NOTIFY: pickup p50 ${notified.p50} ms, p99 ${notified.p99} ms; ours ${ratio(pickupP50, notified.p50)}× its p50`)

  const rounds: Array<{ ours: number; plain: number }> = []
  let events = 0
  let enqueuePerSecond = 0
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await oursDrain(round)
    const plainPerSecond = (await plain(await freshDatabase(`plain_${round}`), tuned, 0, THROUGHPUT_JOBS)).perSecond
    rounds.push({ ours: ours.perSecond, plain: plainPerSecond })
    events = ours.events
    enqueuePerSecond = Math.max(enqueuePerSecond, ours.enqueuePerSecond)
    line(`round ${round + 1}: afterresume ${ours.perSecond} jobs/s (${ours.events} events: queued, started, completed; enqueue ${ours.enqueuePerSecond} jobs/s), plain pg-boss NOTIFY + batchSize 500 × 4 ${plainPerSecond} jobs/s (no job rows, no events) = ${ratio(ours.perSecond, plainPerSecond)}×`)
  }
  const jobsPerSecond = Math.max(...rounds.map((r) => r.ours))
  const pgbossJobsPerSecond = Math.max(...rounds.map((r) => r.plain))
  const roundRatios = rounds.map((r) => ratio(r.ours, r.plain)).sort((a, b) => a - b)
  line(`throughput, ${THROUGHPUT_JOBS} jobs per drain, best of ${ROUNDS}: afterresume ${jobsPerSecond} jobs/s, plain pg-boss ${pgbossJobsPerSecond} jobs/s = ${ratio(jobsPerSecond, pgbossJobsPerSecond)}×; per round ${roundRatios.join(', ')}× (median ${roundRatios[Math.floor(roundRatios.length / 2)]}×); ${events} events per drain`)

  line(JSON.stringify({
    pickup_p50_ms: pickupP50,
    pickup_p99_ms: pickupP99,
    jobs_per_s: jobsPerSecond,
    pgboss_polling_pickup_p50_ms: polling.p50,
    pgboss_notify_pickup_p50_ms: notified.p50,
    pgboss_notify_pickup_p99_ms: notified.p99,
    pgboss_jobs_per_s: pgbossJobsPerSecond,
    jobs_ratio: ratio(jobsPerSecond, pgbossJobsPerSecond),
    jobs_ratio_per_round: rounds.map((r) => ratio(r.ours, r.plain)),
    pickup_p50_ratio: ratio(pickupP50, notified.p50),
    enqueue_jobs_per_s: enqueuePerSecond,
  }))
} finally {
  await scratch.close()
}
