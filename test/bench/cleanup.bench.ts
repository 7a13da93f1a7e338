// npm run bench:cleanup — the retention pass at volume, against DATABASE_URL or an embedded
// PostgreSQL, in a throwaway database: BENCH_CLEANUP_JOBS (default 100,000) jobs that
// finished 40 days ago with 3 events each, plus 1,000 recent ones that must survive, and
// a pg-boss delivery row per job (completed 40 days ago). Prints table sizes before, after
// our cleanup (job, event), after pg-boss's own maintenance (pgboss.job) and after a plain
// VACUUM, with the time each step took. The last line is one JSON object.
import pg from 'pg'
import { sql } from 'kysely'
import { openScratch } from './scratch.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createLogger } from '../../src/platform/observability/logger.ts'
import { startServices } from '../../src/runtime.ts'
import { runCleanup } from '../../src/workflows/system/cleanup.ts'

const JOBS = Number(process.env.BENCH_CLEANUP_JOBS ?? 100_000)
const RECENT = 1000

function line (text: string): void { process.stdout.write(text + '\n') }
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`

interface Sizes { job: number; event: number; pgboss_job: number; job_rows: number; event_rows: number; pgboss_rows: number }

async function sizes (db: Db): Promise<Sizes> {
  // pgboss.job is partitioned by queue: its own size is 0, its partitions hold the rows.
  const { rows: [s] } = await sql<Sizes>`
    SELECT pg_total_relation_size('job')::bigint AS job,
           pg_total_relation_size('event')::bigint AS event,
           (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('pgboss.job'))::bigint AS pgboss_job,
           (SELECT count(*) FROM job) AS job_rows,
           (SELECT count(*) FROM event) AS event_rows,
           (SELECT count(*) FROM pgboss.job) AS pgboss_rows`.execute(db)
  return s!
}

const show = (label: string, s: Sizes): void => line(`${label.padEnd(28)} job ${mib(s.job).padStart(10)} (${s.job_rows} rows)   event ${mib(s.event).padStart(10)} (${s.event_rows} rows)   pgboss.job ${mib(s.pgboss_job).padStart(10)} (${s.pgboss_rows} rows)`)

const scratch = await openScratch('afterresume_bench')
const { config, url } = scratch

try {
  await migrate(url, { secretKey: config.secretKey })
  line(`# AfterResume cleanup benchmark — ${scratch.machine}, batch ${config.retention.batchSize}, ${new Date().toISOString()}`)
  const services = await startServices(config, url, createLogger({ level: 'warn' }), { worker: false, scheduler: false })
  const owner = new pg.Client({ connectionString: url })
  await owner.connect()
  try {
    const db = services.database.db
    const fillStart = performance.now()
    // Old jobs are spread over a day starting 41 days ago; the recent ones finished today.
    await sql`
      INSERT INTO job (type, status, trace_id, payload, result, attempt, created_at, started_at, finished_at, updated_at)
      SELECT 'system.echo', CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'success' END, gen_random_uuid(), jsonb_build_object('n', n), jsonb_build_object('n', n), 1,
             t, t + interval '1 second', t + interval '2 seconds', t + interval '2 seconds'
      FROM generate_series(1, ${JOBS}) AS n, LATERAL (SELECT now() - interval '41 days' + n * interval '1 millisecond' * 864 AS t) AS at`.execute(db)
    await sql`
      INSERT INTO job (type, status, trace_id, payload, attempt, created_at, started_at, finished_at, updated_at)
      SELECT 'system.echo', 'success', gen_random_uuid(), '{}', 1, now() - interval '1 hour', now() - interval '1 hour', now(), now()
      FROM generate_series(1, ${RECENT})`.execute(db)
    await sql`
      INSERT INTO event (job_id, tenant_id, trace_id, timestamp, level, source, message, data)
      SELECT j.id, j.tenant_id, j.trace_id, j.created_at + e.k * interval '1 second', 'info', 'system',
             (ARRAY['job queued', 'job started', 'job completed'])[e.k], jsonb_build_object('attempt', 1)
      FROM job j, generate_series(1, 3) AS e(k)`.execute(db)
    // pg-boss's copy of each delivery, as its own workers would have left it.
    await owner.query(`
      INSERT INTO pgboss.job (id, name, data, state, retry_limit, start_after, created_on, started_on, completed_on, keep_until, deletion_seconds)
      SELECT id, type, payload, 'completed', 3, created_at, created_at, started_at, finished_at, created_at + interval '14 days', $1
      FROM job`, [config.retention.jobDays * 86_400])
    await owner.query('ANALYZE job; ANALYZE event; ANALYZE pgboss.job')
    line(`filled ${JOBS + RECENT} jobs, ${(JOBS + RECENT) * 3} events and ${JOBS + RECENT} pg-boss rows in ${Math.round(performance.now() - fillStart)} ms`)
    const before = await sizes(db)
    show('before', before)

    const cleanupStart = performance.now()
    const report = await runCleanup(db, config.retention, { dryRun: false })
    const cleanupMs = Math.round(performance.now() - cleanupStart)
    const afterCleanup = await sizes(db)
    line(`cleanup: ${report.finished_jobs.jobs} jobs and ${report.finished_jobs.events} events in ${report.finished_jobs.batches} batches, ${cleanupMs} ms (${Math.round(report.finished_jobs.jobs / (cleanupMs / 1000))} jobs/s)`)
    show('after cleanup', afterCleanup)

    const maintenanceStart = performance.now()
    await services.boss.supervise('system.echo')
    const maintenanceMs = Math.round(performance.now() - maintenanceStart)
    const afterMaintenance = await sizes(db)
    line(`pg-boss maintenance (supervise system.echo): ${maintenanceMs} ms`)
    show('after pg-boss maintenance', afterMaintenance)

    const vacuumStart = performance.now()
    // One statement each: VACUUM cannot run inside the implicit transaction of a multi-statement query.
    await owner.query('VACUUM job')
    await owner.query('VACUUM event')
    for (const { relid } of (await owner.query<{ relid: string }>("SELECT relid::text FROM pg_partition_tree('pgboss.job') WHERE isleaf")).rows) await owner.query(`VACUUM ${relid}`)
    const vacuumMs = Math.round(performance.now() - vacuumStart)
    const afterVacuum = await sizes(db)
    line(`VACUUM (what autovacuum does later): ${vacuumMs} ms`)
    show('after VACUUM', afterVacuum)

    if (afterVacuum.job_rows !== RECENT) throw new Error(`expected the ${RECENT} recent jobs to survive, found ${afterVacuum.job_rows}`)
    line(JSON.stringify({ jobs: JOBS, batch_size: config.retention.batchSize, cleanup_ms: cleanupMs, pgboss_maintenance_ms: maintenanceMs, vacuum_ms: vacuumMs, report, before, after_cleanup: afterCleanup, after_pgboss_maintenance: afterMaintenance, after_vacuum: afterVacuum }))
  } finally {
    await owner.end()
    await services.stop()
  }
} finally {
  await scratch.close()
}
