// Per-file databases, Graphile-Worker style: the suite's setup migrates one template
// database; each test file clones it (CREATE DATABASE … TEMPLATE, a file copy, ~100 ms)
// and drops its clone when done, so files run in parallel without seeing each other.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { migrate } from '../../src/platform/db/migrate.ts'

/**
 * Every test process derives the same database app-role password from this key. Here, not
 * in services.ts, so test/run.ts gets it without loading the whole service.
 */
export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789'

export function withDatabase (url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function admin<T> (adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

/**
 * One statement on a connection of its own, as the user in `url`: the database's owner,
 * for what the service's own role may not do (end connections, drop tables, read
 * pg-boss's tables) or for checking rows behind the service's back.
 */
export async function queryOnce<T extends pg.QueryResultRow = pg.QueryResultRow> (url: string, text: string, values: unknown[] = []): Promise<T[]> {
  return admin(url, async (client) => (await client.query<T>(text, values)).rows)
}

export async function buildTemplate (adminUrl: string, template: string, secretKey: string): Promise<void> {
  await admin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${template}`)
  })
  await migrate(withDatabase(adminUrl, template), { secretKey })
}

export async function dropTemplate (adminUrl: string, template: string): Promise<void> {
  await admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`))
}

function runSettings (): { adminUrl: string; template: string } {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL
  const template = process.env.TEST_TEMPLATE_DATABASE
  if (adminUrl === undefined || template === undefined) {
    throw new Error('No test database: run tests through `npm test` (test/run.ts starts PostgreSQL and builds the template), e.g. `npm test -- test/platform/jobs/cancel.test.ts`.')
  }
  return { adminUrl, template }
}

export interface Teardown { teardown(fn: () => Promise<void> | void): void }

export interface TestDatabase { url: string; drop(): Promise<void> }

/** A fresh, migrated database; the caller drops it (after closing its pools). */
export async function cloneTemplate (): Promise<TestDatabase> {
  const { adminUrl, template } = runSettings()
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
    // A test database outlives no crash, so its commits need not wait for the disk; the
    // machine's PostgreSQL, which CI uses, keeps its own settings for everything else.
    await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`)
  })
  return {
    url: withDatabase(adminUrl, name),
    drop: () => admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  }
}

/** An empty database (not migrated), for tests of migrating; dropped when the test ends. */
export async function createEmptyDatabase (t: Teardown): Promise<string> {
  const { adminUrl } = runSettings()
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  t.teardown(() => admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}))
  return withDatabase(adminUrl, name)
}

/** A fresh database for one test, dropped when the test ends. */
export async function createTestDatabase (t: Teardown): Promise<string> {
  const database = await cloneTemplate()
  t.teardown(() => database.drop())
  return database.url
}
