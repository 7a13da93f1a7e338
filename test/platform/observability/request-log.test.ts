import t from 'tap'
import { Writable } from 'node:stream'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { createLogger } from '../../../src/platform/observability/logger.ts'
import { redactUrl } from '../../../src/platform/observability/redact-url.ts'
import { signUp } from '../../helpers/auth.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

t.test('share tokens and credentials in query strings never reach the request log', async (t) => {
  const services = await startTestServices(t)
  const lines: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  const app = await buildTestApp(t, services, services, { logger: createLogger({ level: 'info', destination }) })

  const alice = await signUp(app, services)
  await withTenant(services.database.tenantDb, alice.tenantId, (trx) => trx.insertInto('resume')
    .values({ tenant_id: alice.tenantId, user_id: alice.id, json_resume: JSON.stringify({ basics: { name: 'Alice' } }), markdown: '# Alice' }).execute())
  const share = await app.inject({ method: 'POST', url: '/api/share-links/', headers: alice.headers, payload: { target_kind: 'resume' } })
  t.equal(share.statusCode, 201, share.body)
  const { token } = share.json<{ token: string }>()

  t.equal((await app.inject({ method: 'GET', url: `/api/share/${token}/` })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: `/api/share/${token}/?format=md` })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: `/API//share/${token}` })).statusCode, 404, 'a mistyped URL with a real token')
  const query = await app.inject({ method: 'GET', url: `/api/healthz?access_token=${token}&Passkey=${token}&page=2` })
  t.equal(query.statusCode, 200)

  const log = lines.join('')
  t.ok(log.includes('/api/share/[redacted]/?format=md'), 'the share request was logged, token blanked, query kept')
  t.ok(log.includes('access_token=[redacted]&Passkey=[redacted]&page=2'), 'credential-named query parameters are blanked, others kept')
  t.notOk(log.includes(token), 'the token appears nowhere in the log')
  t.notOk(log.includes(token.slice(0, 16)), 'not even in part')
})

t.test('redactUrl', async (t) => {
  t.equal(redactUrl('/api/share/abc/'), '/api/share/[redacted]/')
  t.equal(redactUrl('/api/share/abc'), '/api/share/[redacted]')
  t.equal(redactUrl('/api/share-links/'), '/api/share-links/', 'the link list is no secret')
  t.equal(redactUrl('/api/worklogs/?page=2&search=token'), '/api/worklogs/?page=2&search=token', 'values are not names')
  t.equal(redactUrl('/x?refresh_token=a&tok%65n=b&password'), '/x?refresh_token=[redacted]&tok%65n=[redacted]&password=[redacted]')
})
