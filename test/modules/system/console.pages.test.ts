// The operator console's pages and actions over app.inject, with rows written at known
// times and an app clock standing still: the overview's figures, the jobs list's filters,
// the job page, bulk actions, pausing, schedules and the static files.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../../src/platform/db/database.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import type { JobStatus, JobTrigger } from '../../../src/platform/jobs/job.table.ts'
import { manualClock } from '../../helpers/clock.ts'
import { createStaff, formBody, signInToConsole, type ConsoleSession } from '../../helpers/console.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

const MINUTE = 60_000

interface Row {
  type?: string
  status: JobStatus
  tenantId?: string | null
  trigger?: JobTrigger
  payload?: Record<string, unknown>
  error?: string
  created: Date
  startedAfterMs?: number
  ranMs?: number
}

/** A job row as the platform would have left it, at the times given. */
async function insertJob (db: Db, row: Row): Promise<string> {
  const id = randomUUID()
  const started = row.startedAfterMs === undefined ? null : new Date(row.created.getTime() + row.startedAfterMs)
  const finished = started === null || row.ranMs === undefined ? null : new Date(started.getTime() + row.ranMs)
  await db.insertInto('job').values({
    id,
    type: row.type ?? 'system.echo',
    status: row.status,
    tenant_id: row.tenantId ?? null,
    trigger: row.trigger ?? 'api',
    payload: toJson(row.payload ?? {}),
    error: row.error ?? null,
    trace_id: randomUUID(),
    created_at: row.created,
    updated_at: row.created,
    started_at: started,
    finished_at: finished,
    attempt: started === null ? 0 : 1,
  }).execute()
  return id
}

const idsOf = (html: string): string[] => [...html.matchAll(/<tr data-job="([^"]+)"/g)].map((m) => m[1]!)

