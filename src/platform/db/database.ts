// The Kysely handle. Every table type of every module is listed in Database, so a query
// against a misspelt column fails the typecheck rather than production.
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import type { LlmTables } from '../../modules/ai/llm.table.ts'
import type { IdentityTables } from '../../modules/identity/identity.table.ts'
import type { JobTables } from '../jobs/job.table.ts'
import type { WorklogTables } from '../../modules/worklog/worklog.table.ts'
import type { GamificationTables } from '../../modules/gamification/gamification.table.ts'
import type { ReportsTables } from '../../modules/reports/reports.table.ts'
import type { SkillsTables } from '../../modules/skills/skills.table.ts'
import { withPreparedStatements } from './prepared-statements.ts'
import type { BillingTables } from '../../modules/billing/billing.table.ts'
import type { ImportsTables } from '../../modules/imports/imports.table.ts'

export interface Database extends JobTables, IdentityTables, LlmTables, WorklogTables, GamificationTables, SkillsTables, ReportsTables, BillingTables, ImportsTables {}

export type Db = Kysely<Database>
/** A function taking `Executor` works both inside a caller's transaction and on its own. */
export type Executor = Kysely<Database> | Transaction<Database>
export type Trx = Transaction<Database>

// int8 (count(*), bigint ids) and numeric arrive as strings by default. Our counts and
// ids stay far below 2^53, so our pool parses them as numbers. Only our pool: pg-boss
// shares the pg module and keeps the driver's defaults.
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC])
// A `date` is a calendar day, not an instant. The driver's default makes it local
// midnight, which shifts the day for anyone west of UTC once formatted as ISO; we make
// it midnight UTC, so `toISOString().slice(0, 10)` is the day itself in every zone.
const parseDate = (value: string): Date => new Date(`${value}T00:00:00Z`)
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (NUMBER_TYPES.has(oid)) return (value: string) => Number(value)
    if (oid === pg.types.builtins.DATE) return parseDate
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

/**
 * Two pools on the service's (RLS-bound) role:
 *  - `db`, the platform pool: its connections open with app.platform=on, so the job
 *    platform, workers, the scheduler and sign-in (which runs before a tenant is known)
 *    see every tenant's rows;
 *  - `tenantDb`, for request handlers: it sees nothing until withTenant() sets the
 *    transaction's tenant, so a forgotten WHERE cannot leak another tenant's data.
 */
export interface DatabaseHandle {
  readonly db: Db
  readonly tenantDb: Db
  readonly pool: pg.Pool
  /** Both pools by name, for their connection counts (metrics). */
  readonly pools: { readonly platform: pg.Pool; readonly tenant: pg.Pool }
  close(): Promise<void>
}

/** How long a request waits for a connection before it is told the database is away. */
export const CONNECT_TIMEOUT_MS = 5000

export interface ConnectOptions {
  max?: number
  applicationName?: string
  /** Told about connections lost outside a query (a restart, a failover, pg_terminate_backend). */
  onConnectionLost?: (error: Error) => void
}

function pool (connectionString: string, max: number, applicationName: string, onConnectionLost: (error: Error) => void, options?: string): pg.Pool {
  const created = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    types,
    // Without a bound, a request waits forever for a server that does not answer; with
    // one it fails and is answered 503 (problem-handler.ts).
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options !== undefined && { options }),
  })
  // An idle client that loses its connection: the pool drops it and opens a new one later.
  created.on('error', onConnectionLost)
  // pg-pool takes its idle listener off a client while it is checked out, so a connection
  // that drops between two statements of a transaction would emit 'error' with nobody
  // listening, and an unhandled 'error' ends the process. Every client keeps a listener of
  // its own; the statement in flight (or the next one) fails, and the pool discards the
  // client when it is released, because pg marks it no longer queryable.
  created.on('connect', (client) => { client.on('error', onConnectionLost) })
  return created
}

export function connectDatabase (connectionString: string, options: ConnectOptions = {}): DatabaseHandle {
  const max = options.max ?? 10
  const name = options.applicationName ?? 'afterresume'
  const onConnectionLost = options.onConnectionLost ?? (() => {})
  const platformPool = pool(connectionString, max, `${name}:platform`, onConnectionLost, '-c app.platform=on')
  const tenantPool = pool(connectionString, max, `${name}:tenant`, onConnectionLost)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(platformPool) }) })
  const tenantDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(tenantPool) }) })
  return {
    db,
    tenantDb,
    pool: tenantPool,
    pools: { platform: platformPool, tenant: tenantPool },
    close: async () => {
      await Promise.all([db.destroy(), tenantDb.destroy()])
      // Kysely ends only a pool it ran a query through. One used directly (the RLS check at
      // startup uses `pool`) would keep its idle client, and with it a one-shot CLI command,
      // alive for pg's idle timeout (10 s) after the work is done.
      await Promise.all([platformPool, tenantPool].filter((p) => !p.ended).map((p) => p.end()))
    },
  }
}
