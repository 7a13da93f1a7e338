import t from 'tap'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

t.test('signup, me, jobs list', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const me = await app.inject({ method: 'GET', url: '/api/auth/me/', headers: alice.headers })
  t.equal(me.statusCode, 200, me.body)
  const jobs = await app.inject({ method: 'GET', url: '/api/jobs/', headers: alice.headers })
  t.equal(jobs.statusCode, 200, jobs.body)
  t.same(jobs.json(), { count: 0, results: [] })
})
