// The CLI as an operator runs it: the real program in a child process, its exit code
// and what it prints. One database per concern, commands in the order a person would
// type them; each spawn costs a second or two, so independent ones run side by side.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMigrations } from '../../src/platform/db/migrate.ts'
import { queryOnce, createEmptyDatabase, createTestDatabase } from '../helpers/database.ts'
import { freePort } from '../helpers/ports.ts'
import { runCli, startRole, type CommandOutcome } from '../helpers/service-process.ts'
import { TEST_SECRET_KEY } from '../helpers/services.ts'

interface Tap { teardown(fn: () => unknown): void }

function baseEnv (t: Tap, url: string): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'afterresume-cli-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return { NODE_ENV: 'test', DATABASE_URL: url, SECRET_KEY: TEST_SECRET_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
}

/** stdout as JSON, after checking the command succeeded (its stderr shows when it did not). */
function json<T> (t: Test, outcome: CommandOutcome, what: string): T {
  t.equal(outcome.code, 0, `${what} exits 0${outcome.code === 0 ? '' : `: ${outcome.stderr}`}`)
  return JSON.parse(outcome.stdout) as T
}

t.test('validate-env: OK for a good configuration; exit 1 naming every bad setting', async (t) => {
  const env = baseEnv(t, 'postgres://unused@127.0.0.1:1/unused')
  const [good, bad] = await Promise.all([
    runCli(['validate-env'], env),
    runCli(['validate-env'], { ...env, PORT: 'eighty', LLM_PROVIDER: 'openai' }),
  ])
  t.same(good, { code: 0, stdout: 'configuration OK\n', stderr: '' })
  t.equal(bad.code, 1)
  t.equal(bad.stdout, '')
  t.equal(bad.stderr, [
    'afterresume: Invalid configuration:',
    '  - LLM_PROVIDER=openai needs LLM_BASE_URL.',
    '  - LLM_PROVIDER=openai needs LLM_MODEL_NAME (the model the server should run).',
    '  - PORT must be a non-negative integer (got "eighty").',
    '',
  ].join('\n'), 'each problem on a line of its own, naming the setting')
})

t.test('migrate applies every migration to an empty database, then nothing', async (t) => {
  const url = await createEmptyDatabase(t)
  const env = baseEnv(t, url)
  const all = readMigrations()
  const first = json<{ applied: string[]; schema_version: number }>(t, await runCli(['migrate'], env), 'the first migrate')
  t.same(first, { applied: all.map((m) => m.name), schema_version: all.at(-1)?.version })
  const second = json<{ applied: string[]; schema_version: number }>(t, await runCli(['migrate'], env), 'the second migrate')
  t.same(second, { applied: [], schema_version: all.at(-1)?.version }, 'a second run applies nothing and says so')
  const recorded = await queryOnce<{ n: number }>(url, 'SELECT count(*)::int AS n FROM schema_migration')
  t.equal(recorded[0]?.n, all.length)
})

interface Schedule { id: string; name: string; job_type: string; cron: string; timezone: string; payload: object; enabled: boolean; next_run_at: string | null }

