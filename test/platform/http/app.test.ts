import t from 'tap'
import { connectDatabase } from '../../../src/platform/db/database.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader } from '../../helpers/auth.ts'

t.test('health, readiness, docs and error shapes', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)

  const health = await app.inject({ method: 'GET', url: '/api/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.equal((await app.inject({ method: 'GET', url: '/api/healthz/' })).statusCode, 200, 'a trailing slash is tolerated')

  const ready = await app.inject({ method: 'GET', url: '/api/readyz' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ok', checks: { postgres: { status: 'ok' }, pgboss: { status: 'ok' }, storage: { status: 'ok' } } })

  const openapi = await app.inject({ method: 'GET', url: '/api/openapi.json' })
  t.equal(openapi.statusCode, 200)
  t.ok(openapi.json().paths['/api/readyz'], 'routes are documented')
  t.equal((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode, 200)
  // The UI's own copies of the document, in both of its formats, match ours.
  const uiJson = await app.inject({ method: 'GET', url: '/api/docs/json' })
  t.equal(uiJson.statusCode, 200)
  t.same(uiJson.json().paths['/api/readyz'], openapi.json().paths['/api/readyz'])
  const uiYaml = await app.inject({ method: 'GET', url: '/api/docs/yaml' })
  t.equal(uiYaml.statusCode, 200)
  t.match(uiYaml.body, /^openapi: 3\.1\.0$/m)
  const page = await app.inject({ method: 'GET', url: '/api/docs/static/index.html' })
  t.equal(page.statusCode, 302, 'the old page address sends browsers to the UI')
  t.equal(page.headers.location, '/api/docs/')

  const missing = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: serviceHeader(services) })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(missing.json(), { status: 404, code: 'route_not_found', title: 'Not Found' })
  t.notOk(missing.body.includes('nothing-here'), 'the path is not echoed')
})

t.test('X-Correlation-ID is taken when it is a UUID, generated otherwise, and echoed', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const given = '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b'
  const echoed = await app.inject({ method: 'GET', url: '/api/healthz', headers: { 'x-correlation-id': given } })
  t.equal(echoed.headers['x-correlation-id'], given)
  const generated = await app.inject({ method: 'GET', url: '/api/healthz', headers: { 'x-correlation-id': 'not a uuid; drop table' } })
  t.match(generated.headers['x-correlation-id'], /^[0-9a-f-]{36}$/)
  t.not(generated.headers['x-correlation-id'], 'not a uuid; drop table')
})

t.test('readyz answers 503 naming the failing check', async (t) => {
  const services = await startTestServices(t)
  // A database nobody listens on: port 1 on loopback refuses at once.
  const unreachable = connectDatabase('postgres://nobody@127.0.0.1:1/none')
  t.teardown(() => unreachable.close())
  const app = await buildTestApp(t, services, { ...services, database: unreachable })
  const ready = await app.inject({ method: 'GET', url: '/api/readyz' })
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { status: 'fail', failing: ['postgres'] })
})

t.test('ALLOWED_HOSTS refuses other Host headers', async (t) => {
  const services = await startTestServices(t, { env: { ALLOWED_HOSTS: 'api.example.test,localhost' } })
  const app = await buildTestApp(t, services)
  t.equal((await app.inject({ method: 'GET', url: '/api/healthz', headers: { host: 'api.example.test' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/api/healthz', headers: { host: 'localhost:8000' } })).statusCode, 200, 'the port does not matter')
  const refused = await app.inject({ method: 'GET', url: '/api/healthz', headers: { host: 'evil.example.test' } })
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { code: 'invalid_host', field: 'headers.host' })
})
