import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { createObjectStore, LocalObjectStore, StorageUnavailableError } from '../../../src/platform/storage/index.ts'
import { generated, objectStoreContract } from './object-store.contract.ts'

async function tempRoot (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'afterresume-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Every file under `dir`, hidden ones included, relative to it. */
async function allFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

t.test('local store: shared contract', async (t) => {
  await objectStoreContract(t, async (t) => createObjectStore({ kind: 'local', root: join(await tempRoot(t), 'files') }))
})

t.test('createObjectStore creates the folder and picks the local backend', async (t) => {
  const root = join(await tempRoot(t), 'nested', 'files')
  const store = await createObjectStore({ kind: 'local', root })
  t.equal(store.kind, 'local')
  t.equal(store.presignedUrl, undefined, 'a folder cannot hand out URLs')
  await t.resolves(store.check())
})

t.test('an object is its file plus a hidden sidecar; failures leave no temp files', async (t) => {
  const root = await tempRoot(t)
  const store = await createObjectStore({ kind: 'local', root })
  await store.put('t1/a.txt', Readable.from([Buffer.from('hello')]), { contentType: 'text/plain; charset=utf-8', maxBytes: 100 })
  await t.rejects(store.put('t1/b.bin', generated(2 * 1024 * 1024).stream, { contentType: 'application/pdf', maxBytes: 1024 }), { code: 'upload_too_large' })
  await t.rejects(store.put('t1/c.bin', generated(1024 * 1024, { failAfter: 128 * 1024 }).stream, { contentType: 'application/pdf', maxBytes: 4 * 1024 * 1024 }))
  t.same(await allFiles(root), ['t1/.a.txt.meta.json', 't1/a.txt'])
  t.equal(await readFile(join(root, 't1', 'a.txt'), 'utf8'), 'hello')
  t.match(JSON.parse(await readFile(join(root, 't1', '.a.txt.meta.json'), 'utf8')), { contentType: 'text/plain; charset=utf-8', size: 5 })
  await store.remove('t1/a.txt')
  t.same(await allFiles(root), [], 'remove deletes the sidecar too')
})

t.test('a file without its sidecar reads as application/octet-stream', async (t) => {
  const root = await tempRoot(t)
  const store = await createObjectStore({ kind: 'local', root })
  await writeFile(join(root, 'orphan.bin'), 'data')
  const got = await store.get('orphan.bin')
  t.equal(got.contentType, 'application/octet-stream')
  got.body.destroy()
})

t.test('check() fails when the folder is gone or is not a folder', async (t) => {
  const root = await tempRoot(t)
  const store = new LocalObjectStore(join(root, 'missing'))
  await t.rejects(store.check(), StorageUnavailableError)
  await t.rejects(store.check(), { status: 503, code: 'storage_unavailable' })
  await writeFile(join(root, 'plain-file'), 'x')
  await t.rejects(new LocalObjectStore(join(root, 'plain-file')).check(), StorageUnavailableError)
})
