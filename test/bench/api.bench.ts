// npm run bench:api — HTTP figures of the service on this machine, against DATABASE_URL
// or an embedded PostgreSQL, in a throwaway database holding the demo data:
//   the service (`node src/main.ts api`, a process of its own) on
//     GET /api/worklogs/?page_size=50 (a page with its relations), GET /api/auth/me/,
//     POST /api/worklogs/, GET /api/skills/, GET /api/gamification/summary/
//   and the anchor: the same worklog page from a bare Fastify + pg route (api-anchor.ts),
//   measured first and last so drift during the run shows.
// autocannon drives each for BENCH_API_SECONDS (10) with BENCH_API_CONNECTIONS (16)
// connections after a short warm-up. Every request comes from a fresh client address
// (X-Forwarded-For, TRUST_PROXY=true) so the per-address rate limit never answers, and
// carries a properly signed X-Service-Token. BENCH_API_CPU_PROF=<dir> runs the service
// under `node --cpu-prof` and leaves its profile there; BENCH_API_ONLY=<text> measures
// only the routes whose name contains it (the anchor always runs). BENCH_API_WORKLOGS=<n>
// adds n work logs to the demo tenant and as many in ten other tenants (growth.ts), to see
// how the page's cost grows with the data.
// Prints figures as it goes; the last line is one JSON object.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { growWorklogs } from './growth.ts'
import { openScratch } from './scratch.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createLogger } from '../../src/platform/observability/logger.ts'
import { makeServiceToken } from '../../src/modules/identity/service-token.ts'
import { seedDemoData } from '../../src/modules/worklog/demo/demo-data.ts'
import { startServices } from '../../src/runtime.ts'

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10)
const WARMUP_SECONDS = Number(process.env.BENCH_API_WARMUP_SECONDS ?? 2)
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 16)
const CPU_PROF_DIR = process.env.BENCH_API_CPU_PROF
/** Only the measures whose name contains this (e.g. "worklogs/?" to profile the page alone). */
const ONLY = process.env.BENCH_API_ONLY
const GROWN_WORKLOGS = Number(process.env.BENCH_API_WORKLOGS ?? 0)

function line (text: string): void { process.stdout.write(text + '\n') }

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

async function waitUntilAnswering (url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`)
    try {
      const response = await fetch(url)
      if (response.ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer within 60 s`)
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

const logger = createLogger({ level: 'warn' })
const scratch = await openScratch('afterresume_apibench')
const { config, url } = scratch
const children: ChildProcess[] = []

