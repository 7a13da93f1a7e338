// The behaviour every ObjectStore must have, run against each backend by its own test
// file with a factory. Keeping one suite means a backend cannot quietly differ (e.g. on
// what a failed upload leaves behind) without a test going red.
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Test } from 'tap'
import { AppError } from '../../../src/platform/errors.ts'
import { ObjectNotFoundError, StorageArgumentError, type ObjectStore } from '../../../src/platform/storage/index.ts'

type TapTest = Test
export type StoreFactory = (t: TapTest) => Promise<ObjectStore>

const MiB = 1024 * 1024

/**
 * `total` bytes of deterministic pseudo-random data in 64 KiB chunks, produced on demand.
 * `stats` records how much was pulled and whether the consumer let go early (finally ran
 * without reaching the end), and the hash of what was produced, so the test never needs
 * the data itself in memory.
 */
export function generated (total: number, options: { failAfter?: number } = {}) {
  const stats = { pulled: 0, completed: false, released: false, sha256: '' }
  const hash = createHash('sha256')
  async function * chunks (): AsyncGenerator<Buffer> {
    let state = 0x9e3779b9
    try {
      while (stats.pulled < total) {
        if (options.failAfter !== undefined && stats.pulled >= options.failAfter) throw new Error('client went away')
        const size = Math.min(64 * 1024, total - stats.pulled)
        const words = Buffer.allocUnsafe(Math.ceil(size / 4) * 4)
        for (let i = 0; i < words.length; i += 4) {
          // xorshift32: cheap, deterministic, incompressible enough for a storage test.
          state ^= state << 13; state ^= state >>> 17; state ^= state << 5
          state >>>= 0
          words.writeUInt32LE(state, i)
        }
        const chunk = words.subarray(0, size)
        hash.update(chunk)
        stats.pulled += size
        yield chunk
      }
      stats.completed = true
      stats.sha256 = hash.digest('hex')
    } finally {
      if (!stats.completed) stats.released = true
    }
  }
  return { stream: Readable.from(chunks()), stats }
}

export async function digestOf (body: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of body) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { size, sha256: hash.digest('hex') }
}