t.test('schedules add, list, disable, enable, remove: the row and its pg-boss mirror follow', async (t) => {
  const url = await createTestDatabase(t)
  const env = baseEnv(t, url)
  const mirrored = async (id: string) => (await queryOnce<{ cron: string; timezone: string }>(url, 'SELECT cron, timezone FROM pgboss.schedule WHERE key = $1', [id]))

  const added = json<Schedule>(t, await runCli(['schedules', 'add', 'nightly-echo', '--type', 'system.echo', '--cron', '0 3 * * *', '--timezone', 'Europe/Paris', '--payload', '{"x":1}'], env), 'schedules add')
  t.match(added, { name: 'nightly-echo', job_type: 'system.echo', cron: '0 3 * * *', timezone: 'Europe/Paris', payload: { x: 1 }, enabled: true })
  t.ok(added.next_run_at !== null && Date.parse(added.next_run_at) > Date.now(), 'the next firing is computed')
  t.same(await mirrored(added.id), [{ cron: '0 3 * * *', timezone: 'Europe/Paris' }], 'mirrored into pg-boss')

  const [listed, duplicate, badCron] = await Promise.all([
    runCli(['schedules', 'list'], env),
    runCli(['schedules', 'add', 'nightly-echo', '--type', 'system.echo', '--cron', '0 4 * * *'], env),
    runCli(['schedules', 'add', 'broken', '--type', 'system.echo', '--cron', 'every night'], env),
  ])
  t.same(json<Schedule[]>(t, listed, 'schedules list').map((s) => [s.id, s.name, s.enabled]), [[added.id, 'nightly-echo', true]])
  t.equal(duplicate.code, 1)
  t.equal(duplicate.stderr, 'afterresume: A schedule named "nightly-echo" already exists.\n')
  t.equal(badCron.code, 1, 'a cron that does not parse is refused')
  t.match(badCron.stderr, /^afterresume: .*cron/i)

  const disabled = json<Schedule>(t, await runCli(['schedules', 'disable', added.id], env), 'schedules disable')
  t.match(disabled, { id: added.id, enabled: false, next_run_at: null })
  t.same(await mirrored(added.id), [], 'a disabled schedule is not in pg-boss')
  const enabled = json<Schedule>(t, await runCli(['schedules', 'enable', added.id], env), 'schedules enable')
  t.match(enabled, { id: added.id, enabled: true, next_run_at: String })
  t.equal((await mirrored(added.id)).length, 1, 'enabled again, mirrored again')

  t.same(json(t, await runCli(['schedules', 'remove', added.id], env), 'schedules remove'), { removed: added.id })
  const [after, again, usage] = await Promise.all([
    runCli(['schedules', 'list'], env),
    runCli(['schedules', 'remove', added.id], env),
    runCli(['schedules', 'add', 'no-cron', '--type', 'system.echo'], env),
  ])
  t.same(json(t, after, 'schedules list after remove'), [])
  t.same(await mirrored(added.id), [])
  t.equal(again.code, 1, 'removing it twice is an error')
  t.match(again.stderr, /^afterresume: Schedule .*not found/i)
  t.same([usage.code, usage.stderr], [2, 'afterresume: schedules add needs NAME --type TYPE --cron CRON.\n'], 'a usage mistake exits 2')
})

interface JobOut { id: string; type: string; status: string; trigger: string; parent_job_id: string | null; max_retries: number; payload: object; created?: boolean }

t.test('jobs enqueue --tenant puts the job in that tenant (so its members can follow it); an unknown tenant is a usage error', async (t) => {
  const url = await createTestDatabase(t)
  const env = baseEnv(t, url)
  const [tenant] = await queryOnce<{ id: string }>(url, "INSERT INTO tenant (name) VALUES ('Acme') RETURNING id")
  const [inTenant, unknown, malformed] = await Promise.all([
    runCli(['jobs', 'enqueue', 'system.echo', '--tenant', tenant!.id], env),
    runCli(['jobs', 'enqueue', 'system.echo', '--tenant', '00000000-0000-4000-8000-000000000000'], env),
    runCli(['jobs', 'enqueue', 'system.echo', '--tenant', 'acme'], env),
  ])
  const job = json<JobOut & { tenant_id: string | null }>(t, inTenant, 'jobs enqueue --tenant')
  t.equal(job.tenant_id, tenant!.id)
  t.same([unknown.code, unknown.stderr], [2, 'afterresume: --tenant must be the id of an existing tenant (got "00000000-0000-4000-8000-000000000000").\n'])
  t.same([malformed.code, malformed.stderr], [2, 'afterresume: --tenant must be the id of an existing tenant (got "acme").\n'])
})