t.test('the overview: jobs by type and status, per-minute charts, percentiles, workers, schedules, health, LLM use', async (t) => {
  const services = await startTestServices(t)
  // Half a minute into a minute, so every row lands in a known minute.
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 30_000)
  const app = await buildTestApp(t, services, services, { clock: manualClock(now) })
  const db = services.database.db
  const session = await signInToConsole(app, await createStaff(services))
  const ago = (ms: number): Date => new Date(now.getTime() - ms)

  await insertJob(db, { status: 'queued', created: ago(MINUTE) })
  await insertJob(db, { status: 'queued', created: ago(MINUTE) })
  await insertJob(db, { status: 'success', created: ago(10 * MINUTE), startedAfterMs: 100, ranMs: 1000 })
  await insertJob(db, { status: 'failed', created: ago(5 * MINUTE), startedAfterMs: 300, ranMs: 2000, error: 'boom' })
  await insertJob(db, { status: 'success', created: ago(180 * MINUTE), startedAfterMs: 500, ranMs: 3000 })
  await insertJob(db, { status: 'success', created: ago(2 * 24 * 60 * MINUTE), startedAfterMs: 1, ranMs: 1 })
  const runningId = await insertJob(db, { type: 'system.compute_metrics', status: 'running', created: ago(MINUTE), startedAfterMs: 10 })
  await db.insertInto('event').values({ job_id: runningId, tenant_id: null, trace_id: null, source: 'worker', message: 'job started', data: toJson({ attempt: 1, worker: 'host-a:101' }) }).execute()
  await db.insertInto('worker_heartbeat').values([
    { worker: 'host-a:101', beat_interval_seconds: 15, concurrency: 2, job_types: ['system.echo'], started_at: ago(60 * MINUTE), last_seen_at: ago(5_000) },
    { worker: 'host-b:202', beat_interval_seconds: 15, concurrency: 2, job_types: ['system.echo'], started_at: ago(60 * MINUTE), last_seen_at: ago(50_000) },
  ]).execute()
  await services.schedules.create({ name: 'nightly digest', jobType: 'system.echo', cron: '0 3 * * *' })
  const tenant = await insertTenant(db, 'Acme Corp')
  await db.updateTable('tenant').set({ llm_monthly_token_budget: 1000 }).where('id', '=', tenant).execute()
  const call = { tenant_id: tenant, purpose: 'worklog.analyze', provider: 'openai', model: 'gpt-test', latency_ms: 20, outcome: 'ok', created_at: now }
  await db.insertInto('llm_call').values([
    { ...call, prompt_tokens: 100, completion_tokens: 50, cost_usd: 0.01 },
    { ...call, prompt_tokens: 200, completion_tokens: 0, cost_usd: 0.02 },
  ]).execute()

  const page = await app.inject({ method: 'GET', url: '/system/console/', headers: session.page })
  t.equal(page.statusCode, 200)
  const html = page.body
  const charts = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html)![1]!) as Record<'hour' | 'day', Array<{ minute: number; succeeded: number; failed: number }>>
  t.equal(charts.hour.length, 60, 'one point a minute for the hour')
  t.equal(charts.day.length, 24 * 60, 'and for the day')
  t.equal(charts.hour.at(-1)!.minute, Math.floor(now.getTime() / MINUTE) * 60, 'ending with the current minute')
  const minuteOf = (ms: number): number => Math.floor(ms / MINUTE) * 60
  t.same(charts.hour.filter((m) => m.succeeded + m.failed > 0), [
    { minute: minuteOf(now.getTime() - 10 * MINUTE + 1100), succeeded: 1, failed: 0 },
    { minute: minuteOf(now.getTime() - 5 * MINUTE + 2300), succeeded: 0, failed: 1 },
  ])
  t.same(charts.day.filter((m) => m.succeeded + m.failed > 0).map((m) => [m.succeeded, m.failed]), [[1, 0], [1, 0], [0, 1]], 'the day adds the job three hours ago; the one two days ago is out')

  const latencyRow = (window: string): string[] => {
    const row = new RegExp(`<tr><td>${window}</td><td><a href="[^"]*">system.echo</a></td>(.*?)</tr>`).exec(html)
    return [...(row?.[1] ?? '').matchAll(/<td class="n">([^<]*)<\/td>/g)].map((m) => m[1]!)
  }
  t.same(latencyRow('last hour'), ['2', '1', '200 ms', '290 ms', '298 ms', '1.5 s', '1.9 s', '2.0 s'], 'finished, failed, pickup p50/95/99, run p50/95/99')
  t.same(latencyRow('last 24 h'), ['3', '1', '300 ms', '480 ms', '496 ms', '2.0 s', '2.9 s', '3.0 s'])

  t.match(html, /<td><code>host-a:101<\/code><\/td><td><span class="status success">alive<\/span><\/td><td>5 s ago<\/td>/)
  t.match(html, new RegExp(`<a href="/system/console/jobs/${runningId}">system.compute_metrics ${runningId.slice(0, 8)}</a> · attempt 1`), 'what host-a runs')
  t.match(html, /<td><code>host-b:202<\/code><\/td><td><span class="status failed">gone<\/span><\/td><td>50 s ago<\/td>/, 'three missed 15 s beats: gone')
  t.match(html, /<span class="figure">1<\/span><span class="label">workers alive<\/span>/)
  t.match(html, /<td>nightly digest<\/td><td>system.echo<\/td><td><code>0 3 \* \* \*<\/code>/)
  for (const check of ['postgres', 'pgboss', 'storage']) t.match(html, new RegExp(`<tr><td>${check}</td><td><span class="status success">ok</span>`), `${check} is healthy`)
  t.match(html, /<tr><td>Acme Corp<\/td><td class="n">2<\/td><td class="n">350<\/td><td class="n">\$0\.0300<\/td>\s*<td><meter min="0" max="1000" high="800" value="350"><\/meter> 350 of 1,000<\/td><\/tr>/, 'LLM calls, tokens and cost today against the monthly budget')

  const now2 = await app.inject({ method: 'GET', url: '/system/console/?partial=now', headers: session.page })
  t.equal(now2.statusCode, 200)
  t.notMatch(now2.body, '<html', 'only the table')
  const echoRow = /<tr data-type="system\.echo">([\s\S]*?)<\/tr>/.exec(now2.body)![1]!
  t.same([...echoRow.matchAll(/<td class="n">(?:<a[^>]*>)?(\d+)/g)].map((m) => Number(m[1])), [2, 0, 2, 1, 0], 'queued, running now; succeeded, failed, cancelled in 24 h')
})

