// Schema migrations, Graphile-Worker style: numbered SQL files in migrations/ applied
// in order, each in its own transaction, all under one advisory lock so two instances
// starting together never race. Applied files are frozen: a changed checksum stops the
// run instead of silently diverging from what production has.
//
// After the numbered migrations, pg-boss installs or upgrades its own schema, the
// operator views in db/ops/ (derived objects, safe to rebuild) are re-created, and the
// service's RLS-bound login role is created and granted access (roles.ts).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { PgBoss } from 'pg-boss'
import { PGBOSS_SCHEMA } from '../jobs/boss.ts'
import { ensureAppRole } from './roles.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))
const OPS_DIR = fileURLToPath(new URL('../../../db/ops/', import.meta.url))
/** Arbitrary but fixed: every process that migrates this database takes the same lock. */
const MIGRATION_LOCK_ID = 7_402_019_001

export interface MigrationFile { version: number; name: string; sql: string; checksum: string }

export function readMigrations (dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  return files.map((name) => {
    const match = /^(\d{4})_[a-z0-9_]+\.sql$/.exec(name)
    if (match === null) throw new Error(`Migration file "${name}" must be named NNNN_snake_case.sql`)
    const sql = readFileSync(`${dir}/${name}`, 'utf8')
    return { version: Number(match[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
  })
}

export interface MigrateResult { applied: string[]; current: number }

export interface MigrateOptions {
  /** Derives the app role's password (see roles.ts). */
  secretKey: string
  log?: (line: string) => void
}

export async function migrate (connectionString: string, options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {})
  const client = new pg.Client({ connectionString, application_name: 'afterresume:migrate' })
  await client.connect()
  const applied: string[] = []
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID])
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migration (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
    await client.query('COMMENT ON TABLE schema_migration IS \'Numbered files from migrations/ applied to this database (managed by afterresume migrate).\'')
    const done = new Map<number, { name: string; checksum: string }>()
    for (const row of (await client.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migration')).rows) {
      done.set(row.version, row)
    }
    let current = 0
    for (const migration of readMigrations()) {
      const previous = done.get(migration.version)
      if (previous !== undefined) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied (checksum differs). ` +
            'Shipped migrations are frozen: revert the edit and add a new numbered migration instead.')
        }
        current = migration.version
        continue
      }
      await client.query('BEGIN')
      try {
        await client.query(migration.sql)
        await client.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.checksum])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error })
      }
      log(`applied migration ${migration.name}`)
      applied.push(migration.name)
      current = migration.version
    }
    await installPgBoss(connectionString)
    await rebuildOpsViews(client)
    await ensureAppRole(client, options.secretKey)
    return { applied, current }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {})
    await client.end()
  }
}

/** pg-boss owns its schema's layout; starting it once with migrate on installs or upgrades it. */
async function installPgBoss (connectionString: string): Promise<void> {
  const boss = new PgBoss({
    connectionString,
    schema: PGBOSS_SCHEMA,
    application_name: 'afterresume:migrate',
    max: 2,
    migrate: true,
    supervise: false,
    schedule: false,
  })
  boss.on('error', () => {})
  await boss.start()
  await boss.stop({ graceful: false, close: true })
}

async function rebuildOpsViews (client: pg.Client): Promise<void> {
  const files = readdirSync(OPS_DIR).filter((f) => f.endsWith('.sql')).sort()
  await client.query('BEGIN')
  try {
    // Views only: dropping and re-creating them is cheap and lets a view change shape.
    await client.query('DROP SCHEMA IF EXISTS ops CASCADE')
    await client.query('CREATE SCHEMA ops')
    await client.query('COMMENT ON SCHEMA ops IS \'Read-only operator views (queue depth, failures, latency, schedules). Rebuilt by afterresume migrate from db/ops/.\'')
    for (const file of files) await client.query(readFileSync(`${OPS_DIR}/${file}`, 'utf8'))
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw new Error(`Rebuilding the ops views failed: ${(error as Error).message}`, { cause: error })
  }
}
