// The embedded PostgreSQL starts wherever DATA_DIR is: as root (CI) from a folder the
// postgres OS user cannot reach, such as a `mktemp -d` folder, its cluster moves under
// /var/lib/afterresume and is found again on the next start; not as root, it stays in
// DATA_DIR/pg. Real server, real binaries.
import t from 'tap'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/platform/db/embedded.ts'
import { RELOCATION_ROOT, relocatedHomeFor } from '../../../src/platform/db/local-cluster.ts'
import { StartupError } from '../../../src/platform/startup-error.ts'
import { freePort } from '../../helpers/ports.ts'
import { queryOnce } from '../../helpers/database.ts'

const asRoot = process.getuid?.() === 0

/** Like `mktemp -d`: a new folder only its owner may enter (0700). */
function privateFolder (t: { teardown(fn: () => void): void }): string {
  const folder = mkdtempSync(join(tmpdir(), 'afterresume-embedded-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  return folder
}

const layouts = [
  { name: 'is a mktemp -d folder (0700)', dataDir: (folder: string) => folder },
  { name: 'is inside a 0700 folder', dataDir: (folder: string) => join(folder, 'data') },
]

for (const layout of layouts) {
  t.test(`the embedded PostgreSQL starts when DATA_DIR ${layout.name}, and a second start finds the same data`, async (t) => {
    const folder = privateFolder(t)
    t.equal(statSync(folder).mode & 0o777, 0o700, 'the folder is private, as mktemp -d makes it')
    const dataDir = layout.dataDir(folder)
    const port = await freePort()
    let server: EmbeddedDatabase | undefined
    t.teardown(async () => {
      await server?.stop()
      if (asRoot) rmSync(relocatedHomeFor(dataDir), { recursive: true, force: true })
    })

    server = await startEmbeddedPostgres(dataDir, port)
    const clusterDir = server.clusterDir
    t.equal(server.owned, true, 'this process started it')
    if (asRoot) {
      t.match(clusterDir, new RegExp(`^${RELOCATION_ROOT}/[0-9a-f]{12}/pg$`), 'as root, the cluster lives where the postgres user can reach it')
      t.match(server.relocation, /postgres OS user cannot reach/, 'and the reason is given for the log')
    } else {
      t.equal(clusterDir, join(dataDir, 'pg'), 'not as root, the cluster stays in DATA_DIR')
      t.equal(server.relocation, undefined)
    }
    t.ok(existsSync(join(dataDir, 'embedded-pg.json')), 'the credentials stay in DATA_DIR')
    t.same(await queryOnce(server.url, 'SELECT 1 AS one'), [{ one: 1 }], 'it answers a query')
    await queryOnce(server.url, 'CREATE TABLE kept (note text)')
    await queryOnce(server.url, 'INSERT INTO kept VALUES ($1)', ['written before the restart'])

    await server.stop()
    server = undefined
    await t.rejects(queryOnce(`postgres://127.0.0.1:${port}/postgres`, 'SELECT 1'), { code: 'ECONNREFUSED' }, 'stop stops the server')

    server = await startEmbeddedPostgres(dataDir, port)
    t.equal(server.owned, true)
    t.equal(server.clusterDir, clusterDir, 'the second start uses the same cluster')
    t.same(await queryOnce(server.url, 'SELECT note FROM kept'), [{ note: 'written before the restart' }], 'the data survived')

    // The credentials file gone (a checkout deleted and cloned again, while a relocated cluster stays).
    await server.stop()
    server = undefined
    rmSync(join(dataDir, 'embedded-pg.json'))
    const error = await startEmbeddedPostgres(dataDir, port).then(() => undefined, (e: unknown) => e)
    t.type(error, StartupError)
    t.equal((error as Error).message, `The embedded PostgreSQL in ${clusterDir} was made with a password that was kept in DATA_DIR/embedded-pg.json, and that file is gone. Put the file back, or delete ${clusterDir} to start with an empty database.`)
  })
}

t.test('a busy EMBEDDED_PG_PORT fails with one sentence naming the port and the setting', async (t) => {
  const folder = privateFolder(t)
  const port = await freePort()
  const squatter: Server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
  t.teardown(() => { squatter.close() })
  t.teardown(() => rmSync(relocatedHomeFor(folder), { recursive: true, force: true }))
  const error = await startEmbeddedPostgres(folder, port).then(() => undefined, (e: unknown) => e)
  t.type(error, StartupError)
  t.match((error as Error).message, new RegExp(`^Port ${port} of the embedded PostgreSQL is already in use.*EMBEDDED_PG_PORT`))
})
