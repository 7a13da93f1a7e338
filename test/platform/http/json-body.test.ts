import t from 'tap'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

// What SPA clients send on a button that needs no input: the JSON content type, no body.
const EMPTY_JSON = { 'content-type': 'application/json' }

t.test('a JSON POST with an empty body is answered as one with no body', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const user = await signUp(app, services)
  const post = (url: string, headers: Record<string, string>) => app.inject({ method: 'POST', url, headers: { ...headers, ...EMPTY_JSON }, payload: '' })

  const log = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: user.headers, payload: { occurred_on: '2025-01-08', content: 'Wired the Stripe webhook' } })
  t.equal(log.statusCode, 201, log.body)

  const analyze = await post(`/api/worklogs/${log.json<{ id: string }>().id}/analyze/`, user.headers)
  t.equal(analyze.statusCode, 202, analyze.body)
  t.equal((await services.jobs.get(analyze.json<{ job_id: string }>().job_id)).type, 'worklog.analyze')

  const recompute = await post('/api/skills/recompute/', user.headers)
  t.equal(recompute.statusCode, 202, recompute.body)
  t.equal((await services.jobs.get(recompute.json<{ job_id: string }>().job_id)).type, 'skills.extract')

  const refresh = await post('/api/auth/token/refresh/', { cookie: `${services.config.auth.refreshCookieName}=${user.refreshCookie}` })
  t.equal(refresh.statusCode, 200, refresh.body)
  t.type(refresh.json().access, 'string', 'the refresh cookie was used')
  const rotated = refresh.cookies.find((c) => c.name === services.config.auth.refreshCookieName)
  t.ok(rotated?.value, 'and rotated')

  const logout = await post('/api/auth/logout/', { cookie: `${services.config.auth.refreshCookieName}=${rotated?.value ?? ''}` })
  t.equal(logout.statusCode, 204, logout.body)
  const after = await post('/api/auth/token/refresh/', { cookie: `${services.config.auth.refreshCookieName}=${rotated?.value ?? ''}` })
  t.equal(after.statusCode, 401, 'the session has ended')
})

t.test('a route that needs a body still says which field is missing; bad JSON is still refused', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)

  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', headers: EMPTY_JSON, payload: '' })
  t.equal(login.statusCode, 400)
  t.equal(login.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(login.json(), { code: 'validation_failed', field: 'body' })
  t.notMatch(login.body, /EMPTY_JSON_BODY/i)

  const broken = await app.inject({ method: 'POST', url: '/api/auth/login/', headers: EMPTY_JSON, payload: '{"email":' })
  t.equal(broken.statusCode, 400)
  t.match(broken.json(), { code: 'ctp_invalid_json_body' })

  const poisoned = await app.inject({ method: 'POST', url: '/api/auth/login/', headers: { ...EMPTY_JSON, ...serviceHeader(services) }, payload: '{"__proto__":{"x":1},"email":"a@example.test","password":"p"}' })
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is still refused')
})
