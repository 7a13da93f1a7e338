// PostgreSQL blinking under load (DESIGN "Promises under failure"): an API process and two
// worker processes run against a cluster this test owns, while work logs are saved at a
// steady pace. Mid-run every application connection is terminated, one worker is
// SIGKILLed, and the server is stopped and started again. Afterwards every save that was
// answered 2xx exists exactly once, every job succeeded with exactly one "job completed"
// event, the surviving processes still run, and readiness is back.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t from 'tap'
import { withDatabase } from '../helpers/database.ts'
import { TEST_SECRET_KEY } from '../helpers/services.ts'
import { runCommand, startRole, type ServiceProcess } from '../helpers/service-process.ts'
import { startEmbeddedCluster } from '../setup/cluster.ts'
import { freePort } from '../helpers/ports.ts'

const LOAD_SECONDS = 14
const SAVE_EVERY_MS = 60

t.test('the service rides through terminated connections, a killed worker and a database restart', async (t) => {
  const cluster = await startEmbeddedCluster(`outage-${process.pid}`)
  t.teardown(() => cluster.stop())
  const admin = new pg.Client({ connectionString: cluster.adminUrl })
  await admin.connect()
  await admin.query('CREATE DATABASE afterresume')
  await admin.end()
  const url = withDatabase(cluster.adminUrl, 'afterresume')
  const port = await freePort()
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'afterresume-outage-')),
    SECRET_KEY: TEST_SECRET_KEY,
    PORT: String(port),
    LOG_LEVEL: 'info',
    SKIP_SERVICE_AUTH: 'true',
    JOB_HEARTBEAT_SECONDS: '10',
    JOB_SWEEP_INTERVAL_SECONDS: '2',
  }
  runCommand(['migrate'], env)
  runCommand(['create-admin', '--email', 'drill@example.test', '--password', 'steady-retries-4471'], env)

  const processes: ServiceProcess[] = []
  t.teardown(() => { for (const p of processes) p.kill('SIGKILL') })
  const api = startRole('api', env)
  const workers = [startRole('worker', env), startRole('worker', env)]
  processes.push(api, ...workers)
  await Promise.all(processes.map((p) => p.waitFor('afterresume is running', 120_000)))
  const base = `http://127.0.0.1:${port}`

  const login = await fetch(`${base}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'drill@example.test', password: 'steady-retries-4471' }),
  })
  t.equal(login.status, 200, 'signed in')
  const { access } = await login.json() as { access: string }

  // The load: one save every SAVE_EVERY_MS, each retried on 503 or a refused connection
  // until it is answered, as an SPA following Retry-After would.
  const statuses = new Map<number, number>()
  const saved: string[] = []
  const savedAt: number[] = []
  let resumedAt = Number.POSITIVE_INFINITY
  const unanswered: string[] = []
  const count = (status: number): void => { statuses.set(status, (statuses.get(status) ?? 0) + 1) }
  const save = async (title: string): Promise<void> => {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${base}/api/worklogs/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${access}` },
          body: JSON.stringify({ occurred_on: '2026-11-20', title, content: `Outage drill entry ${title}: shipped the retry path.` }),
          // A request must be answered (even 503) within a bound, never hang.
          signal: AbortSignal.timeout(15_000),
        })
        count(response.status)
        await response.arrayBuffer()
        if (response.status === 201) {
          saved.push(title)
          savedAt.push(Date.now())
          return
        }
        if (response.status !== 503) return
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') count(-1)
        else count(0)
      }
      await sleep(250)
    }
    unanswered.push(title)
  }

  const pending: Array<Promise<void>> = []
  const started = Date.now()
  const chaos = (async () => {
    await sleep(2500)
    const terminator = new pg.Client({ connectionString: cluster.adminUrl })
    await terminator.connect()
    const { rowCount } = await terminator.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'afterresume' AND pid <> pg_backend_pid()")
    await terminator.end()
    t.ok((rowCount ?? 0) >= 6, `terminated every application connection (${rowCount ?? 0})`)
    await sleep(2000)
    workers[1]!.kill('SIGKILL')
    await sleep(1500)
    cluster.halt()
    await sleep(3000)
    cluster.resume()
    resumedAt = Date.now()
  })()
  for (let i = 0; Date.now() - started < LOAD_SECONDS * 1000; i++) {
    pending.push(save(`outage-${i}`))
    await sleep(SAVE_EVERY_MS)
  }
  await chaos
  await Promise.all(pending)

  t.same(unanswered, [], 'every save was eventually answered')
  t.ok((statuses.get(503) ?? 0) > 0, `the API answered 503 while the database was away (${statuses.get(503) ?? 0} times)`)
  const serverErrors = [...statuses].filter(([status]) => status >= 500 && status !== 503)
  t.same(serverErrors, [], 'no 5xx other than 503')
  t.equal(statuses.get(-1) ?? 0, 0, 'no request hung past its bound')
  t.ok(saved.length > 100, `saves succeeded throughout (${saved.length})`)
  const firstAfter = savedAt.find((at) => at >= resumedAt)
  t.ok(firstAfter !== undefined, 'saves succeed again after the restart')
  t.comment(`first save answered 201 ${firstAfter === undefined ? '?' : firstAfter - resumedAt} ms after the server accepted connections again`)

  const ready = await waitUntil(async () => (await fetch(`${base}/api/readyz`)).status === 200, 30_000)
  t.ok(ready, 'readyz answers 200 again')

  const db = new pg.Client({ connectionString: url })
  await db.connect()
  t.teardown(() => db.end())
  const { rows: copies } = await db.query<{ title: string; n: number }>(
    'SELECT title, count(*)::int AS n FROM worklog WHERE title = ANY($1) GROUP BY title', [saved])
  t.equal(copies.length, saved.length, 'every save answered 2xx exists')
  t.same(copies.filter((row) => row.n !== 1), [], 'and exists exactly once')

  // Jobs the killed worker held come back after the heartbeat (10 s) and the supervisor's pass.
  const settled = await waitUntil(async () => {
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE status IN ('queued', 'running')")
    return rows[0]!.n === 0
  }, 90_000)
  t.ok(settled, 'no job is left queued or running')
  const { rows: byStatus } = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM job GROUP BY status')
  t.same(byStatus.map((row) => row.status), ['success'], `every job succeeded (${JSON.stringify(byStatus)})`)
  const { rows: completions } = await db.query<{ id: string; n: number }>(`
    SELECT j.id, count(e.id)::int AS n FROM job j
    LEFT JOIN event e ON e.job_id = j.id AND e.message = 'job completed'
    GROUP BY j.id HAVING count(e.id) <> 1`)
  t.same(completions, [], 'every job has exactly one "job completed" event')
  const { rows: analyzed } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM job WHERE type = 'worklog.analyze'")
  t.ok(analyzed[0]!.n >= saved.length, 'each save queued its analysis')

  t.ok(api.alive(), 'the API process is still running')
  t.ok(workers[0]!.alive(), 'the surviving worker is still running')
  t.notMatch(processes.map((p) => p.output()).join('\n'), /Unhandled 'error' event|uncaughtException|unawaited database error/, 'no process hit an unhandled error')
  if (!t.passing()) {
    for (const [name, p] of [['api', api], ['worker 1', workers[0]!], ['worker 2 (killed)', workers[1]!]] as const) {
      t.comment(`--- ${name} ---\n${p.output().split('\n').filter((line) => !line.includes('"level":30')).slice(-40).join('\n')}`)
    }
  }
})

async function waitUntil (check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      if (await check()) return true
    } catch {
      // the service or database may still be coming back
    }
    await sleep(250)
  }
  return false
}
