// The console's live streams over real HTTP with a real worker: every tenant's job events
// for staff, and one job's timeline as rendered rows ending with its status.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { insertTenant } from '../../helpers/tenants.ts'
import { createStaff, signInToConsole } from '../../helpers/console.ts'
import { openSse } from '../../helpers/event-stream.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'

t.test('staff streams: every tenant\'s job events, and a job\'s timeline as rows', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const app = await buildTestApp(t, services)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const base = `http://127.0.0.1:${address.port}`
  const db = services.database.db
  const session = await signInToConsole(app, await createStaff(services))

  const refused = await fetch(`${base}/system/console/stream`)
  t.equal(refused.status, 401, 'no session, no stream')

  const all = await openSse(`${base}/system/console/stream`, { cookie: session.cookie })
  t.teardown(() => all.close())
  t.equal(all.status, 200)
  t.equal(all.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const acme = await insertTenant(db, 'Acme')
  const globex = await insertTenant(db, 'Globex')
  const a = (await services.jobs.enqueue(db, { type: 'system.echo', tenantId: acme })).job.id
  const b = (await services.jobs.enqueue(db, { type: 'system.echo', tenantId: globex })).job.id
  const c = (await services.jobs.enqueue(db, { type: 'system.echo' })).job.id
  // Gathered into "jobs changed" messages: every event counted, each job named.
  let events = 0
  const jobs = new Map<string, string>()
  while (events < 9) {
    const message = await all.next(10_000)
    if (message === undefined) throw new Error('the stream ended')
    const data = message.json as { events: number; jobs: Array<{ id: string; type: string }> }
    events += data.events
    for (const job of data.jobs) jobs.set(job.id, job.type)
  }
  t.equal(events, 9, 'queued, started and completed, for each of the three')
  t.same(Object.fromEntries(jobs), { [a]: 'system.echo', [b]: 'system.echo', [c]: 'system.echo' }, 'two tenants\' jobs and the platform\'s, in one stream')

  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: { sleep_ms: 300 } })
  const queuedEvent = await db.selectFrom('event').select('id').where('job_id', '=', job.id).executeTakeFirstOrThrow()
  const timeline = await openSse(`${base}/system/console/jobs/${job.id}/stream?after=${queuedEvent.id}`, { cookie: session.cookie })
  t.teardown(() => timeline.close())
  const messages = await timeline.rest(10_000)
  const rows = messages.filter((m) => m.event === 'message').map((m) => m.json as { id: number; level: string; html: string })
  t.same(rows.map((r) => /<span class="message">([^<]*)<\/span>/.exec(r.html)?.[1]), ['job started', 'job completed'], 'after the event the page already shows, the rest as rows')
  t.match(rows[0]!.html, new RegExp(`^<li class="level-info" data-event="${rows[0]!.id}">`))
  t.same(messages.at(-1), { id: undefined, event: 'status', data: '{"status":"success"}', json: { status: 'success' } }, 'then the final status, and the stream ends')

  const unknown = await fetch(`${base}/system/console/jobs/${randomUUID()}/stream`, { headers: { cookie: session.cookie } })
  t.equal(unknown.status, 404, 'no such job')
  const resumed = await openSse(`${base}/system/console/jobs/${job.id}/stream?after=0`, { cookie: session.cookie, 'last-event-id': String(rows[0]!.id) })
  const rest = await resumed.rest(10_000)
  t.same(rest.map((m) => m.event), ['message', 'status'], 'Last-Event-ID (a reconnect) wins over the page\'s start')
})
