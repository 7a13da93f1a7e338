// Signing in to the operator console and what its session cookie opens: staff only, the
// cookie's scope and flags, CSRF and Origin checks on everything that changes something,
// ADMIN_IP_ALLOWLIST, demotion and sign-out. Over app.inject; the browser test drives the same.
import t from 'tap'
import { signUp } from '../../helpers/auth.ts'
import { CONSOLE_ORIGIN, createStaff, FORM_TYPE, formBody, signInToConsole } from '../../helpers/console.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

const HTML = { accept: 'text/html' }

t.test('sign-in: staff get a console session in a scoped, signed cookie; everyone else is refused and audited', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const staff = await createStaff(services)
  const owner = await createStaff(services, { isStaff: false })
  const login = (fields: Record<string, string>, headers: Record<string, string> = { origin: CONSOLE_ORIGIN }) =>
    app.inject({ method: 'POST', url: '/system/console/login', headers: { ...HTML, 'content-type': FORM_TYPE, ...headers }, payload: formBody(fields) })
  const denials = async (email: string) => (await db.selectFrom('auth_event').select(['kind', 'outcome', 'detail']).where('email', '=', email).where('kind', '=', 'permission_denied').orderBy('id').execute())

  const root = await app.inject({ method: 'GET', url: '/system/' })
  t.equal(root.statusCode, 303)
  t.equal(root.headers.location, '/system/console/')

  const anonymousPage = await app.inject({ method: 'GET', url: '/system/console/jobs?status=failed', headers: HTML })
  t.equal(anonymousPage.statusCode, 303, 'a page without a session sends the browser to the sign-in form')
  t.equal(anonymousPage.headers.location, '/system/console/login?next=%2Fsystem%2Fconsole%2Fjobs%3Fstatus%3Dfailed')
  const anonymousFetch = await app.inject({ method: 'GET', url: '/system/console/jobs' })
  t.equal(anonymousFetch.statusCode, 401)
  t.match(anonymousFetch.json(), { code: 'not_authenticated' }, 'a fetch gets problem+json')

  const form = await app.inject({ method: 'GET', url: '/system/console/login?next=%2Fsystem%2Fconsole%2Fjobs', headers: HTML })
  t.equal(form.statusCode, 200)
  t.match(form.body, '<input type="hidden" name="next" value="/system/console/jobs">')
  t.equal(form.headers['content-type'], 'text/html; charset=utf-8')
  t.notMatch(String(form.headers['content-security-policy']), /unsafe-inline/, 'the page keeps the strict CSP')
  const offsite = await app.inject({ method: 'GET', url: '/system/console/login?next=https%3A%2F%2Fevil.example%2F', headers: HTML })
  t.equal(offsite.statusCode, 400, 'next must be a console page')
  t.match(offsite.body, 'query.next')

  const wrong = await login({ email: staff.email, password: 'not the password at all' })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, 'E-mail or password is incorrect.')
  t.same(wrong.cookies, [])

  const crossSite = await login({ email: staff.email, password: staff.password }, { origin: 'https://evil.example' })
  t.equal(crossSite.statusCode, 403)
  const noOrigin = await login({ email: staff.email, password: staff.password }, {})
  t.equal(noOrigin.statusCode, 403, 'a sign-in without an Origin header is refused too')
  t.same((await denials(staff.email)).map((e) => e.detail), [
    { path: '/system/console/login', reason: 'untrusted_origin' },
    { path: '/system/console/login', reason: 'untrusted_origin' },
  ])

  const refused = await login({ email: owner.email, password: owner.password })
  t.equal(refused.statusCode, 403)
  t.match(refused.body, 'This console is for staff only.')
  t.same(refused.cookies, [])
  t.same((await denials(owner.email)).map((e) => [e.outcome, e.detail]), [['denied', { path: '/system/console/login', reason: 'not_staff' }]])

  const ok = await login({ email: staff.email, password: staff.password, next: '/system/console/jobs' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/system/console/jobs')
  const cookie = ok.cookies.find((c) => c.name === 'afterresume_console')
  t.match(cookie, { path: '/system/console/', httpOnly: true, sameSite: 'Strict', maxAge: 12 * 3600 })
  const session = await db.selectFrom('auth_session').select(['id', 'client', 'created_at', 'expires_at']).where('user_id', '=', staff.id).executeTakeFirstOrThrow()
  t.equal(session.client, 'console')
  t.equal(Math.round((session.expires_at.getTime() - session.created_at.getTime()) / 3_600_000), 12, 'CONSOLE_SESSION_HOURS')
  t.not(cookie?.value, session.id, 'the cookie is signed, not the bare session id')
  t.match(cookie?.value, new RegExp(`^${session.id}\\.`))

  const page = await app.inject({ method: 'GET', url: '/system/console/jobs', headers: { ...HTML, cookie: `afterresume_console=${cookie?.value ?? ''}` } })
  t.equal(page.statusCode, 200)
  t.match(page.body, `<span class="who">${staff.email}</span>`)

  // The bare session id (as audit rows show it) is no credential.
  const bare = await app.inject({ method: 'GET', url: '/system/console/', headers: { cookie: `afterresume_console=${session.id}` } })
  t.equal(bare.statusCode, 401)
  const tampered = await db.selectFrom('auth_event').select('detail').where('kind', '=', 'token_rejected').execute()
  t.same(tampered.map((e) => e.detail), [{ reason: 'console_cookie_signature', path: '/system/console' }])
  // A properly signed id of an API session does not open the console either.
  const api = await signUp(app, services)
  const apiSession = await db.selectFrom('auth_session').select('id').where('user_id', '=', api.id).executeTakeFirstOrThrow()
  const signed = await app.inject({ method: 'GET', url: '/system/console/', headers: { cookie: `afterresume_console=${app.signCookie(apiSession.id)}` } })
  t.equal(signed.statusCode, 401)
  t.match(signed.json(), { code: 'not_authenticated', detail: 'The console session has ended. Sign in again.' })
  // The JSON API never takes the console cookie: it is Bearer-only.
  const jsonApi = await app.inject({ method: 'GET', url: '/system/overview', headers: { cookie: `afterresume_console=${cookie?.value ?? ''}` } })
  t.equal(jsonApi.statusCode, 401)
})