t.test('jobs enqueue, list, show, cancel, retry, types; then a worker and an API start and stop on SIGTERM', async (t) => {
  const url = await createTestDatabase(t)
  const env = baseEnv(t, url)

  const [enqueued, types, badPayload] = await Promise.all([
    runCli(['jobs', 'enqueue', 'system.echo', '--payload', '{"hello":"cli"}', '--max-retries', '1'], env),
    runCli(['jobs', 'types'], env),
    runCli(['jobs', 'enqueue', 'system.echo', '--payload', '[1]'], env),
  ])
  const job = json<JobOut>(t, enqueued, 'jobs enqueue')
  t.match(job, { type: 'system.echo', status: 'queued', trigger: 'api', max_retries: 1, payload: { hello: 'cli' }, created: true })
  const known = json<Array<{ type: string; description: string; retry_limit: number }>>(t, types, 'jobs types')
  t.match(known.find((k) => k.type === 'worklog.analyze'), { retry_limit: 3, description: /work log/ })
  t.match(known.find((k) => k.type === 'system.echo'), { retry_limit: 3 })
  t.equal(new Set(known.map((k) => k.type)).size, known.length, 'each type once')
  t.same([badPayload.code, badPayload.stderr], [2, 'afterresume: --payload must be a JSON object, e.g. \'{"x":1}\'.\n'])

  const [listed, shown, filtered] = await Promise.all([
    runCli(['jobs', 'list'], env),
    runCli(['jobs', 'show', job.id], env),
    runCli(['jobs', 'list', '--status', 'failed'], env),
  ])
  t.same(json<{ total: number; jobs: JobOut[] }>(t, listed, 'jobs list').jobs.map((j) => [j.id, j.status]), [[job.id, 'queued']])
  t.same(json<{ total: number; jobs: JobOut[] }>(t, filtered, 'jobs list --status failed'), { total: 0, jobs: [] })
  const detail = json<JobOut & { events: Array<{ message: string }> }>(t, shown, 'jobs show')
  t.same([detail.id, detail.status, detail.events.map((e) => e.message)], [job.id, 'queued', ['job queued']])

  // No worker runs yet, so the job is still queued when it is cancelled.
  t.match(json<JobOut>(t, await runCli(['jobs', 'cancel', job.id], env), 'jobs cancel'), { id: job.id, status: 'cancelled' })
  const [cancelAgain, rerun] = await Promise.all([runCli(['jobs', 'cancel', job.id], env), runCli(['jobs', 'retry', job.id], env)])
  t.equal(cancelAgain.code, 1, 'a finished job cannot be cancelled')
  t.match(cancelAgain.stderr, /^afterresume: Job .* has already finished \(cancelled\)/)
  const retried = json<JobOut>(t, rerun, 'jobs retry')
  t.match(retried, { type: 'system.echo', status: 'queued', trigger: 'retry', parent_job_id: job.id, payload: { hello: 'cli' } })
  t.not(retried.id, job.id, 'a retry is a new job')
  const [retryQueued, missing] = await Promise.all([runCli(['jobs', 'retry', retried.id], env), runCli(['jobs', 'show', '00000000-0000-4000-8000-000000000000'], env)])
  t.equal(retryQueued.code, 1)
  t.match(retryQueued.stderr, /Only failed or cancelled jobs can be retried/)
  t.same([missing.code, missing.stderr], [1, 'afterresume: Job was not found.\n'])

  // The roles: both print that they run, the worker does the queued work, SIGTERM stops them cleanly.
  const port = await freePort()
  const roleEnv = { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port) }
  const worker = startRole('worker', roleEnv)
  const api = startRole('api', roleEnv)
  t.teardown(() => { worker.kill('SIGKILL'); api.kill('SIGKILL') })
  await Promise.all([worker.waitFor('afterresume is running'), api.waitFor('afterresume is running')])
  const health = await fetch(`http://127.0.0.1:${port}/api/healthz`)
  t.equal(health.status, 200, 'the API answers')
  const done = await (async () => {
    for (let i = 0; i < 200; i++) {
      const [row] = await queryOnce<{ status: string }>(url, 'SELECT status FROM job WHERE id = $1', [retried.id])
      if (row?.status === 'success') return row
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return undefined
  })()
  t.same(done, { status: 'success' }, 'the worker ran the re-run job')

  const exits = [worker, api].map((role) => new Promise<number | null>((resolve) => role.child.once('exit', (code) => resolve(code))))
  worker.kill('SIGTERM')
  api.kill('SIGTERM')
  t.same(await Promise.all(exits), [0, 0], 'both exit 0 on SIGTERM')
  for (const [name, role] of [['worker', worker], ['api', api]] as const) {
    t.match(role.output(), /"msg":"shutting down: no new work; letting running jobs finish"/, `${name} says it is shutting down`)
    t.match(role.output(), /"msg":"stopped"/, `${name} says it stopped`)
    t.notMatch(role.output(), /"level":(50|60)/, `${name} logged no error`)
  }
  const roles = /"msg":"afterresume is running"/.test(worker.output()) && worker.output().match(/"roles":\{[^}]*\}/)?.[0]
  t.equal(roles, '"roles":{"api":false,"worker":true,"migrate":false}', 'the worker runs only the worker')
  t.equal(api.output().match(/"roles":\{[^}]*\}/)?.[0], '"roles":{"api":true,"worker":false,"migrate":false}', 'the API only the API')
})
