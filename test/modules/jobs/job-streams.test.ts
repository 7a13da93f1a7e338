// Live job streams over real HTTP: a listening app, a real worker running the jobs, and a
// streaming fetch reading text/event-stream as an SPA would.
import t from 'tap'
import Fastify from 'fastify'
import { queryOnce } from '../../helpers/database.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'
import { installLongRequests } from '../../../src/platform/http/event-stream.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import type { Services } from '../../../src/runtime.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'
import { openSse } from '../../helpers/event-stream.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'

/** Gates a gated job waits at, opened by the test: `${key}:${step}`. */
const gates = new Map<string, { promise: Promise<void>; open: () => void }>()
function gate (name: string): { promise: Promise<void>; open: () => void } {
  let entry = gates.get(name)
  if (entry === undefined) {
    let open = (): void => {}
    const promise = new Promise<void>((resolve) => { open = resolve })
    entry = { promise, open }
    gates.set(name, entry)
  }
  return entry
}

function registry (): JobRegistry {
  const jobs = registerWorkflows(new JobRegistry())
  jobs.register('test.gated', async (ctx, payload) => {
    const key = String(payload.key)
    await ctx.log('step one')
    await gate(`${key}:one`).promise
    await ctx.log('step two', { data: { stack: 'at secret (/srv/app/x.ts:1:1)', detail: 'visible' } })
    await gate(`${key}:two`).promise
    return { done: key }
  }, { retryLimit: 0 })
  return jobs
}

async function setUp (t: Tap): Promise<{ services: Services; app: App; base: string; alice: TestUser; bob: TestUser }> {
  const services = await startTestServices(t, { worker: true, registry: registry() })
  const app = await buildTestApp(t, services)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const alice = await signUp(app, services)
  const bob = await signUp(app, services)
  return { services, app, base: `http://127.0.0.1:${address.port}`, alice, bob }
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function enqueueGated (services: Services, user: TestUser, key: string): Promise<string> {
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'test.gated', tenantId: user.tenantId, userId: user.id, payload: { key } })
  return job.id
}

async function eventIds (services: Services, jobId: string): Promise<string[]> {
  const rows = await services.database.db.selectFrom('event').select('id').where('job_id', '=', jobId).orderBy('id').execute()
  return rows.map((r) => String(r.id))
}

t.test('a job\'s stream: the events so far, each new one as written, the final status, then the end', async (t) => {
  const { services, base, alice } = await setUp(t)
  const jobId = await enqueueGated(services, alice, 'timeline')
  const stream = await openSse(`${base}/api/jobs/${jobId}/stream/`, alice.headers)
  t.teardown(() => stream.close())
  t.equal(stream.status, 200)
  t.match(stream.headers.get('content-type'), /^text\/event-stream/)

  const seen = [await stream.next(), await stream.next(), await stream.next()]
  t.same(seen.map((m) => m?.json.message), ['job queued', 'job started', 'step one'])
  gate('timeline:one').open()
  const two = await stream.next()
  t.equal(two?.json.message, 'step two')
  t.same(two?.json.data, { detail: 'visible' }, 'shown through the tenant view: no stack')
  gate('timeline:two').open()
  const rest = await stream.rest()
  t.same(rest.map((m) => m.event), ['message', 'status'])
  t.equal(rest[0]?.json.message, 'job completed')
  t.match(rest[1]?.json, { id: jobId, status: 'success', result: { done: 'timeline' } })
  t.equal(rest[1]?.id, undefined, 'the status carries no id, so a resume does not skip past events')
  t.same([...seen, two, rest[0]].map((m) => m?.id), await eventIds(services, jobId), 'every event once, in order, with its row id')
})

t.test('Last-Event-ID resumes without gaps or duplicates; another tenant\'s job is a 404', async (t) => {
  const { services, base, alice, bob } = await setUp(t)
  const jobId = await enqueueGated(services, alice, 'resume')
  const first = await openSse(`${base}/api/jobs/${jobId}/stream/`, alice.headers)
  const before = [await first.next(), await first.next(), await first.next()]
  t.equal(before[2]?.json.message, 'step one')
  first.close()
  // Written while nobody listens.
  gate('resume:one').open()
  await eventually(async () => (await eventIds(services, jobId)).length === 4 ? true : undefined, 10_000, 'step two')

  const second = await openSse(`${base}/api/jobs/${jobId}/stream/`, { ...alice.headers, 'last-event-id': before[2]!.id! })
  t.teardown(() => second.close())
  const resumed = await second.next()
  t.equal(resumed?.json.message, 'step two', 'starts right after the last event received')
  gate('resume:two').open()
  const rest = await second.rest()
  t.same([...before, resumed, ...rest.filter((m) => m.event === 'message')].map((m) => m?.id), await eventIds(services, jobId))
  t.equal(rest.at(-1)?.event, 'status')

  const ended = await openSse(`${base}/api/jobs/${jobId}/stream/`, { ...alice.headers, 'last-event-id': rest[0]!.id! })
  const after = await ended.rest()
  t.same(after.map((m) => [m.event, m.json.status]), [['status', 'success']], 'an ended job: the events after the id (none), its status, the end')

  const refused = await fetch(`${base}/api/jobs/${jobId}/stream/`, { headers: bob.headers })
  t.equal(refused.status, 404)
  t.equal((await refused.json() as { code: string }).code, 'not_found')
  const bad = await fetch(`${base}/api/jobs/${jobId}/stream/`, { headers: { ...alice.headers, 'last-event-id': 'abc' } })
  t.equal(bad.status, 400)
})