t.test('changes need our Origin and the session\'s CSRF token; sign-out ends the session', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const staff = await createStaff(services)
  const console = await signInToConsole(app, staff)
  const other = await signInToConsole(app, await createStaff(services))
  const pause = (headers: Record<string, string>, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/system/console/job-types/system.echo/pause', headers, payload: formBody(fields) })

  const missing = await pause(console.form, {})
  t.equal(missing.statusCode, 400)
  t.match(missing.body, 'body._csrf', 'the error page names the missing field')
  const foreignToken = await pause(console.form, { _csrf: other.csrf })
  t.equal(foreignToken.statusCode, 403, 'another session\'s token does not do')
  t.match(foreignToken.body, 'csrf_token_invalid')
  const crossSite = await pause({ ...console.form, origin: 'https://evil.example' }, { _csrf: console.csrf })
  t.equal(crossSite.statusCode, 403)
  t.match(crossSite.body, 'untrusted_origin')
  const { origin: _origin, ...withoutOrigin } = console.form
  t.equal((await pause(withoutOrigin, { _csrf: console.csrf })).statusCode, 403, 'no Origin, no change')
  const reasons = await db.selectFrom('auth_event').select('detail').where('kind', '=', 'permission_denied').where('user_id', '=', staff.id).orderBy('id').execute()
  t.same(reasons.map((e) => (e.detail as { reason: string }).reason), ['csrf_token', 'untrusted_origin', 'untrusted_origin'])
  t.same(await db.selectFrom('job_type_pause').selectAll().execute(), [], 'nothing was paused')

  const paused = await pause(console.form, { _csrf: console.csrf, reason: 'provider outage' })
  t.equal(paused.statusCode, 303)
  t.equal(paused.headers.location, '/system/console/?notice=paused')
  t.match(await db.selectFrom('job_type_pause').selectAll().execute(), [{ job_type: 'system.echo', paused_by: staff.id, reason: 'provider outage' }])

  const out = await app.inject({ method: 'POST', url: '/system/console/logout', headers: console.form, payload: formBody({ _csrf: console.csrf }) })
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/system/console/login')
  t.match(out.cookies.find((c) => c.name === 'afterresume_console'), { value: '', path: '/system/console/' })
  const after = await app.inject({ method: 'GET', url: '/system/console/', headers: console.page })
  t.equal(after.statusCode, 303, 'the old cookie no longer opens anything')
  t.equal(after.headers.location, '/system/console/login?next=%2Fsystem%2Fconsole%2F')
})

t.test('a staff member demoted while signed in is refused at once, and audited', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const staff = await createStaff(services)
  const console = await signInToConsole(app, staff)
  await db.updateTable('app_user').set({ is_staff: false }).where('id', '=', staff.id).execute()
  const page = await app.inject({ method: 'GET', url: '/system/console/jobs', headers: console.page })
  t.equal(page.statusCode, 403)
  t.match(page.body, 'does not allow system:read')
  const audit = await db.selectFrom('auth_event').select('detail').where('kind', '=', 'permission_denied').where('user_id', '=', staff.id).execute()
  t.same(audit.map((e) => e.detail), [{ action: 'system:read', role: 'owner', path: '/system/console/jobs' }])
})

t.test('ADMIN_IP_ALLOWLIST closes the console, its sign-in included, to other addresses', async (t) => {
  const services = await startTestServices(t, { env: { ADMIN_IP_ALLOWLIST: '10.9.8.7' } })
  const app = await buildTestApp(t, services)
  const staff = await createStaff(services)
  const fields = formBody({ email: staff.email, password: staff.password })
  const headers = { ...HTML, origin: CONSOLE_ORIGIN, 'content-type': FORM_TYPE }
  const outside = await app.inject({ method: 'POST', url: '/system/console/login', headers, payload: fields })
  t.equal(outside.statusCode, 403)
  t.match(outside.body, 'The console is not reachable from this address.')
  const inside = await app.inject({ method: 'POST', url: '/system/console/login', headers, payload: fields, remoteAddress: '10.9.8.7' })
  t.equal(inside.statusCode, 303)
  const cookie = `afterresume_console=${inside.cookies.find((c) => c.name === 'afterresume_console')?.value ?? ''}`
  t.equal((await app.inject({ method: 'GET', url: '/system/console/', headers: { ...HTML, cookie }, remoteAddress: '10.9.8.7' })).statusCode, 200)
  const elsewhere = await app.inject({ method: 'GET', url: '/system/console/', headers: { ...HTML, cookie } })
  t.equal(elsewhere.statusCode, 403, 'the same session from another address is refused')
})

t.test('SYSTEM_DASHBOARD_ENABLED=false serves no console', async (t) => {
  const services = await startTestServices(t, { env: { SYSTEM_DASHBOARD_ENABLED: 'false' } })
  const app = await buildTestApp(t, services)
  t.equal((await app.inject({ method: 'GET', url: '/system/console/login' })).statusCode, 404)
})
