import { randomUUID } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import Fastify from 'fastify'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import { installAccessControl } from '../../../src/modules/identity/access-control.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { PermanentJobError } from '../../../src/platform/jobs/runner.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'

t.test('jobs are tenant-scoped: another tenant\'s job id is a 404 on every route', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, userId: alice.id, payload: { private: true } })

  const mine = await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/`, headers: alice.headers })
  t.equal(mine.statusCode, 200)
  t.match(mine.json(), { id: job.id, status: 'queued', payload: { private: true } })
  const events = await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/events/`, headers: alice.headers })
  t.same(events.json<Array<{ message: string }>>().map((e) => e.message), ['job queued'])
  t.equal((await app.inject({ method: 'GET', url: '/api/jobs/', headers: alice.headers })).json().count, 1)

  for (const [method, url] of [['GET', `/api/jobs/${job.id}/`], ['GET', `/api/jobs/${job.id}/events/`], ['POST', `/api/jobs/${job.id}/cancel/`]] as const) {
    const res = await app.inject({ method, url, headers: bob.headers })
    t.equal(res.statusCode, 404, `${method} ${url} for another tenant`)
    t.equal(res.json().code, 'not_found')
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/jobs/', headers: bob.headers })).json().count, 0)
  t.equal((await services.jobs.get(job.id)).status, 'queued', 'bob\'s cancel did nothing')
  const bad = await app.inject({ method: 'GET', url: '/api/jobs/not-a-uuid/', headers: alice.headers })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().field, 'params.id')
})

t.test('read_only members can look but not cancel; owners can cancel', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const viewer = await signUp(app, services, { tenantId: owner.tenantId, role: 'read_only' })
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: owner.tenantId, runAt: new Date(Date.now() + 60_000) })
  const headers = { ...viewer.headers, 'x-tenant-id': owner.tenantId }
  t.equal((await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/`, headers })).statusCode, 200)
  const denied = await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel/`, headers })
  t.equal(denied.statusCode, 403)
  const cancelled = await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel/`, headers: owner.headers })
  t.equal(cancelled.statusCode, 200)
  t.equal(cancelled.json().status, 'cancelled')
})

t.test('tenant quotas: too many jobs at once is a 429 with a clear message', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  await sql`UPDATE tenant SET max_concurrent_jobs = 2 WHERE id = ${alice.tenantId}`.execute(services.database.db)
  const later = new Date(Date.now() + 60_000)
  await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, runAt: later })
  await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, runAt: later })
  await t.rejects(services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, runAt: later }), {
    status: 429, code: 'quota_exceeded', message: /2 jobs queued or running \(limit 2\)/,
  })
  const { job: scheduled } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, trigger: 'schedule', runAt: later })
  t.match(scheduled, { status: 'queued', trigger: 'schedule', tenant_id: alice.tenantId }, 'scheduled work is not refused by the per-person quota')
  const queued = await services.database.db.selectFrom('job').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', alice.tenantId).where('status', '=', 'queued').executeTakeFirstOrThrow()
  t.equal(Number(queued.n), 3, 'the two jobs within the quota and the scheduled one; the refused one left no row')
})

t.test('a route without an access rule cannot be registered', async (t) => {
  const services = await startTestServices(t)
  const app = Fastify()
  await installAccessControl(app as never, { config: services.config, db: services.database.db })
  t.throws(() => app.get('/api/forgotten', async () => ({})), /has no access rule/)
  await app.close()
})

t.test('a failed job shows tenant users a safe message and code; staff see the database error and stack', async (t) => {
  const registry = registerWorkflows(new JobRegistry())
  registry.register('test.database_failure', async (ctx) => {
    // A raw PostgreSQL error: a membership for a tenant and user that do not exist.
    await ctx.db.insertInto('tenant_membership').values({ tenant_id: randomUUID(), user_id: randomUUID(), role: 'member' }).execute()
  }, { retryLimit: 0 })
  registry.register('test.permanent_failure', async () => {
    throw new PermanentJobError('This report needs at least one work log in the period.')
  }, { retryLimit: 0 })
  const services = await startTestServices(t, { worker: true, registry })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const viewer = await signUp(app, services, { tenantId: owner.tenantId, role: 'read_only' })
  const headers = { ...viewer.headers, 'x-tenant-id': owner.tenantId }
  const failed = async (type: string): Promise<string> => {
    const { job } = await services.jobs.enqueue(services.database.db, { type, tenantId: owner.tenantId, userId: owner.id })
    await eventually(async () => (await services.jobs.get(job.id)).status === 'failed' ? true : undefined, 15_000, `${type} to fail`)
    return job.id
  }
  const internal = /violates|foreign key|tenant_membership|\.ts:\d+|node:internal|\n\s+at /

  const dbJob = await failed('test.database_failure')
  const seen = await app.inject({ method: 'GET', url: `/api/jobs/${dbJob}/`, headers })
  t.equal(seen.statusCode, 200)
  t.match(seen.json(), { status: 'failed', error_code: 'internal_error', error: /internal error/i })
  t.notMatch(seen.body, internal, 'no database text in the job')
  const listed = await app.inject({ method: 'GET', url: '/api/jobs/', headers })
  t.notMatch(listed.body, internal, 'nor in the job list')
  const timeline = await app.inject({ method: 'GET', url: `/api/jobs/${dbJob}/events/`, headers })
  t.equal(timeline.statusCode, 200)
  const events = timeline.json<Array<{ level: string; message: string; data: Record<string, unknown> }>>()
  t.ok(events.some((e) => e.level === 'error'), 'the failure is on the timeline')
  t.notOk(events.some((e) => 'stack' in e.data || 'error_name' in e.data), 'no stack or error class')
  t.notMatch(timeline.body, internal, 'no database text or server paths in the timeline')
  t.ok(events.filter((e) => 'error' in e.data).every((e) => e.data.error_code === 'internal_error'), 'each error carries its code')

  const permanent = await failed('test.permanent_failure')
  t.match((await app.inject({ method: 'GET', url: `/api/jobs/${permanent}/`, headers })).json(), {
    error: 'This report needs at least one work log in the period.',
    error_code: 'permanent_failure',
  }, 'a message written for users is shown as it is')

  const password = 'a long and unusual passphrase 42'
  await services.database.db.transaction().execute((trx) => createAccount(trx, { email: 'staff@example.test', password, isStaff: true }))
  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'staff@example.test', password } })
  const staff = { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services) }
  const full = await app.inject({ method: 'GET', url: `/system/jobs/${dbJob}/`, headers: staff })
  t.match(full.json(), { error: /violates foreign key constraint/, error_code: 'internal_error' }, 'staff see the database error')
  const fullTimeline = (await app.inject({ method: 'GET', url: `/system/jobs/${dbJob}/events/`, headers: staff })).json<Array<{ data: Record<string, unknown> }>>()
  t.ok(fullTimeline.some((e) => typeof e.data.stack === 'string' && /\n\s+at /.test(e.data.stack)), 'and the stack')
  t.ok(fullTimeline.some((e) => typeof e.data.error === 'string' && /violates foreign key constraint/.test(e.data.error)))
})
