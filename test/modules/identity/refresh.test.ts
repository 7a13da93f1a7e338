import t from 'tap'
import { hashToken } from '../../../src/modules/identity/auth.service.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

const SPA = 'https://app.example.test'

t.test('cookie-authenticated refresh and logout only from the API\'s own origin or CSRF_TRUSTED_ORIGINS', async (t) => {
  const services = await startTestServices(t, { env: { CSRF_TRUSTED_ORIGINS: SPA } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const refresh = (cookie: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: cookie }, headers })

  const evil = await refresh(alice.refreshCookie, { origin: 'https://evil.example.test' })
  t.equal(evil.statusCode, 403)
  t.match(evil.json(), { code: 'untrusted_origin', detail: 'Cookie-authenticated requests from https://evil.example.test are not allowed; add it to CSRF_TRUSTED_ORIGINS if it is your SPA.' })
  const kept = await services.database.db.selectFrom('refresh_token').select('used_at').where('token_hash', '=', hashToken(alice.refreshCookie)).executeTakeFirstOrThrow()
  t.equal(kept.used_at, null, 'the refused request did not use up the token')

  const trusted = await refresh(alice.refreshCookie, { origin: SPA })
  t.equal(trusted.statusCode, 200, trusted.body)
  const rotated = trusted.cookies.find((c) => c.name === 'afterresume_refresh')!.value
  const own = await refresh(rotated, { origin: 'http://localhost:80', host: 'localhost:80' })
  t.equal(own.statusCode, 200, own.body)
  const latest = own.cookies.find((c) => c.name === 'afterresume_refresh')!.value

  const logoutEvil = await app.inject({ method: 'POST', url: '/api/auth/logout/', cookies: { afterresume_refresh: latest }, headers: { origin: 'https://evil.example.test' } })
  t.equal(logoutEvil.statusCode, 403)
  t.equal(logoutEvil.json().code, 'untrusted_origin')
  // A script sending the token in the body carries no ambient credential: no origin check.
  const scripted = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', headers: { origin: 'https://evil.example.test' }, payload: { refresh: latest } })
  t.equal(scripted.statusCode, 200, scripted.body)
})

t.test('an expired refresh token is refused and its cookie cleared', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  // Backdated in the database rather than waited out (REFRESH_TOKEN_TTL_DAYS is days).
  await services.database.db.updateTable('refresh_token').set({ expires_at: new Date(Date.now() - 1000) })
    .where('token_hash', '=', hashToken(alice.refreshCookie)).execute()
  const expired = await app.inject({ method: 'POST', url: '/api/auth/token/refresh/', cookies: { afterresume_refresh: alice.refreshCookie } })
  t.equal(expired.statusCode, 401)
  t.equal(expired.json().code, 'session_ended')
  t.equal(expired.cookies.find((c) => c.name === 'afterresume_refresh')?.value, '', 'the cookie is cleared')
  const event = await services.database.db.selectFrom('auth_event').select(['outcome', 'detail']).where('kind', '=', 'refresh').executeTakeFirstOrThrow()
  t.match(event, { outcome: 'failure', detail: { reason: 'session_ended' } })
})
