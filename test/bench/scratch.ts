// What every benchmark starts with: the configured or embedded server, a throwaway
// database on it, a header line naming the machine, and the clean-up at the end.
import { randomBytes } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import pg from 'pg'
import { loadConfig, type Config } from '../../src/config.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createLogger } from '../../src/platform/observability/logger.ts'
import { locateDatabase } from '../../src/runtime.ts'

export interface Scratch {
  readonly config: Config
  /** The first scratch database, created (not migrated) by openScratch. */
  readonly url: string
  readonly admin: pg.Client
  /** "PostgreSQL 18.4 (embedded), Node v24…, 2 cores, 24 GiB" for the first line of output. */
  readonly machine: string
  /** Another scratch database, migrated, dropped by close() like the first. */
  another(suffix: string): Promise<string>
  close(): Promise<void>
}

export async function openScratch (prefix: string): Promise<Scratch> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' })
  const location = await locateDatabase(config, createLogger({ level: 'warn' }))
  const admin = new pg.Client({ connectionString: location.url })
  await admin.connect()
  const base = `${prefix}_${randomBytes(4).toString('hex')}`
  const created: string[] = []
  const urlOf = (name: string): string => { const u = new URL(location.url); u.pathname = `/${name}`; return u.toString() }
  const create = async (name: string): Promise<string> => {
    await admin.query(`CREATE DATABASE ${name}`)
    created.push(name)
    return urlOf(name)
  }
  const url = await create(base)
  const { rows: [server] } = await admin.query<{ server_version: string }>('SHOW server_version')
  return {
    config,
    url,
    admin,
    machine: `PostgreSQL ${server?.server_version ?? '?'} (${config.databaseUrl === undefined ? 'embedded' : 'DATABASE_URL'}), Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    async another (suffix) {
      const other = await create(`${base}_${suffix}`)
      await migrate(other, { secretKey: config.secretKey })
      return other
    },
    async close () {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await admin.end()
      if (location.embedded?.owned === true) await location.embedded.stop()
    },
  }
}