t.test('the jobs list filters by status, type, tenant, trigger, time and text, and pages', async (t) => {
  const services = await startTestServices(t)
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE)
  const app = await buildTestApp(t, services, services, { clock: manualClock(now) })
  const db = services.database.db
  const session = await signInToConsole(app, await createStaff(services))
  const ago = (ms: number): Date => new Date(now.getTime() - ms)
  const acme = await insertTenant(db, 'Acme')
  const globex = await insertTenant(db, 'Globex')
  const alpha = await insertJob(db, { status: 'queued', tenantId: acme, payload: { order: 'alpha-100%' }, created: ago(30 * MINUTE) })
  const beta = await insertJob(db, { status: 'failed', tenantId: globex, trigger: 'schedule', payload: { order: 'beta' }, error: 'boom: disk full', created: ago(20 * MINUTE), startedAfterMs: 1, ranMs: 1 })
  const gamma = await insertJob(db, { type: 'system.cleanup', status: 'success', trigger: 'system', created: ago(180 * MINUTE), startedAfterMs: 1, ranMs: 1 })
  const list = async (query: string): Promise<string[]> => {
    const response = await app.inject({ method: 'GET', url: `/system/console/jobs?${query}`, headers: session.page })
    t.equal(response.statusCode, 200, query)
    return idsOf(response.body)
  }
  t.same(await list(''), [beta, alpha, gamma], 'everything, newest first')
  t.same(await list('status=failed'), [beta])
  t.same(await list('type=system.cleanup'), [gamma])
  t.same(await list(`tenant=${acme}`), [alpha])
  t.same(await list('tenant=none'), [gamma], 'the platform\'s own jobs')
  t.same(await list('trigger=schedule'), [beta])
  t.same(await list('last=1h'), [beta, alpha])
  t.same(await list(`from=${ago(200 * MINUTE).toISOString().slice(0, 16)}&to=${ago(60 * MINUTE).toISOString().slice(0, 16)}`), [gamma], 'from and to are UTC')
  t.same(await list('q=ALPHA-100%25'), [alpha], 'text in the payload, any case, % taken literally')
  t.same(await list('q=100%25%25'), [], 'a second % is not a wildcard')
  t.same(await list('q=disk+full'), [beta], 'text in the error')
  t.same(await list(`q=${gamma}`), [gamma], 'a job id')
  t.same(await list('status=&type=&tenant=&trigger=&last=&from=&to=&q='), [beta, alpha, gamma], 'an empty form field is no filter')

  const rows = await app.inject({ method: 'GET', url: '/system/console/jobs?status=failed&partial=rows', headers: session.page })
  t.notMatch(rows.body, '<html')
  t.same(idsOf(rows.body), [beta])
  t.match(rows.body, '<strong data-total="1">1</strong> job')

  const badDate = await app.inject({ method: 'GET', url: '/system/console/jobs?from=2026-13-45T00:00', headers: session.page })
  t.equal(badDate.statusCode, 400)
  t.match(badDate.body, '<code>query.from</code>')
  const backwards = await app.inject({ method: 'GET', url: `/system/console/jobs?from=${now.toISOString().slice(0, 16)}&to=${ago(MINUTE).toISOString().slice(0, 16)}`, headers: session.page })
  t.equal(backwards.statusCode, 400)
  t.match(backwards.body, '<code>query.to</code>')
  const badStatus = await app.inject({ method: 'GET', url: '/system/console/jobs?status=lost', headers: session.page })
  t.equal(badStatus.statusCode, 400)
  t.match(badStatus.body, 'query.status')

  for (let i = 0; i < 50; i++) await insertJob(db, { type: 'system.compute_metrics', status: 'queued', created: ago(i * 1000) })
  const first = await app.inject({ method: 'GET', url: '/system/console/jobs?type=system.compute_metrics', headers: session.page })
  t.equal(idsOf(first.body).length, 50)
  t.match(first.body, '<strong data-total="50">50</strong> jobs')
  t.same(await list('page=2'), [beta, alpha, gamma], 'page two holds the oldest three of 53')
})

