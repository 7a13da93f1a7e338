import t from 'tap'
import { sql } from 'kysely'
import { normalizeCron } from '../../../src/platform/jobs/schedules.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'

t.test('cron expressions and time zones are validated on input', async (t) => {
  t.equal(normalizeCron('@every_minute', 'UTC'), '* * * * *')
  t.equal(normalizeCron('@daily', 'Europe/Berlin'), '0 0 * * *')
  t.equal(normalizeCron(' 0  9 * * 1-5 ', 'America/New_York'), '0 9 * * 1-5')
  t.throws(() => normalizeCron('61 * * * *', 'UTC'), { field: 'cron', message: /Invalid cron/ })
  t.throws(() => normalizeCron('*/5 * * * * *', 'UTC'), { field: 'cron', message: /five fields/ })
  t.throws(() => normalizeCron('@fortnightly', 'UTC'), { field: 'cron', message: /Unknown cron macro/ })
  t.throws(() => normalizeCron('@daily', 'Mars/Olympus'), { field: 'timezone', message: /Unknown time zone/ })
})

t.test('create, disable, enable and delete keep pg-boss in step', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const mirrored = async (id: string): Promise<string | undefined> => {
    const { rows } = await sql<{ cron: string }>`SELECT cron FROM pgboss.schedule WHERE key = ${id}`.execute(db)
    return rows[0]?.cron
  }
  const schedule = await services.schedules.create({ name: 'nightly metrics', jobType: 'system.compute_metrics', cron: '@daily', timezone: 'Europe/Berlin' })
  t.equal(await mirrored(schedule.id), '0 0 * * *')
  t.ok(schedule.next_run_at !== null)
  await t.rejects(services.schedules.create({ name: 'nightly metrics', jobType: 'system.echo', cron: '@hourly' }), { status: 409, field: 'name', message: /already exists/ })
  await t.rejects(services.schedules.create({ name: 'bad', jobType: 'nope.type', cron: '@hourly' }), { code: 'unknown_job_type' })
  await services.schedules.setEnabled(schedule.id, false)
  t.equal(await mirrored(schedule.id), undefined, 'disabled schedules leave pg-boss')
  await services.schedules.update(schedule.id, { enabled: true, cron: '30 6 * * *' })
  t.equal(await mirrored(schedule.id), '30 6 * * *')
  await services.schedules.remove(schedule.id)
  t.equal(await mirrored(schedule.id), undefined)
  t.same(await services.schedules.list(), [])
})

t.test('reconcile restores a mirror lost between our commit and pg-boss', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const schedule = await services.schedules.create({ name: 'echo', jobType: 'system.echo', cron: '@hourly' })
  await sql`DELETE FROM pgboss.schedule`.execute(db)
  await sql`INSERT INTO pgboss.schedule (name, key, cron) VALUES ('afterresume.schedule_fire', 'stale-key', '* * * * *')`.execute(db)
  t.same(await services.schedules.reconcile(), { added: 1, removed: 1 })
  const { rows } = await sql<{ key: string }>`SELECT key FROM pgboss.schedule`.execute(db)
  t.same(rows.map((r) => r.key), [schedule.id])
})

t.test('a schedule fires end to end: pg-boss cron → normal job with trigger schedule', async (t) => {
  const services = await startTestServices(t, { worker: true, scheduler: true })
  const schedule = await services.schedules.create({ name: 'every minute', jobType: 'system.echo', cron: '@every_minute', payload: { from: 'cron' } })
  // pg-boss cron has minute resolution: the first firing comes at the next minute boundary.
  const job = await eventually(async () => {
    const { jobs } = await services.jobs.list({ status: 'success', type: 'system.echo' })
    return jobs.find((j) => j.schedule_id === schedule.id)
  }, 80_000, 'the schedule to fire and its job to finish')
  t.equal(job.trigger, 'schedule')
  t.same(job.result, { from: 'cron' })
  const after = await services.schedules.get(schedule.id)
  t.ok(after.last_run_at !== null, 'last_run_at is stamped')
  // Created late in a minute, the schedule fires for that minute and again seconds later at
  // the boundary (one job per firing: pg-boss keys them by minute); last_job_id names the
  // newest of its jobs, which is not always the first one seen above.
  const fired = (await services.jobs.list({ type: 'system.echo' })).jobs.filter((j) => j.schedule_id === schedule.id)
  t.equal(after.last_job_id, fired[0]!.id, `the newest of the ${fired.length} job(s) it made`)
  t.ok(fired.length === 1 || fired.length === 2, `one firing, or two across a minute boundary (${fired.length})`)
  t.ok(after.next_run_at !== null && after.next_run_at > after.last_run_at!)
})

