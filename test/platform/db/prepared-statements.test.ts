import t from 'tap'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { withPreparedStatements } from '../../../src/platform/db/prepared-statements.ts'
import { createTestDatabase, type Teardown } from '../../helpers/database.ts'

// One connection, so every statement below runs on the session whose
// pg_prepared_statements the test reads. The pool is ended before the database is
// dropped, in one teardown: a drop terminates connections still open, and the client
// would hear 57P01 with no query to report it to.
async function oneConnection (t: Teardown, limit?: number): Promise<Kysely<object>> {
  const drops: Array<() => Promise<void> | void> = []
  const url = await createTestDatabase({ teardown: (fn) => { drops.push(fn) } })
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool, limit) }) })
  t.teardown(async () => {
    await db.destroy()
    for (const drop of drops) await drop()
  })
  return db
}

async function preparedTexts (db: Kysely<object>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'k\\_%' ORDER BY statement`.execute(db)
  return rows.map((row) => row.statement)
}

t.test('a data statement is prepared once per connection and reused with new parameters', async (t) => {
  const db = await oneConnection(t)
  const answers: number[] = []
  for (const n of [1, 2, 3]) answers.push((await sql<{ n: number }>`SELECT ${n}::int + 1 AS n`.execute(db)).rows[0]!.n)
  t.same(answers, [2, 3, 4], 'each execution binds its own parameter')
  // The listing query itself is a SELECT, so it is prepared too.
  t.same(await preparedTexts(db), [
    'SELECT $1::int + 1 AS n',
    "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'k\\_%' ORDER BY statement",
  ], 'one statement for the three executions (and the listing itself, also a SELECT)')
})

t.test('transaction control is not prepared, and a transaction still rolls back', async (t) => {
  const db = await oneConnection(t)
  await sql`CREATE TEMP TABLE note (body text)`.execute(db)
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO note VALUES ('kept')`.execute(trx)
  })
  await t.rejects(db.transaction().execute(async (trx) => {
    await sql`INSERT INTO note VALUES ('undone')`.execute(trx)
    throw new Error('abandon')
  }), { message: 'abandon' })
  t.same((await sql<{ body: string }>`SELECT body FROM note`.execute(db)).rows, [{ body: 'kept' }])
  const texts = await preparedTexts(db)
  t.notOk(texts.some((text) => /^(begin|commit|rollback|create)/i.test(text)), 'BEGIN, COMMIT, ROLLBACK and DDL run unnamed')
  t.same(texts.filter((text) => text.startsWith('INSERT')), ["INSERT INTO note VALUES ('kept')", "INSERT INTO note VALUES ('undone')"])
})

t.test('past its limit a connection runs new texts unnamed instead of preparing more', async (t) => {
  const db = await oneConnection(t, 2)
  for (const n of [1, 2, 3, 4]) await sql.raw(`SELECT ${n} AS n`).execute(db)
  t.same(await preparedTexts(db), ['SELECT 1 AS n', 'SELECT 2 AS n'], 'only the first two texts were prepared')
  t.same((await sql.raw<{ n: number }>('SELECT 4 AS n').execute(db)).rows, [{ n: 4 }], 'a text past the limit still runs')
})