async function readAll (body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function keys (store: ObjectStore, prefix: string): Promise<string[]> {
  const found: string[] = []
  for await (const item of store.list(prefix)) found.push(item.key)
  return found
}

function sha256 (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export async function objectStoreContract (t: TapTest, makeStore: StoreFactory): Promise<void> {
  await t.test('round trip: a 3 MB random file comes back byte for byte', async (t) => {
    const store = await makeStore(t)
    const bytes = randomBytes(3 * MiB + 17)
    const stored = await store.put('tenant-1/logs/round-trip.bin', Readable.from([bytes]), { contentType: 'application/pdf', maxBytes: 4 * MiB })
    t.same(stored, { size: bytes.length, sha256: sha256(bytes) }, 'put reports the size and SHA-256 of what it stored')
    const got = await store.get('tenant-1/logs/round-trip.bin')
    t.equal(got.size, bytes.length)
    t.equal(got.contentType, 'application/pdf')
    const back = await readAll(got.body)
    t.ok(back.equals(bytes), 'same bytes')
    t.equal(sha256(back), stored.sha256)
    t.equal(await store.exists('tenant-1/logs/round-trip.bin'), true)
  })

  await t.test('put streams from a generator and keeps the content type with its parameters', async (t) => {
    const store = await makeStore(t)
    const source = generated(5 * MiB + 3)
    const stored = await store.put('tenant-1/stream.md', source.stream, { contentType: 'text/markdown; charset=utf-8', maxBytes: 6 * MiB })
    t.equal(source.stats.completed, true)
    t.same(stored, { size: 5 * MiB + 3, sha256: source.stats.sha256 })
    const got = await store.get('tenant-1/stream.md')
    t.equal(got.contentType, 'text/markdown; charset=utf-8')
    t.same(await digestOf(got.body), stored)
  })

  await t.test('an empty file is an object too', async (t) => {
    const store = await makeStore(t)
    const stored = await store.put('tenant-1/empty.txt', Readable.from([]), { contentType: 'text/plain; charset=utf-8', maxBytes: 10 })
    t.same(stored, { size: 0, sha256: sha256(Buffer.alloc(0)) })
    const got = await store.get('tenant-1/empty.txt')
    t.equal(got.size, 0)
    t.equal((await readAll(got.body)).length, 0)
  })

  await t.test('exactly maxBytes is accepted', async (t) => {
    const store = await makeStore(t)
    const bytes = randomBytes(4096)
    const stored = await store.put('tenant-1/exact.bin', Readable.from([bytes]), { contentType: 'application/pdf', maxBytes: 4096 })
    t.equal(stored.size, 4096)
  })

  await t.test('an oversized upload is cut off early and leaves nothing behind', async (t) => {
    const store = await makeStore(t)
    const source = generated(64 * MiB)
    await t.rejects(
      store.put('tenant-2/big/too-large.bin', source.stream, { contentType: 'application/pdf', maxBytes: 1 * MiB }),
      { status: 413, code: 'upload_too_large', field: 'file' }
    )
    // Stream buffers let a little more than the limit through, never the whole upload.
    t.ok(source.stats.pulled < 4 * MiB, `stopped reading the source early (${source.stats.pulled} bytes pulled)`)
    t.equal(source.stats.released, true, 'the source stream was destroyed')
    t.equal(await store.exists('tenant-2/big/too-large.bin'), false)
    t.same(await keys(store, 'tenant-2/'), [], 'list shows nothing')
    await t.rejects(store.get('tenant-2/big/too-large.bin'), ObjectNotFoundError)
  })

  await t.test('a failed upload keeps the previous object at that key', async (t) => {
    const store = await makeStore(t)
    const original = Buffer.from('version one')
    await store.put('tenant-2/keep.txt', Readable.from([original]), { contentType: 'text/plain; charset=utf-8', maxBytes: 1 * MiB })
    await t.rejects(
      store.put('tenant-2/keep.txt', generated(3 * MiB).stream, { contentType: 'application/pdf', maxBytes: 1 * MiB }),
      { code: 'upload_too_large' }
    )
    await t.rejects(
      store.put('tenant-2/keep.txt', generated(1 * MiB, { failAfter: 256 * 1024 }).stream, { contentType: 'application/pdf', maxBytes: 2 * MiB }),
      { message: 'client went away' }
    )
    const got = await store.get('tenant-2/keep.txt')
    t.equal(got.contentType, 'text/plain; charset=utf-8')
    t.ok((await readAll(got.body)).equals(original))
    t.same(await keys(store, 'tenant-2/'), ['tenant-2/keep.txt'])
  })

  await t.test('a source that fails mid-stream stores nothing', async (t) => {
    const store = await makeStore(t)
    await t.rejects(
      store.put('tenant-3/broken.bin', generated(2 * MiB, { failAfter: 512 * 1024 }).stream, { contentType: 'application/pdf', maxBytes: 4 * MiB }),
      { message: 'client went away' }
    )
    t.equal(await store.exists('tenant-3/broken.bin'), false)
    t.same(await keys(store, 'tenant-3/'), [])
  })

  await t.test('remove deletes, and removing again is fine', async (t) => {
    const store = await makeStore(t)
    await store.put('tenant-4/gone.txt', Readable.from([Buffer.from('bye')]), { contentType: 'text/plain', maxBytes: 100 })
    t.equal(await store.exists('tenant-4/gone.txt'), true)
    await store.remove('tenant-4/gone.txt')
    t.equal(await store.exists('tenant-4/gone.txt'), false)
    await t.rejects(store.get('tenant-4/gone.txt'), { status: 404, code: 'not_found' })
    t.same(await keys(store, 'tenant-4/'), [])
    await t.resolves(store.remove('tenant-4/gone.txt'))
  })

  await t.test('get of a missing key is a 404 AppError', async (t) => {
    const store = await makeStore(t)
    const error = await store.get('tenant-5/never-written.pdf').then(() => undefined, (e: unknown) => e)
    t.type(error, ObjectNotFoundError)
    t.type(error, AppError)
    t.match(error, { status: 404, code: 'not_found', key: 'tenant-5/never-written.pdf' })
    t.notMatch((error as Error).message, /tenant-5/, 'the key is not in the client-facing message')
    t.equal(await store.exists('tenant-5/never-written.pdf'), false)
  })

  await t.test('list returns the objects under a prefix in key order, with size and time', async (t) => {
    const store = await makeStore(t)
    const started = Date.now()
    const put = (key: string, text: string) => store.put(key, Readable.from([Buffer.from(text)]), { contentType: 'text/plain', maxBytes: 100 })
    await put('p/a/2.txt', 'two')
    await put('p/a/1.txt', 'one')
    await put('p/a/deep/x.txt', 'deep')
    await put('p/ab.txt', 'ab!!')
    await put('p/b/1.txt', 'b1')
    await put('q/1.txt', 'q')
    t.same(await keys(store, 'p/a/'), ['p/a/1.txt', 'p/a/2.txt', 'p/a/deep/x.txt'])
    // A plain string prefix, as in S3: "p/a" also matches "p/ab.txt", and "/" sorts before "b".
    t.same(await keys(store, 'p/a'), ['p/a/1.txt', 'p/a/2.txt', 'p/a/deep/x.txt', 'p/ab.txt'])
    t.same(await keys(store, 'p/'), ['p/a/1.txt', 'p/a/2.txt', 'p/a/deep/x.txt', 'p/ab.txt', 'p/b/1.txt'])
    t.same(await keys(store, 'nothing/'), [])
    t.same((await keys(store, '')).length, 6)
    const listed: Array<{ key: string; size: number; lastModified: Date }> = []
    for await (const item of store.list('p/a/1')) listed.push(item)
    t.equal(listed.length, 1)
    t.equal(listed[0]?.size, 3)
    t.type(listed[0]?.lastModified, Date)
    // S3 reports whole seconds, so allow the rounding.
    t.ok(Math.abs((listed[0]?.lastModified.getTime() ?? 0) - started) < 60_000, 'lastModified is about now')
  })

  await t.test('bad keys are programming errors', async (t) => {
    const store = await makeStore(t)
    for (const key of ['../escape.txt', 'a/../../etc/passwd', '/absolute.txt', 'a//b.txt', 'a/.hidden', '.meta.json', 'with space.txt', 'a\\b.txt', '', 'x'.repeat(600), 'trailing/']) {
      await t.rejects(store.put(key, Readable.from([Buffer.from('x')]), { contentType: 'text/plain', maxBytes: 10 }), StorageArgumentError, `put ${JSON.stringify(key.slice(0, 30))}`)
      await t.rejects(store.get(key), StorageArgumentError)
      await t.rejects(store.exists(key), StorageArgumentError)
      await t.rejects(store.remove(key), StorageArgumentError)
    }
    await t.rejects(keys(store, '../'), StorageArgumentError)
    await t.rejects(store.put('ok.txt', Readable.from([]), { contentType: 'text/plain', maxBytes: 0 }), StorageArgumentError)
    await t.rejects(store.put('ok.txt', Readable.from([]), { contentType: 'not a type', maxBytes: 10 }), StorageArgumentError)
  })

  await t.test('check() passes on a working store', async (t) => {
    const store = await makeStore(t)
    await t.resolves(store.check())
  })
}
