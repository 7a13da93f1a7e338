import t from 'tap'
import pg from 'pg'
import { migrate, readMigrations } from '../../../src/platform/db/migrate.ts'
import { createTestDatabase } from '../../helpers/database.ts'
import { TEST_SECRET_KEY } from '../../helpers/services.ts'

t.test('re-running migrate on a migrated database is a no-op', async (t) => {
  const url = await createTestDatabase(t)
  const result = await migrate(url, { secretKey: TEST_SECRET_KEY })
  t.same(result.applied, [])
  t.equal(result.current, readMigrations().at(-1)?.version)
})

t.test('two instances migrating a fresh database at once do not race', async (t) => {
  const url = await createTestDatabase(t)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  // Start from an empty database: drop what the template brought.
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS pgboss CASCADE; DROP SCHEMA IF EXISTS ops CASCADE')
  const [a, b] = await Promise.all([migrate(url, { secretKey: TEST_SECRET_KEY }), migrate(url, { secretKey: TEST_SECRET_KEY })])
  const applied = [...a.applied, ...b.applied].sort()
  t.same(applied, readMigrations().map((m) => m.name).sort(), 'each migration applied exactly once between the two')
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migration')
  t.equal(rows[0]?.n, readMigrations().length)
  const views = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.views WHERE table_schema = 'ops' ORDER BY 1")
  t.same(views.rows.map((r) => r.table_name), ['billing_balances', 'credit_ledger_daily', 'failed_jobs', 'job_latency', 'llm_usage_daily', 'queue_depth', 'recent_events', 'schedules', 'tenant_activity'])
  await client.end()
})

t.test('an edited, already-applied migration stops the run', async (t) => {
  const url = await createTestDatabase(t)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query("UPDATE schema_migration SET checksum = 'tampered' WHERE version = 1")
  await client.end()
  await t.rejects(migrate(url, { secretKey: TEST_SECRET_KEY }), /was changed after it was applied/)
})
