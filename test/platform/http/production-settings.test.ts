import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { queryOnce } from '../../helpers/database.ts'
import { ConfigError, loadConfig } from '../../../src/config.ts'
import { buildTestApp, startTestServices, TEST_SECRET_KEY } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

const dataDir = () => mkdtempSync(join(tmpdir(), 'afterresume-config-'))

t.test('SKIP_SERVICE_AUTH is refused in production, allowed in development', async (t) => {
  const error = t.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), SECRET_KEY: TEST_SECRET_KEY, SKIP_SERVICE_AUTH: 'true' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.same(error.problems, ['SKIP_SERVICE_AUTH=true is refused in production: the SPA proxy must sign its calls.'])
  t.equal(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), SECRET_KEY: TEST_SECRET_KEY }).auth.skipServiceAuth, false, 'the control: production without it loads')
  t.equal(loadConfig({ DATA_DIR: dataDir(), SKIP_SERVICE_AUTH: 'true' }).auth.skipServiceAuth, true)
})

// A real 5xx: the table behind GET /api/share-links/ is gone, so PostgreSQL's own message
// ("relation … does not exist") is what DEBUG could leak.
async function brokenShareLinks (t: Test, env: Record<string, string>) {
  const services = await startTestServices(t, { env })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  // As the database owner (DATABASE_URL): the service's own role may not drop tables.
  await queryOnce(services.url, 'DROP TABLE share_link CASCADE')
  return app.inject({ method: 'GET', url: '/api/share-links/', headers: alice.headers })
}

t.test('DEBUG shows 5xx details in development only, never in production', async (t) => {
  const development = await brokenShareLinks(t, { DEBUG: 'true' })
  t.equal(development.statusCode, 500)
  t.match(development.json(), { code: 'internal_error', detail: 'relation "share_link" does not exist' })

  const production = await brokenShareLinks(t, { DEBUG: 'true', NODE_ENV: 'production', ALLOWED_HOSTS: 'localhost' })
  t.equal(production.statusCode, 500)
  t.same(production.json(), { type: 'urn:afterresume:problem:internal_error', title: 'Internal Server Error', status: 500, code: 'internal_error', detail: 'An unexpected error occurred. It has been logged.' })
  t.notMatch(production.body, /share_link|relation/, 'nothing of the cause')
})

t.test('SYSTEM_DASHBOARD_ENABLED=false: no /system routes at all', async (t) => {
  const services = await startTestServices(t, { env: { SYSTEM_DASHBOARD_ENABLED: 'false' } })
  const app = await buildTestApp(t, services)
  for (const url of ['/system/overview/', '/system/jobs/', '/system/schedules/', '/system/health/']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'route_not_found', `${url}: not a 401 or 403, no such route`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/healthz' })).statusCode, 200, 'the rest of the app is there')
})
