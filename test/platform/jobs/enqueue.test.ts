// enqueue() called directly: what it refuses (exact message and field, nothing written),
// the row, the "job queued" event and the pg-boss message it writes, which jobs count
// against a tenant's quota, and the repeated idempotency key. idempotency.test.ts covers
// concurrent duplicates and rollback; chaining.test.ts the children of a job.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import { ValidationError } from '../../../src/platform/errors.ts'
import type { Services } from '../../../src/runtime.ts'
import { startedOnce, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

// One database for the file; each subtest counts only its own tenant's or job's rows.
const services = startedOnce(() => startTestServices(t))

async function counts (db: Services['database']['db'], tenantId: string): Promise<{ jobs: number; events: number; messages: number }> {
  const { rows } = await sql<{ jobs: number; events: number; messages: number }>`
    SELECT (SELECT count(*)::int FROM job WHERE tenant_id = ${tenantId}) AS jobs,
           (SELECT count(*)::int FROM event WHERE tenant_id = ${tenantId}) AS events,
           (SELECT count(*)::int FROM pgboss.job WHERE data->>'tenantId' = ${tenantId}) AS messages`.execute(db)
  return rows[0]!
}

t.test('bad input is refused with the field named, and nothing is written', async (t) => {
  const { jobs, database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const refused = async (input: Parameters<typeof jobs.enqueue>[1], message: string, field: string, what: string) => {
    await t.rejects(jobs.enqueue(db, { tenantId, ...input }), new ValidationError(message, field), what)
  }
  await refused({ type: 'system.echo', runAt: new Date('not a date') }, 'runAt must be a valid time.', 'run_at', 'an invalid time')
  await refused({ type: 'system.echo', idempotencyKey: '' }, 'idempotency key must be 1 to 200 characters.', 'idempotency_key', 'an empty key')
  await refused({ type: 'system.echo', idempotencyKey: 'k'.repeat(201) }, 'idempotency key must be 1 to 200 characters.', 'idempotency_key', 'a key of 201 characters')
  for (const maxRetries of [-1, 51, 1.5]) {
    await refused({ type: 'system.echo', maxRetries }, 'maxRetries must be an integer between 0 and 50.', 'max_retries', `maxRetries ${maxRetries}`)
  }
  t.same(await counts(db, tenantId), { jobs: 0, events: 0, messages: 0 })

  for (const [input, what] of [[{ idempotencyKey: 'k'.repeat(200) }, 'a key of 200 characters'], [{ maxRetries: 0 }, 'no retries'], [{ maxRetries: 50 }, '50 retries']] as const) {
    t.equal((await jobs.enqueue(db, { type: 'system.echo', tenantId, ...input })).created, true, what)
  }
  t.same(await jobs.enqueueMany(db, 'system.echo', []), [], 'nothing asked, nothing written')
})

t.test('the row, its "job queued" event and its pg-boss message say the same thing', async (t) => {
  const { jobs, database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const runAt = new Date(Date.now() + 3_600_000)
  const traceId = randomUUID()
  const parent = await jobs.enqueue(db, { type: 'system.echo', tenantId, runAt })
  const { job, created } = await jobs.enqueue(db, { type: 'system.echo', tenantId, userId: null, payload: { hello: 'x' }, trigger: 'schedule', parentJobId: parent.job.id, traceId, runAt, maxRetries: 2 })
  t.equal(created, true)
  t.match(job, { type: 'system.echo', tenant_id: tenantId, user_id: null, trigger: 'schedule', payload: { hello: 'x' }, max_retries: 2, parent_job_id: parent.job.id, trace_id: traceId, status: 'queued', idempotency_key: null })
  t.equal(job.scheduled_for?.toISOString(), runAt.toISOString())
  const event = await db.selectFrom('event').select(['source', 'message', 'level', 'data', 'trace_id']).where('job_id', '=', job.id).executeTakeFirstOrThrow()
  t.same(event, { source: 'system', message: 'job queued', level: 'info', trace_id: traceId, data: { type: 'system.echo', trigger: 'schedule', max_retries: 2, scheduled_for: runAt.toISOString(), parent_job_id: parent.job.id } })
  const message = await sql<{ name: string; data: unknown; retry_limit: number; start_after: Date }>`SELECT name, data, retry_limit, start_after FROM pgboss.job WHERE id = ${job.id}`.execute(db)
  t.same(message.rows.map((m) => [m.name, m.data, m.retry_limit, m.start_after.toISOString()]), [['system.echo', { tenantId }, 2, runAt.toISOString()]])

  // Who asked and which schedule made it are kept; an explicit null parent is no parent.
  const { id: userId } = await db.insertInto('app_user').values({ email: `enqueue-${randomUUID()}@example.test`, password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()
  const { id: scheduleId } = await db.insertInto('schedule').values({ name: `s-${randomUUID()}`, job_type: 'system.echo', cron: '0 3 * * *' }).returning('id').executeTakeFirstOrThrow()
  const owned = await jobs.enqueue(db, { type: 'system.echo', tenantId, userId, scheduleId, parentJobId: null, trigger: 'schedule' })
  t.match(owned.job, { user_id: userId, schedule_id: scheduleId, parent_job_id: null })
  const ownedEvent = await db.selectFrom('event').select('data').where('job_id', '=', owned.job.id).executeTakeFirstOrThrow()
  t.same(ownedEvent.data, { type: 'system.echo', trigger: 'schedule', max_retries: owned.job.max_retries })

  // The defaults: an API job, the type's retries, a new correlation id, to run now.
  const plain = await jobs.enqueue(db, { type: 'system.echo', tenantId })
  t.match(plain.job, { trigger: 'api', max_retries: jobs.registry.require('system.echo').options.retryLimit, payload: {}, scheduled_for: null, parent_job_id: null, schedule_id: null })
  t.not(plain.job.trace_id, traceId)
  const plainEvent = await db.selectFrom('event').select('data').where('job_id', '=', plain.job.id).executeTakeFirstOrThrow()
  t.same(plainEvent.data, { type: 'system.echo', trigger: 'api', max_retries: plain.job.max_retries }, 'no scheduled_for or parent_job_id when there are none')
  const plainMessage = await sql<{ late: boolean }>`SELECT start_after > now() + interval '1 minute' AS late FROM pgboss.job WHERE id = ${plain.job.id}`.execute(db)
  t.same(plainMessage.rows, [{ late: false }], 'no start_after: it may start at once')
})

t.test('a repeated idempotency key returns the first job; the key is per tenant, and tenant-less jobs share theirs', async (t) => {
  const { jobs, database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const key = `key-${randomUUID()}`
  const first = await jobs.enqueue(db, { type: 'system.echo', tenantId, idempotencyKey: key, payload: { n: 1 } })
  const again = await jobs.enqueue(db, { type: 'system.echo', tenantId, idempotencyKey: key, payload: { n: 2 } })
  t.same([again.created, again.job.id, again.job.payload], [false, first.job.id, { n: 1 }])
  t.same(await counts(db, tenantId), { jobs: 1, events: 1, messages: 1 })
  const elsewhere = await jobs.enqueue(db, { type: 'system.echo', tenantId: await insertTenant(db), idempotencyKey: key })
  t.same([elsewhere.created, elsewhere.job.id === first.job.id], [true, false])

  const platformFirst = await jobs.enqueue(db, { type: 'system.echo', idempotencyKey: key })
  const platformAgain = await jobs.enqueue(db, { type: 'system.echo', tenantId: null, idempotencyKey: key })
  t.same([platformFirst.created, platformAgain.created, platformAgain.job.id], [true, false, platformFirst.job.id])

  // In one call: a new key and a repeated one.
  const both = await jobs.enqueueMany(db, 'system.echo', [{ tenantId, idempotencyKey: key }, { tenantId, idempotencyKey: `${key}-b` }])
  t.same(both.map((r) => [r.created, r.job.id === first.job.id]), [[false, true], [true, false]])
})

t.test('only what a person asks for (api, retry) counts against the quota, per tenant', async (t) => {
  const { jobs, database: { db } } = await services()
  const tenantId = await insertTenant(db)
  await db.updateTable('tenant').set({ max_concurrent_jobs: 2 }).where('id', '=', tenantId).execute()
  const later = new Date(Date.now() + 3_600_000)
  await jobs.enqueue(db, { type: 'system.echo', tenantId, runAt: later })
  await jobs.enqueue(db, { type: 'system.echo', tenantId, runAt: later, trigger: 'retry' })
  await t.rejects(jobs.enqueue(db, { type: 'system.echo', tenantId, runAt: later, trigger: 'api' }), { status: 429, code: 'quota_exceeded' }, 'the third api job')
  await t.rejects(jobs.enqueue(db, { type: 'system.echo', tenantId, runAt: later, trigger: 'retry' }), { status: 429, code: 'quota_exceeded' }, 'a retry counts too')
  for (const trigger of ['schedule', 'system'] as const) {
    t.equal((await jobs.enqueue(db, { type: 'system.echo', tenantId, runAt: later, trigger })).created, true, `a ${trigger} job is not refused`)
  }
  const other = await insertTenant(db)
  await t.rejects(jobs.enqueueMany(db, 'system.echo', [{ tenantId: other, runAt: later }, { tenantId, runAt: later }]), { status: 429, code: 'quota_exceeded' }, 'a batch with one tenant over its quota')
  t.same(await counts(db, other), { jobs: 0, events: 0, messages: 0 }, 'is refused whole')
  t.equal((await jobs.enqueueMany(db, 'system.echo', [{ runAt: later }, { runAt: later }])).length, 2, 'tenant-less jobs have no quota')
})
