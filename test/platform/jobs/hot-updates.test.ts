// Issue 11: a job's start (queued → running) must stay a HOT update — no new entry in
// any index of `job` — which only holds while no index of `job` covers a column the
// start changes (migration 0008). These tests fail if such an index comes back.
import t from 'tap'
import { sql } from 'kysely'
import { eventually, startTestServices } from '../../helpers/services.ts'

/** What #markStarted in runner.ts sets. */
const START_COLUMNS = ['status', 'attempt', 'started_at', 'updated_at']

t.test('no index of job covers a column that starting a job changes', async (t) => {
  const services = await startTestServices(t)
  const { rows } = await sql<{ name: string; definition: string }>`
    SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = 'job'::regclass AND NOT i.indisprimary`.execute(services.database.db)
  t.ok(rows.some((row) => row.name === 'job_unfinished_idx'), 'unfinished jobs have their index')
  for (const row of rows) {
    // Key columns, expressions and the WHERE of a partial index all stop HOT alike.
    const covered = START_COLUMNS.filter((column) => new RegExp(`\\b${column}\\b`).test(row.definition.replace(/^.*? ON [^(]+/, '')))
    t.same(covered, [], `${row.name} leaves ${START_COLUMNS.join(', ')} alone: ${row.definition}`)
  }
})

t.test('starting a job is a HOT update of its row', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const db = services.database.db
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: {} })
  await eventually(async () => (await services.jobs.get(job.id)).status === 'success' ? true : undefined, 10_000, 'the echo job to succeed')
  // Counters reach pg_stat_user_tables when the writing backends report them (at most a
  // few seconds after they go idle), so wait for the two updates to be counted.
  const counted = await eventually(async () => {
    const { rows: [row] } = await sql<{ updates: number; hot: number }>`
      SELECT n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relid = 'job'::regclass`.execute(db)
    return row !== undefined && row.updates >= 2 ? row : undefined
  }, 30_000, 'the job\'s updates to be counted')
  t.equal(counted.updates, 2, 'running, then success')
  t.equal(counted.hot, 1, 'the start was HOT; the settlement leaves job_unfinished_idx and cannot be')
})

t.test('finished_at is set exactly when a job is settled', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const { job } = await services.jobs.enqueue(db, { type: 'system.echo', payload: {} })
  await t.rejects(sql`UPDATE job SET status = 'success' WHERE id = ${job.id}`.execute(db), { code: '23514' }, 'settled without finished_at')
  await t.rejects(sql`UPDATE job SET finished_at = now() WHERE id = ${job.id}`.execute(db), { code: '23514' }, 'finished while queued')
  await sql`UPDATE job SET status = 'cancelled', finished_at = now() WHERE id = ${job.id}`.execute(db)
  t.equal((await services.jobs.get(job.id)).status, 'cancelled')
})