try {
  await migrate(url, { secretKey: config.secretKey })
  const seeding = await startServices(config, url, logger, { worker: false, scheduler: false })
  const demo = await seedDemoData(seeding.database.db)
  await seeding.stop()
  await growWorklogs(url, demo, GROWN_WORKLOGS)
  line(`# AfterResume API benchmark — ${scratch.machine}, ${new Date().toISOString()}`)
  line(`# demo data: ${demo.counts.worklogs + GROWN_WORKLOGS} work logs in the tenant${GROWN_WORKLOGS > 0 ? ` (${GROWN_WORKLOGS} grown, and as many in 10 other tenants)` : ''}, ${demo.counts.projects} projects, ${demo.counts.tasks} tasks; ${CONNECTIONS} connections, ${SECONDS} s per measure after ${WARMUP_SECONDS} s warm-up`)

  const apiPort = await freePort()
  const api = spawn(process.execPath, [...(CPU_PROF_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []), 'src/main.ts', 'api'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { ...process.env, DATABASE_URL: url, SECRET_KEY: config.secretKey, HOST: '127.0.0.1', PORT: String(apiPort), TRUST_PROXY: 'true', LOG_LEVEL: 'warn', NODE_ENV: 'development', SKIP_SERVICE_AUTH: 'false', RATE_LIMIT_PER_USER_PER_MINUTE: '1000000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(api)
  const anchorPort = await freePort()
  const anchor = spawn(process.execPath, [fileURLToPath(new URL('./api-anchor.ts', import.meta.url))], {
    env: { ...process.env, ANCHOR_DATABASE_URL: url, ANCHOR_TENANT_ID: demo.tenantId, ANCHOR_PORT: String(anchorPort), ANCHOR_POOL_MAX: String(config.databasePoolMax) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(anchor)
  const base = `http://127.0.0.1:${apiPort}`
  const anchorBase = `http://127.0.0.1:${anchorPort}`
  await waitUntilAnswering(`${base}/api/healthz`, api)
  await waitUntilAnswering(`${anchorBase}/anchor/worklogs?page_size=1`, anchor)

  // Each request a client of its own: 10.x.y.z, counting up.
  let client = 0
  const freshAddress = (): string => { client = (client + 1) % 16_777_216; return `10.${client >> 16}.${(client >> 8) & 255}.${client & 255}` }
  let access = ''
  const signIn = async (): Promise<void> => {
    const response = await fetch(`${base}/api/auth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress() },
      body: JSON.stringify({ email: demo.email, password: demo.password }),
    })
    if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
    access = ((await response.json()) as { access: string }).access
  }
  const serviceToken = (): string => makeServiceToken(config.auth.serviceSecret)
  const today = new Date().toISOString().slice(0, 10)

  interface Target { name: string; method: 'GET' | 'POST'; url: string; body?: () => string; service: boolean }
  const anchorTarget: Target = { name: 'anchor: bare Fastify + pg, JSON built in SQL', method: 'GET', url: `${anchorBase}/anchor/worklogs?page_size=50`, service: false }
  const targets: Target[] = [
    { name: 'GET /api/worklogs/?page_size=50', method: 'GET', url: `${base}/api/worklogs/?page_size=50`, service: true },
    { name: 'GET /api/auth/me/', method: 'GET', url: `${base}/api/auth/me/`, service: true },
    { name: 'GET /api/skills/', method: 'GET', url: `${base}/api/skills/`, service: true },
    { name: 'GET /api/gamification/summary/', method: 'GET', url: `${base}/api/gamification/summary/`, service: true },
    { name: 'POST /api/worklogs/', method: 'POST', url: `${base}/api/worklogs/`, service: true, body: () => JSON.stringify({ occurred_on: today, content: `Benchmarked the API, entry ${client}` }) },
  ]

  interface Figure { name: string; req_per_s: number; p50_ms: number; p99_ms: number; errors: number; non_2xx: number }
  const measure = async (target: Target, seconds: number): Promise<Figure> => {
    if (target.service) await signIn()
    const headers = (): Record<string, string> => target.service
      ? { 'x-forwarded-for': freshAddress(), 'x-service-token': serviceToken(), authorization: `Bearer ${access}`, ...(target.body !== undefined && { 'content-type': 'application/json' }) }
      : { 'x-forwarded-for': freshAddress() }
    const result = await autocannon({
      url: target.url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [{
        method: target.method,
        setupRequest: (request) => ({ ...request, headers: headers(), ...(target.body !== undefined && { body: target.body() }) }),
      }],
    })
    return {
      name: target.name,
      req_per_s: Math.round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non_2xx: result.non2xx,
    }
  }
  const run = async (target: Target): Promise<Figure> => {
    if (WARMUP_SECONDS > 0) await measure(target, WARMUP_SECONDS)
    const figure = await measure(target, SECONDS)
    line(`${figure.name}: ${figure.req_per_s} req/s, p50 ${figure.p50_ms} ms, p99 ${figure.p99_ms} ms, errors ${figure.errors}, non-2xx ${figure.non_2xx}`)
    return figure
  }

  const anchorFirst = await run(anchorTarget)
  const measured: Figure[] = []
  for (const target of targets.filter((t) => ONLY === undefined || t.name.includes(ONLY))) measured.push(await run(target))
  const anchorLast = await run(anchorTarget)
  const anchorReqPerS = (anchorFirst.req_per_s + anchorLast.req_per_s) / 2
  const anchorP99 = (anchorFirst.p99_ms + anchorLast.p99_ms) / 2
  line(`anchor drift: ${anchorFirst.req_per_s} → ${anchorLast.req_per_s} req/s (${Math.round(100 * (anchorLast.req_per_s / anchorFirst.req_per_s - 1))} %); ratios below use the mean of the two`)
  const ratio = (value: number, of: number): number => Math.round((value / of) * 100) / 100
  for (const figure of measured) {
    line(`  ${figure.name}: ${ratio(figure.req_per_s, anchorReqPerS)}× anchor req/s, ${ratio(figure.p99_ms, anchorP99)}× anchor p99`)
  }
  line(JSON.stringify({
    anchor: { first: anchorFirst, last: anchorLast },
    routes: measured.map((figure) => ({ ...figure, req_ratio: ratio(figure.req_per_s, anchorReqPerS), p99_ratio: ratio(figure.p99_ms, anchorP99) })),
  }))
} finally {
  for (const child of children) await stopChild(child).catch(() => {})
  await scratch.close()
}
