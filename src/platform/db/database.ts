// The Kysely handle. Every table type of every module is listed in Database, so a query
// against a misspelt column fails the typecheck rather than production.
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import type { JobTables } from '../jobs/job.table.ts'

export interface Database extends JobTables {}

export type Db = Kysely<Database>
/** A function taking `Executor` works both inside a caller's transaction and on its own. */
export type Executor = Kysely<Database> | Transaction<Database>
export type Trx = Transaction<Database>

// int8 (count(*), bigint ids) and numeric arrive as strings by default. Our counts and
// ids stay far below 2^53, so our pool parses them as numbers. Only our pool: pg-boss
// shares the pg module and keeps the driver's defaults.
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC])
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

export interface DatabaseHandle {
  readonly db: Db
  readonly pool: pg.Pool
  close(): Promise<void>
}

export function connectDatabase (connectionString: string, options: { max?: number; applicationName?: string } = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'afterresume',
    types,
  })
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    pool,
    close: async () => { await db.destroy() },
  }
}
