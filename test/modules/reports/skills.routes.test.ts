import t from 'tap'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

t.test('POST /api/skills/recompute/ queues a skill extraction for the caller', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const accepted = await app.inject({ method: 'POST', url: '/api/skills/recompute/', headers: alice.headers })
  t.equal(accepted.statusCode, 202, accepted.body)
  t.match(accepted.json(), { job_id: /^[0-9a-f-]{36}$/, status: 'queued', message: 'Skill extraction queued.' })
  const job = await services.jobs.get(accepted.json().job_id as string)
  t.match(job, { type: 'skills.extract', status: 'queued', tenant_id: alice.tenantId, user_id: alice.id })
  t.same(job.payload, { user_id: alice.id }, 'for the caller, nobody else')

  const viewer = await signUp(app, services, { tenantId: alice.tenantId, role: 'read_only' })
  const denied = await app.inject({ method: 'POST', url: '/api/skills/recompute/', headers: { ...viewer.headers, 'x-tenant-id': alice.tenantId } })
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().code, 'forbidden')
})
