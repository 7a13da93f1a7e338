import t from 'tap'
import { setup } from '../../modules/worklog/fixtures.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

t.test('a malformed Host is a 400 problem, and paged lists link by path only', async (t) => {
  const { call } = await setup(t)
  for (const name of ['One', 'Two', 'Three']) t.equal((await call('POST', '/api/clients/', { name })).status, 201)

  for (const host of ['exa mple', '[', 'example.test:port', 'a/b']) {
    const refused = await call('GET', '/api/clients/?page_size=1', undefined, { host })
    t.equal(refused.status, 400, `Host: ${host}`)
    t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(refused.body, { code: 'invalid_host', field: 'headers.host' })
    t.notOk(refused.text.includes(host), 'the bad value is not echoed')
  }

  const forged = await call('GET', '/api/clients/?page_size=1&is_active=true', undefined, { host: 'evil.example' })
  t.equal(forged.status, 200)
  t.equal(forged.body.next, '/api/clients/?page_size=1&is_active=true&page=2', 'a relative link, the other parameters kept')
  const second = await call('GET', forged.body.next as string, undefined, { host: 'evil.example' })
  t.equal(second.body.previous, '/api/clients/?page_size=1&is_active=true&page=1')
  t.equal(second.body.next, '/api/clients/?page_size=1&is_active=true&page=3')

  // An absolute-form request target names a host of its own; it stays out of the link too.
  const absolute = await call('GET', 'http://evil.example/api/clients/?page_size=2')
  t.equal(absolute.body.next, '/api/clients/?page_size=2&page=2')

  t.equal((await call('GET', '/api/clients/?page_size=1', undefined, { host: '[::1]:8000' })).status, 200, 'an IPv6 literal with a port is a host')
  t.equal((await call('GET', '/api/clients/?page_size=1', undefined, { host: 'api_internal:8000' })).status, 200, 'container names may carry underscores')
})

t.test('two Host headers are refused, with or without ALLOWED_HOSTS', async (t) => {
  for (const env of [{}, { ALLOWED_HOSTS: 'api.example.test' }] as Array<Record<string, string>>) {
    const services = await startTestServices(t, { env })
    const app = await buildTestApp(t, services)
    // inject sends an array as the same header repeated, as on the wire (its types only know strings).
    const twice = await app.inject({ method: 'GET', url: '/api/healthz', headers: { host: ['api.example.test', 'evil.example'] as unknown as string } })
    t.equal(twice.statusCode, 400, JSON.stringify(env))
    t.match(twice.json(), { code: 'invalid_host', field: 'headers.host' })
    t.equal(twice.headers['x-content-type-options'], 'nosniff', 'the refusal carries the security headers')
    t.equal((await app.inject({ method: 'GET', url: '/api/healthz', headers: { host: 'api.example.test' } })).statusCode, 200)
  }
})
