import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { startTestServices, TEST_SECRET_KEY } from '../helpers/services.ts'
import { eventually } from '../helpers/services.ts'

const run = promisify(execFile)
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

t.test('the CLI enqueues, shows, creates the first admin and prints invite passkeys', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const env = { ...process.env, DATABASE_URL: services.url, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', DATA_DIR: services.config.dataDir }
  const cli = async (...args: string[]) => (await run(process.execPath, [MAIN, ...args], { env })).stdout

  const enqueued = JSON.parse(await cli('jobs', 'enqueue', 'system.echo', '--payload', '{"x":1}', '--idempotency-key', 'cli-1')) as { id: string; status: string }
  t.equal(enqueued.status, 'queued')
  await eventually(async () => (await services.jobs.get(enqueued.id)).status === 'success' || undefined, 10_000, 'the job to finish')
  const shown = JSON.parse(await cli('jobs', 'show', enqueued.id)) as { status: string; events: Array<{ message: string }> }
  t.equal(shown.status, 'success')
  t.same(shown.events.map((e) => e.message), ['job queued', 'job started', 'job completed'])
  const again = JSON.parse(await cli('jobs', 'enqueue', 'system.echo', '--idempotency-key', 'cli-1')) as { id: string; created: boolean }
  t.same([again.id, again.created], [enqueued.id, false], 'a repeated idempotency key returns the same job')

  const admin = JSON.parse(await cli('create-admin', '--email', 'root@example.test', '--password', 'a long and unusual passphrase 42')) as { is_staff: boolean; role: string }
  t.same([admin.is_staff, admin.role], [true, 'owner'])
  const out = await cli('invites', 'create', '--email', 'new@example.test', '--expires-in', '2d')
  const passkey = out.trim().split('\n').at(-1) ?? ''
  t.match(passkey, /^[A-Za-z0-9_-]{22}$/, 'the passkey alone on the last line')
  await t.rejects(run(process.execPath, [MAIN, 'jobs', 'enqueue', 'no.such_type'], { env }), /Unknown job type/)
})