t.test('GET /api/jobs/{id}/?wait=N answers when the job ends, or after N seconds', async (t) => {
  const { services, base, alice, bob } = await setUp(t)
  const jobId = await enqueueGated(services, alice, 'wait')
  await eventually(async () => (await eventIds(services, jobId)).length === 3 ? true : undefined, 10_000, 'step one')

  let started = performance.now()
  const timedOut = await fetch(`${base}/api/jobs/${jobId}/?wait=1`, { headers: alice.headers })
  const waited = performance.now() - started
  t.equal(timedOut.status, 200)
  t.equal((await timedOut.json() as { status: string }).status, 'running')
  t.ok(waited >= 990, `waited the second out (${Math.round(waited)} ms)`)

  started = performance.now()
  const answer = fetch(`${base}/api/jobs/${jobId}/?wait=30`, { headers: alice.headers })
  gate('wait:one').open()
  gate('wait:two').open()
  const done = await answer
  t.equal(done.status, 200)
  t.match(await done.json(), { id: jobId, status: 'success' })
  t.ok(performance.now() - started < 15_000, 'answered when the job ended, not after 30 s')

  t.equal((await fetch(`${base}/api/jobs/${jobId}/?wait=31`, { headers: alice.headers })).status, 400)
  t.equal((await fetch(`${base}/api/jobs/${jobId}/?wait=5`, { headers: bob.headers })).status, 404)
})

t.test('the tenant stream: only the caller\'s tenant, filtered by job type', async (t) => {
  const { services, base, alice, bob } = await setUp(t)
  const anonymous = await fetch(`${base}/api/events/stream/`, { headers: { 'x-service-token': alice.headers['x-service-token']! } })
  t.equal(anonymous.status, 401, 'a stream needs an access token like any tenant read')
  t.equal((await anonymous.json() as { code: string }).code, 'not_authenticated')
  const stream = await openSse(`${base}/api/events/stream/?type=test.gated`, alice.headers)
  t.teardown(() => stream.close())
  t.equal(stream.status, 200)
  // Written first: another tenant's job of the type, and a job of another type.
  const bobs = await enqueueGated(services, bob, 'bob')
  const { job: echo } = await services.jobs.enqueue(services.database.db, { type: 'system.echo', tenantId: alice.tenantId, payload: {} })
  await eventually(async () => (await services.jobs.get(echo.id)).status === 'success' ? true : undefined, 10_000, 'echo')
  const mine = await enqueueGated(services, alice, 'tenant')
  const first = await stream.next()
  t.match(first?.json, { job_id: mine, job_type: 'test.gated', message: 'job queued' }, 'neither bob\'s job nor the echo job came first')
  const next = await stream.next()
  t.match(next?.json, { job_id: mine, message: 'job started', job_status: 'running' })
  gate('tenant:one').open()
  gate('tenant:two').open()
  gate('bob:one').open()
  gate('bob:two').open()
  const messages: string[] = []
  for (let m = await stream.next(); m !== undefined; m = await stream.next()) {
    t.equal(m.json.job_id, mine)
    messages.push(String(m.json.message))
    if (m.json.message === 'job completed') {
      t.equal(m.json.job_status, 'success', 'the status change rides on the event')
      break
    }
  }
  t.same(messages, ['step one', 'step two', 'job completed'])
  await eventually(async () => (await services.jobs.get(bobs)).status === 'success' ? true : undefined, 10_000, 'bob\'s job')

  // Resuming: the events after the given id, of the type, in the tenant.
  const resumed = await openSse(`${base}/api/events/stream/?type=test.gated`, { ...alice.headers, 'last-event-id': first!.id! })
  t.teardown(() => resumed.close())
  const replay = [await resumed.next(), await resumed.next(), await resumed.next(), await resumed.next()]
  t.same(replay.map((m) => m?.json.message), ['job started', 'step one', 'step two', 'job completed'])
})

t.test('streams survive the listening connection dropping, and end when the app closes', async (t) => {
  const { services, app, base, alice } = await setUp(t)
  const jobId = await enqueueGated(services, alice, 'restart')
  const stream = await openSse(`${base}/api/jobs/${jobId}/stream/`, alice.headers)
  t.teardown(() => stream.close())
  t.equal((await stream.next())?.json.message, 'job queued')
  t.equal((await stream.next())?.json.message, 'job started')
  t.equal((await stream.next())?.json.message, 'step one')
  // As the database's owner: the service role may not end the owner's connections.
  const rows = await queryOnce<{ ended: boolean }>(services.url, "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'afterresume:event-hub' AND datname = current_database()")
  t.same(rows, [{ ended: true }], 'the hub\'s connection was cut')
  gate('restart:one').open()
  t.equal((await stream.next())?.json.message, 'step two', 'delivered after the hub reconnected')

  await app.close()
  t.equal(await stream.next(), undefined, 'the stream ended with the app')
  gate('restart:two').open()
})

t.test('an open stream sends a heartbeat comment', async (t) => {
  const app = Fastify()
  const streams = installLongRequests(app as never)
  app.get('/stream', async (_request, reply) => {
    streams.stream(reply, { heartbeatMs: 50, maxMs: 60_000 })
    return reply
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const stream = await openSse(`http://127.0.0.1:${address.port}/stream`, {})
  t.teardown(() => stream.close())
  await eventually(async () => stream.comments.includes('heartbeat') ? true : undefined, 5_000, 'a heartbeat')
  t.same(stream.comments.slice(0, 2), ['open', 'heartbeat'])
})