t.test('the job page, retry and cancel, bulk actions with their confirmation, pausing, schedules', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const db = services.database.db
  const staff = await createStaff(services)
  const session = await signInToConsole(app, staff)
  const tenant = await insertTenant(db, 'Initech')
  /** A form posted from a console page (the method is named for the route-coverage scan). */
  const submit = (method: 'POST', url: string, fields: Record<string, string | string[]> = {}, who: ConsoleSession = session) =>
    app.inject({ method, url, headers: who.form, payload: formBody({ _csrf: who.csrf, ...fields }) })
  const staffActions = async () => (await db.selectFrom('auth_event').select(['tenant_id', 'detail']).where('kind', '=', 'staff_action').where('user_id', '=', staff.id).orderBy('id').execute())
  const now = new Date()

  const failed = await insertJob(db, { status: 'failed', tenantId: tenant, payload: { note: '<script>alert(1)</script>' }, error: 'the provider said no', created: now, startedAfterMs: 1, ranMs: 5 })
  await db.insertInto('llm_call').values({ tenant_id: tenant, job_id: failed, purpose: 'worklog.analyze', provider: 'local', model: 'rules-v1', prompt_tokens: 12, completion_tokens: 34, latency_ms: 5, cost_usd: 0, outcome: 'ok' }).execute()
  const page = await app.inject({ method: 'GET', url: `/system/console/jobs/${failed}`, headers: session.page })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<span id="job-status" class="status failed">failed</span>')
  t.match(page.body, '&quot;note&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;', 'the payload is shown escaped')
  t.notMatch(page.body, '<script>alert(1)</script>')
  t.match(page.body, /<td>local \/ rules-v1<\/td><td class="n">12<\/td><td class="n">34<\/td>/, 'its LLM calls')
  t.notMatch(page.body, 'data-stream=', 'a finished job has no live timeline')
  const fields = await app.inject({ method: 'GET', url: `/system/console/jobs/${failed}?partial=fields`, headers: session.page })
  t.notMatch(fields.body, '<html')
  t.match(fields.body, '<pre class="error">the provider said no</pre>')
  const missing = await app.inject({ method: 'GET', url: `/system/console/jobs/${randomUUID()}`, headers: session.page })
  t.equal(missing.statusCode, 404)
  t.match(missing.body, '<h1>404 · Not Found</h1>')

  const retried = await submit('POST', `/system/console/jobs/${failed}/retry`)
  t.equal(retried.statusCode, 303)
  const retry = await db.selectFrom('job').select(['id', 'trigger', 'status']).where('parent_job_id', '=', failed).executeTakeFirstOrThrow()
  t.same([retry.trigger, retry.status], ['retry', 'queued'])
  t.equal(retried.headers.location, `/system/console/jobs/${retry.id}?notice=retried`)
  const retryPage = await app.inject({ method: 'GET', url: String(retried.headers.location), headers: session.page })
  t.match(retryPage.body, '<p class="notice" role="status">Retried: this is the new job.</p>')
  t.match(retryPage.body, `data-stream="/system/console/jobs/${retry.id}/stream"`, 'a waiting job\'s timeline is live')
  t.match((await app.inject({ method: 'GET', url: `/system/console/jobs/${failed}`, headers: session.page })).body, `<a href="/system/console/jobs/${retry.id}">`, 'the retry is listed as a child')
  const cancelled = await submit('POST', `/system/console/jobs/${retry.id}/cancel`)
  t.equal(cancelled.statusCode, 303)
  t.equal(cancelled.headers.location, `/system/console/jobs/${retry.id}?notice=cancelled`)
  t.equal((await db.selectFrom('job').select('status').where('id', '=', retry.id).executeTakeFirstOrThrow()).status, 'cancelled')
  const again = await submit('POST', `/system/console/jobs/${retry.id}/cancel`)
  t.equal(again.statusCode, 409, 'a finished job cannot be cancelled')
  t.match(again.body, 'only queued or running jobs can be cancelled')

  // Bulk cancel: three queued jobs, counted and shown first; one finishes before the confirmation.
  const queued: string[] = []
  for (const n of [1, 2, 3]) queued.push((await services.jobs.enqueue(db, { type: 'system.echo', tenantId: tenant, payload: { n } })).job.id)
  const preview = await submit('POST', '/system/console/jobs/bulk', { action: 'cancel', type: 'system.echo', status: '' })
  t.equal(preview.statusCode, 200)
  t.match(preview.body, '<h1>Cancel 3 jobs?</h1>')
  t.match(preview.body, '<strong id="bulk-total">3</strong>')
  t.same([...preview.body.matchAll(/<input type="hidden" name="ids" value="([^"]+)">/g)].map((m) => m[1]), queued, 'the ids to confirm, oldest first')
  await services.jobs.cancel(queued[0]!)
  const done = await submit('POST', '/system/console/jobs/bulk', { action: 'cancel', type: 'system.echo', confirm: 'yes', ids: queued })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/system/console/jobs?type=system.echo&notice=bulk_cancel&n=2')
  t.same((await db.selectFrom('job').select('status').where('id', 'in', queued).execute()).map((r) => r.status), ['cancelled', 'cancelled', 'cancelled'])
  const nothing = await submit('POST', '/system/console/jobs/bulk', { action: 'retry', status: 'queued' })
  t.match(nothing.body, '<p class="empty">Nothing to do.</p>', 'retry has nothing to do among queued jobs')
  const bulkRetry = await submit('POST', '/system/console/jobs/bulk', { action: 'retry', confirm: 'yes', type: 'system.echo', ids: queued[1]! })
  t.equal(bulkRetry.headers.location, '/system/console/jobs?trigger=retry&type=system.echo&last=1h&notice=bulk_retry&n=1', 'one id is a list of one')

  const pause = await submit('POST', '/system/console/job-types/system.echo/pause', { reason: 'investigating', back: '/system/console/jobs?type=system.echo' })
  t.equal(pause.statusCode, 303)
  t.equal(pause.headers.location, '/system/console/jobs?type=system.echo&notice=paused')
  const listing = await app.inject({ method: 'GET', url: '/system/console/jobs?type=system.echo&status=queued', headers: session.page })
  t.match(listing.body, '<span class="status queued">queued</span> <span class="status paused">paused</span>', 'a queued job of a paused type shows as paused')
  t.match(listing.body, 'Paused (not fetched by workers): system.echo.')
  const unknown = await submit('POST', '/system/console/job-types/system.nope/pause')
  t.equal(unknown.statusCode, 400)
  t.match(unknown.body, 'unknown_job_type')
  const resume = await submit('POST', '/system/console/job-types/system.echo/resume')
  t.equal(resume.headers.location, '/system/console/?notice=resumed')
  t.same(await db.selectFrom('job_type_pause').selectAll().execute(), [])

  const schedule = await services.schedules.create({ name: 'weekly report', jobType: 'system.echo', cron: '0 9 * * 1', tenantId: tenant, payload: { scheduled: true } })
  const schedules = await app.inject({ method: 'GET', url: '/system/console/schedules', headers: session.page })
  t.match(schedules.body, new RegExp(`<tr data-schedule="${schedule.id}">\\s*<td>weekly report</td>\\s*<td>Initech</td>`))
  const disabled = await submit('POST', `/system/console/schedules/${schedule.id}/disable`)
  t.equal(disabled.headers.location, '/system/console/schedules?notice=schedule_disabled')
  t.match(await services.schedules.get(schedule.id), { enabled: false, next_run_at: null })
  const mirrored = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.schedule WHERE key = ${schedule.id}`.execute(db)).rows[0]!.n
  t.equal(await mirrored(), 0, 'pg-boss no longer fires it')
  await submit('POST', `/system/console/schedules/${schedule.id}/enable`)
  t.equal((await services.schedules.get(schedule.id)).enabled, true)
  t.equal(await mirrored(), 1)
  const run = await submit('POST', `/system/console/schedules/${schedule.id}/run`)
  const fired = await db.selectFrom('job').select(['id', 'trigger', 'schedule_id', 'tenant_id', 'payload']).where('schedule_id', '=', schedule.id).executeTakeFirstOrThrow()
  t.same({ trigger: fired.trigger, tenant: fired.tenant_id, payload: fired.payload }, { trigger: 'schedule', tenant, payload: { scheduled: true } })
  t.equal(run.headers.location, `/system/console/jobs/${fired.id}?notice=schedule_run`)
  t.equal((await services.schedules.get(schedule.id)).last_job_id, fired.id)

  t.same(await staffActions(), [
    { tenant_id: tenant, detail: { action: 'job.retry', job_id: failed, new_job_id: retry.id } },
    { tenant_id: tenant, detail: { action: 'job.cancel', job_id: retry.id } },
    { tenant_id: null, detail: { action: 'jobs.bulk_cancel', filter: { type: 'system.echo' }, confirmed: 3, done: 2, skipped: 1, job_ids: queued } },
    { tenant_id: null, detail: { action: 'jobs.bulk_retry', filter: { type: 'system.echo' }, confirmed: 1, done: 1, skipped: 0, job_ids: [queued[1]] } },
    { tenant_id: null, detail: { action: 'job_type.pause', job_type: 'system.echo', reason: 'investigating' } },
    { tenant_id: null, detail: { action: 'job_type.resume', job_type: 'system.echo' } },
    { tenant_id: tenant, detail: { action: 'schedule.disable', schedule_id: schedule.id, name: 'weekly report' } },
    { tenant_id: tenant, detail: { action: 'schedule.enable', schedule_id: schedule.id, name: 'weekly report' } },
    { tenant_id: tenant, detail: { action: 'schedule.run_now', schedule_id: schedule.id, name: 'weekly report', job_id: fired.id } },
  ], 'every staff action is audited with the staff user, in the tenant it touched')
})

t.test('static files: uPlot and the console\'s own, cached by content version', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const script = await app.inject({ method: 'GET', url: '/system/console/assets/uplot.js?v=x' })
  t.equal(script.statusCode, 200)
  t.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
  t.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.match(script.body, 'uPlot')
  const again = await app.inject({ method: 'GET', url: '/system/console/assets/uplot.js', headers: { 'if-none-match': String(script.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal((await app.inject({ method: 'GET', url: '/system/console/assets/console.css' })).headers['content-type'], 'text/css; charset=utf-8')
  const none = await app.inject({ method: 'GET', url: '/system/console/assets/..%2Fconsole.routes.ts' })
  t.equal(none.statusCode, 404, 'only the named files exist')
})
