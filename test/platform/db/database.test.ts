import t from 'tap'
import { sql } from 'kysely'
import { connectDatabase } from '../../../src/platform/db/database.ts'
import { createTestDatabase } from '../../helpers/database.ts'
import { eventually } from '../../helpers/services.ts'

t.test('close() ends both pools, also one used only directly (no idle client keeps the process alive)', async (t) => {
  const url = await createTestDatabase(t)
  const observer = connectDatabase(url, { applicationName: 'observer' })
  t.teardown(() => observer.close())
  const handle = connectDatabase(url, { applicationName: 'probe' })
  // As startup's RLS check does: a query on the raw tenant pool, none through Kysely on it.
  await handle.pool.query('SELECT 1')
  await sql`SELECT 1`.execute(handle.db)
  const connected = async () => (await sql<{ application_name: string }>`
    SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'probe:%' ORDER BY 1`.execute(observer.db)).rows.map((r) => r.application_name)
  t.same(await connected(), ['probe:platform', 'probe:tenant'], 'both pools hold an idle connection')
  await handle.close()
  // The server notices a closed connection a moment after the client sends Terminate.
  t.same(await eventually(async () => { const left = await connected(); return left.length === 0 ? left : undefined }, 5000, 'the connections to go'), [])
})
