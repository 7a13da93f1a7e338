import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { eventually, startTestServices } from '../../helpers/services.ts'

const WORKER = fileURLToPath(new URL('../../helpers/worker-process.ts', import.meta.url))

function startWorkerProcess (url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, TEST_WORKER_DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(child) })
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)))
  })
}

t.test('a worker killed with SIGKILL mid-job: the job is retried elsewhere and succeeds exactly once', async (t) => {
  // This process only enqueues and watches; the job runs in a child we can kill.
  const services = await startTestServices(t, { worker: false })
  const db = services.database.db
  const victim = await startWorkerProcess(services.url)
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: { sleep_ms: 4000, marker: 'crash' } })
  await eventually(async () => (await services.jobs.get(job.id)).status === 'running' || undefined, 10_000, 'the job to start in the victim')
  victim.kill('SIGKILL')

  // The survivor starts after the kill, so only pg-boss's heartbeat check can hand it the job.
  const survivor = await startWorkerProcess(services.url)
  t.teardown(() => { survivor.kill('SIGTERM') })
  const done = await eventually(async () => {
    const current = await services.jobs.get(job.id)
    return current.status === 'success' ? current : undefined
  }, 40_000, 'the job to be retried after missed heartbeats and succeed')
  t.equal(done.attempt, 2, 'the second attempt finished it')
  t.same(done.result, { sleep_ms: 4000, marker: 'crash' })
  const events = await services.jobs.events(job.id)
  const messages = events.map((e) => e.message)
  t.equal(messages.filter((m) => m === 'job completed').length, 1, 'completed exactly once')
  t.ok(messages.some((m) => m.startsWith('job started again') || m.startsWith('retry 1 of')), 'the lost attempt is on the timeline')
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM job`.execute(db)
  t.equal(rows[0]?.n, 1, 'no duplicate job rows')
})
