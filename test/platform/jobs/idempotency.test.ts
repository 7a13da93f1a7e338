import t from 'tap'
import { sql } from 'kysely'
import { startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

t.test('20 concurrent enqueues with one idempotency key make one job and one message', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const results = await Promise.all(Array.from({ length: 20 }, () =>
    services.jobs.enqueue(db, { type: 'system.echo', payload: { n: 1 }, idempotencyKey: 'import-2026-11-22' })))
  const ids = new Set(results.map((r) => r.job.id))
  t.equal(ids.size, 1, 'every caller got the same job')
  t.equal(results.filter((r) => r.created).length, 1, 'exactly one caller created it')
  const { rows } = await sql<{ jobs: number; messages: number; queued_events: number }>`
    SELECT (SELECT count(*)::int FROM job) AS jobs,
           (SELECT count(*)::int FROM pgboss.job WHERE name = 'system.echo') AS messages,
           (SELECT count(*)::int FROM event WHERE message = 'job queued') AS queued_events`.execute(db)
  t.same(rows[0], { jobs: 1, messages: 1, queued_events: 1 })
})

t.test('the same key under another tenant is another job', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const a = await services.jobs.enqueue(db, { type: 'system.echo', idempotencyKey: 'k', tenantId: null })
  const b = await services.jobs.enqueue(db, { type: 'system.echo', idempotencyKey: 'k', tenantId: await insertTenant(db) })
  t.not(a.job.id, b.job.id)
})

t.test('a caller that rolls back leaves no job, no event and no pg-boss message', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  let enqueuedId = ''
  await t.rejects(db.transaction().execute(async (trx) => {
    const { job } = await services.jobs.enqueue(trx, { type: 'system.echo', payload: { doomed: true } })
    enqueuedId = job.id
    throw new Error('the domain write failed after the enqueue')
  }), /domain write failed/)
  t.ok(enqueuedId, 'the enqueue itself ran inside the transaction')
  const { rows } = await sql<{ jobs: number; events: number; messages: number }>`
    SELECT (SELECT count(*)::int FROM job) AS jobs,
           (SELECT count(*)::int FROM event) AS events,
           (SELECT count(*)::int FROM pgboss.job) AS messages`.execute(db)
  t.same(rows[0], { jobs: 0, events: 0, messages: 0 })
})
