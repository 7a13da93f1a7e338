// Issue 9: SIGTERM to a real `serve` under load. Requests already in flight finish, new
// ones are refused cleanly, a running job gets its grace period, the process exits 0.
import t from 'tap'
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { signUp } from '../helpers/auth.ts'
import { buildTestApp, eventually, startTestServices, TEST_SECRET_KEY } from '../helpers/services.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

interface Outcome { status?: number; connection?: string; error?: string; afterSignal: boolean; path: string; keepAlive: boolean }

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function get (port: number, path: string, headers: Record<string, string>, agent: Agent | false): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('SIGTERM under load: in-flight requests finish, new ones are refused cleanly, the running job finishes, exit 0', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const user = await signUp(app, services)
  const port = await freePort()

  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: services.url,
      SECRET_KEY: TEST_SECRET_KEY,
      DATA_DIR: services.config.dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
      // The loops below are the load, not an attack.
      RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })

  await eventually(async () => (await get(port, '/api/healthz', {}, false).catch(() => ({ status: 0 }))).status === 200 || undefined, 30_000, 'serve to answer')

  // A job that is running when the signal comes.
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', payload: { sleep_ms: 1500 } })
  await eventually(async () => (await services.jobs.get(job.id)).status === 'running' || undefined, 10_000, 'the job to start')

  // A request in flight across the signal: its headers and half its body before it, the rest after.
  const loginBody = JSON.stringify({ email: user.email, password: user.password })
  const inFlight = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/auth/login', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(loginBody)) } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.write(loginBody.slice(0, 10))
    setTimeout(() => req.end(loginBody.slice(10)), 400).unref()
  })
  await new Promise((resolve) => setTimeout(resolve, 100))

  // Steady load: keep-alive connections (as a proxy holds them) and a new connection a request.
  const outcomes: Outcome[] = []
  let signalled = false
  const load = { stop: false }
  const loop = async (path: string, headers: Record<string, string>, agent: Agent | false): Promise<void> => {
    while (!load.stop) {
      const afterSignal = signalled
      try {
        const { status, connection } = await get(port, path, headers, agent)
        outcomes.push({ status, ...(connection !== undefined && { connection }), afterSignal, path, keepAlive: agent !== false })
      } catch (error) {
        // A failure is judged by when it came: a new connection the client opened just
        // before the signal can still be waiting in the kernel's queue when the listener
        // closes, and the kernel resets it after the signal (seen in a full run on 2026-11-30).
        const failedAfterSignal = signalled
        outcomes.push({ error: (error as NodeJS.ErrnoException).code ?? String(error), afterSignal: failedAfterSignal, path, keepAlive: agent !== false })
        if (failedAfterSignal) return
      }
    }
  }
  const authed = user.headers
  const agents = [new Agent({ keepAlive: true, maxSockets: 1 }), new Agent({ keepAlive: true, maxSockets: 1 })]
  t.teardown(() => { for (const agent of agents) agent.destroy() })
  const loops = [
    loop('/api/healthz', {}, agents[0]!),
    loop('/api/auth/me', authed, agents[1]!),
    loop('/api/healthz', {}, false),
    loop('/api/auth/me', authed, false),
  ]
  await eventually(async () => outcomes.length >= 50 || undefined, 10_000, 'load to run')

  const signalledAt = Date.now()
  signalled = true
  child.kill('SIGTERM')
  const { code, signal, at } = await exited
  load.stop = true
  await Promise.all(loops)

  t.equal(code, 0, `serve exited 0 (signal ${String(signal)})\n${output}`)
  t.equal(await inFlight, 200, 'the request in flight at the signal was answered by its handler')
  t.equal((await services.jobs.get(job.id)).status, 'success', 'the running job finished in its grace period')
  t.ok(at - signalledAt < 20_000, `stopped in ${at - signalledAt} ms`)

  // A request sent just before the signal may arrive just after it: it is judged like the
  // rest. On a kept-alive connection (as a proxy holds them) a request is always answered:
  // 200, or 503 with Connection: close; the agent's next connection is refused. A new
  // connection after the signal is refused — or,
  // if the kernel had completed its handshake in the instant before the listener closed,
  // reset by the kernel before the service read a byte of it; both say "not processed".
  const clean = (o: Outcome): boolean => o.status === 200 || (o.status === 503 && o.connection === 'close') ||
    (o.afterSignal && (o.error === 'ECONNREFUSED' || (o.error === 'ECONNRESET' && !o.keepAlive)))
  t.same(outcomes.filter((o) => !clean(o)), [], `${outcomes.length} requests: each answered, refused with 503 and Connection: close, or (a new connection, after the signal) refused`)
  t.ok(outcomes.filter((o) => o.status === 200).length >= 50, 'the load was served until the signal')
  t.ok(outcomes.some((o) => o.error === 'ECONNREFUSED'), 'new connections are refused once the server has closed')
})
