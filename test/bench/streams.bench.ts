// npm run bench:streams — what live streams cost, against DATABASE_URL or an embedded
// PostgreSQL, in a throwaway database: STREAMS clients (default 200) hold
// GET /api/events/stream/ open on a listening API (real HTTP, fetch readers in this same
// process) while a worker runs JOBS system.echo jobs one after another. Prints
//  - the process's RSS before the streams, with them open, and after the traffic
//    (client and server share the process, so the figure covers both sides);
//  - the database connections of the bench database (pg_stat_activity) before and with
//    the streams open;
//  - delivery latency: event row written (its clock_timestamp()) → message read by a client.
// The last line is one JSON object.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createLogger } from '../../src/platform/observability/logger.ts'
import { createInvite } from '../../src/modules/identity/invite.service.ts'
import { NO_REQUEST } from '../../src/modules/identity/audit.ts'
import { makeServiceToken } from '../../src/modules/identity/service-token.ts'
import { appDeps, locateDatabase, startServices } from '../../src/runtime.ts'
import { openSse, type SseReader } from '../helpers/event-stream.ts'

const STREAMS = Number(process.env.BENCH_STREAMS ?? 200)
const JOBS = Number(process.env.BENCH_STREAM_JOBS ?? 50)

function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return Math.round((sorted[index] ?? Number.NaN) * 10) / 10
}
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20)
function line (text: string): void { process.stdout.write(text + '\n') }

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_PER_USER_PER_MINUTE: '100000', RATE_LIMIT_PER_MINUTE: '100000' })
const logger = createLogger({ level: 'warn' })
const location = await locateDatabase(config, logger)
const benchDb = `afterresume_streams_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: location.url })
await admin.connect()
await admin.query(`CREATE DATABASE ${benchDb}`)
const url = (() => { const u = new URL(location.url); u.pathname = `/${benchDb}`; return u.toString() })()
const connections = async (): Promise<number> => {
  const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [benchDb])
  return Number(rows[0]?.n)
}

try {
  await migrate(url, { secretKey: config.secretKey })
  const services = await startServices(config, url, logger, { worker: true, scheduler: false, eventHub: true })
  const app = await buildApp(appDeps(services, logger))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const base = `http://127.0.0.1:${address.port}`

  const { passkey } = await createInvite(services.database.db, { createdBy: null }, NO_REQUEST)
  const signup = await fetch(`${base}/api/auth/signup/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'a long and unusual passphrase 42', passkey, display_name: 'Bench' }),
  })
  const { access, user } = await signup.json() as { access: string; user: { tenant_id: string } }
  const headers = { authorization: `Bearer ${access}`, 'x-service-token': makeServiceToken(config.auth.serviceSecret) }

  // Warm up: one job through the whole path before measuring.
  const warm = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: user.tenant_id, payload: {} })
  await fetch(`${base}/api/jobs/${warm.job.id}/?wait=10`, { headers })
  globalThis.gc?.()
  const rssBefore = process.memoryUsage().rss
  const connectionsBefore = await connections()

  const readers: SseReader[] = await Promise.all(Array.from({ length: STREAMS }, () => openSse(`${base}/api/events/stream/`, headers)))
  if (readers.some((r) => r.status !== 200)) throw new Error(`a stream was refused: ${readers.find((r) => r.status !== 200)?.status}`)
  const rssOpen = process.memoryUsage().rss
  const connectionsOpen = await connections()
  line(`# AfterResume stream benchmark — ${STREAMS} tenant streams, ${JOBS} system.echo jobs one after another (3 events each), Node ${process.version}`)
  line(`RSS: ${mib(rssBefore)} MiB before the streams, ${mib(rssOpen)} MiB with ${STREAMS} open (≈ ${Math.round((rssOpen - rssBefore) / STREAMS / 1024)} KiB a stream, client and server together)`)
  line(`database connections of the bench database: ${connectionsBefore} before, ${connectionsOpen} with ${STREAMS} streams open`)

  const latencies: number[] = []
  const expected = JOBS * 3
  const collecting = readers.map(async (reader) => {
    for (let n = 0; n < expected; n++) {
      const message = await reader.next(60_000)
      if (message === undefined) throw new Error('a stream ended early')
      latencies.push(Date.now() - Date.parse(String(message.json.timestamp)))
    }
  })
  const started = performance.now()
  for (let i = 0; i < JOBS; i++) {
    const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: user.tenant_id, payload: { n: i } })
    await fetch(`${base}/api/jobs/${job.id}/?wait=10`, { headers })
  }
  await Promise.all(collecting)
  const seconds = (performance.now() - started) / 1000
  const rssAfter = process.memoryUsage().rss
  line(`delivery (event written → read by a client): ${latencies.length} messages in ${seconds.toFixed(1)} s, p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${percentile(latencies, 100)} ms`)
  line(`RSS after the traffic: ${mib(rssAfter)} MiB`)
  for (const reader of readers) reader.close()
  await app.close()
  await services.stop()
  line(JSON.stringify({
    streams: STREAMS,
    rss_before_mib: mib(rssBefore),
    rss_open_mib: mib(rssOpen),
    rss_after_mib: mib(rssAfter),
    db_connections_before: connectionsBefore,
    db_connections_open: connectionsOpen,
    messages: latencies.length,
    delivery_p50_ms: percentile(latencies, 50),
    delivery_p99_ms: percentile(latencies, 99),
  }))
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`).catch(() => {})
  await admin.end()
  if (location.embedded?.owned === true) await location.embedded.stop()
}