t.test('a report schedule\'s scope must name the caller\'s own client, project and sprint', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  const make = async (user: TestUser, url: string, payload: object): Promise<string> => {
    const res = await app.inject({ method: 'POST', url, headers: user.headers, payload })
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json<{ id: string }>().id
  }
  const aliceClient = await make(alice, '/api/clients/', { name: 'Acme' })
  const aliceProject = await make(alice, '/api/projects/', { name: 'Acme web', client_id: aliceClient })
  const aliceSprint = await make(alice, '/api/sprints/', { name: 'Sprint 1', project_id: aliceProject, start_date: '2025-01-06', end_date: '2025-01-17' })
  const bobClient = await make(bob, '/api/clients/', { name: 'Globex' })
  const bobProject = await make(bob, '/api/projects/', { name: 'Globex app', client_id: bobClient })

  const base = { name: 'weekly', kind: 'weekly', cron: '0 17 * * 5' }
  for (const [field, id] of [['client_id', aliceClient], ['project_id', aliceProject], ['sprint_id', aliceSprint]] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/schedules/', headers: bob.headers, payload: { ...base, [field]: id } })
    t.equal(res.statusCode, 404, `another tenant's ${field} is refused`)
    t.equal(res.json().field, field)
  }
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schedule`.execute(services.database.db)
  t.equal(rows[0]?.n, 0, 'nothing was saved')

  const own = await app.inject({ method: 'POST', url: '/api/schedules/', headers: bob.headers, payload: { ...base, project_id: bobProject } })
  t.equal(own.statusCode, 201, own.body)
  const id = own.json<{ id: string }>().id
  const patched = await app.inject({ method: 'PATCH', url: `/api/schedules/${id}/`, headers: bob.headers, payload: { project_id: aliceProject } })
  t.equal(patched.statusCode, 404)
  t.equal(patched.json().field, 'project_id')
  t.same((await services.schedules.get(id)).payload, { kind: 'weekly', user_id: bob.id, project_id: bobProject }, 'the schedule is unchanged')
})

t.test('another tenant\'s schedule can be neither changed nor deleted: 404, and it is unchanged', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const mallory = await signUp(app, services)
  const created = await app.inject({ method: 'POST', url: '/api/schedules/', headers: alice.headers, payload: { name: 'Friday report', kind: 'weekly', cron: '0 17 * * 5' } })
  t.equal(created.statusCode, 201, created.body)
  const id = created.json<{ id: string }>().id

  const patched = await app.inject({ method: 'PATCH', url: `/api/schedules/${id}/`, headers: mallory.headers, payload: { enabled: false, cron: '* * * * *' } })
  t.equal(patched.statusCode, 404)
  t.equal(patched.json().code, 'not_found')
  const deleted = await app.inject({ method: 'DELETE', url: `/api/schedules/${id}/`, headers: mallory.headers })
  t.equal(deleted.statusCode, 404)
  t.equal(deleted.json().code, 'not_found')
  // Naming alice's tenant does not help either: mallory is no member of it.
  const asMember = await app.inject({ method: 'DELETE', url: `/api/schedules/${id}/`, headers: { ...mallory.headers, 'x-tenant-id': alice.tenantId } })
  t.equal(asMember.statusCode, 403)
  t.equal(asMember.json().code, 'not_a_member')

  t.match(await services.schedules.get(id), { id, cron: '0 17 * * 5', enabled: true }, 'the schedule is untouched')
  const list = await app.inject({ method: 'GET', url: '/api/schedules/', headers: alice.headers })
  t.same(list.json<Array<{ id: string }>>().map((s) => s.id), [id])
})
