import t from 'tap'
import { sql } from 'kysely'
import Fastify from 'fastify'
import { installAccessControl } from '../../../src/platform/http/access-control.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

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
  await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, trigger: 'schedule', runAt: later })
  t.pass('scheduled work is not refused by the per-person quota')
})

t.test('a route without an access rule cannot be registered', async (t) => {
  const services = await startTestServices(t)
  const app = Fastify()
  await installAccessControl(app as never, { config: services.config, db: services.database.db })
  t.throws(() => app.get('/api/forgotten', async () => ({})), /has no access rule/)
  await app.close()
})
