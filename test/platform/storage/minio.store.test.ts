import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import S3rver from 's3rver'
import t from 'tap'
import {
  createObjectStore, PRESIGNED_URL_SECONDS, StorageArgumentError, StorageUnavailableError,
  type ObjectStore,
} from '../../../src/platform/storage/index.ts'
import { MinioObjectStore, parseEndpoint, StorageConfigError } from '../../../src/platform/storage/minio.store.ts'
import { objectStoreContract } from './object-store.contract.ts'
import { manualClock } from '../../helpers/clock.ts'

/** A real S3-protocol server in-process, on a free port, with its own folder. */
async function startS3 (t: { teardown (fn: () => unknown): void }): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'afterresume-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true })
  const { port } = await server.run()
  let running = true
  const stop = async (): Promise<void> => {
    if (!running) return
    running = false
    await server.close()
  }
  t.teardown(async () => {
    await stop()
    await rm(directory, { recursive: true, force: true })
  })
  return { endpoint: `127.0.0.1:${port}`, stop }
}

// s3rver's built-in account.
const credentials = { accessKey: 'S3RVER', secretKey: 'S3RVER', secure: false }

let bucketCount = 0
const nextBucket = (): string => `attachments-${process.pid}-${++bucketCount}`

t.test('minio store against s3rver', async (t) => {
  const s3 = await startS3(t)

  await t.test('shared contract', async (t) => {
    // A fresh bucket per test, so lists and existence checks see only that test's objects.
    await objectStoreContract(t, async () => createObjectStore({ kind: 'minio', endpoint: s3.endpoint, ...credentials, bucket: nextBucket() }))
  })

  await t.test('init creates a missing bucket; check() needs it', async (t) => {
    const bucket = nextBucket()
    const raw = new MinioObjectStore({ endpoint: s3.endpoint, ...credentials, bucket })
    await t.rejects(raw.check(), { code: 'storage_unavailable' }, 'no bucket yet')
    await raw.init()
    await t.resolves(raw.check())
    await t.resolves(raw.init(), 'init is idempotent')
  })

  await t.test('presigned URLs download the object with plain fetch, and expire', async (t) => {
    const bucket = nextBucket()
    const store: ObjectStore = await createObjectStore({ kind: 'minio', endpoint: s3.endpoint, ...credentials, bucket })
    const bytes = Buffer.from('%PDF-1.7 pretend this is a CV')
    await store.put('tenant-1/cv.pdf', Readable.from([bytes]), { contentType: 'application/pdf', maxBytes: 1024 })
    t.ok(store.presignedUrl, 'the MinIO store serves URLs')
    const url = await store.presignedUrl!('tenant-1/cv.pdf', PRESIGNED_URL_SECONDS)
    t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/attachments-[^/]+\/tenant-1\/cv\.pdf\?/)
    t.match(new URL(url).searchParams.get('X-Amz-Expires'), String(PRESIGNED_URL_SECONDS))
    const response = await fetch(url)
    t.equal(response.status, 200)
    t.equal(response.headers.get('content-type'), 'application/pdf')
    t.ok(Buffer.from(await response.arrayBuffer()).equals(bytes))

    // s3rver does not verify V4 signatures, but it does enforce the expiry we sign in: a
    // one-second link signed (by the store's clock) ten seconds ago has expired.
    const signedEarlier = new MinioObjectStore({ endpoint: s3.endpoint, ...credentials, bucket }, manualClock(new Date(Date.now() - 10_000)))
    const shortLived = await signedEarlier.presignedUrl('tenant-1/cv.pdf', 1)
    const expired = await fetch(shortLived)
    t.equal(expired.status, 403, 'an expired link is refused')
    t.match(await expired.text(), /expired/)

    await t.rejects(store.presignedUrl!('tenant-1/cv.pdf', 0), StorageArgumentError)
    await t.rejects(store.presignedUrl!('tenant-1/cv.pdf', 8 * 24 * 3600), StorageArgumentError)
  })
})

t.test('check() fails once the server is stopped', async (t) => {
  const s3 = await startS3(t)
  const store = await createObjectStore({ kind: 'minio', endpoint: s3.endpoint, ...credentials, bucket: nextBucket() })
  await t.resolves(store.check())
  await s3.stop()
  const error = await store.check().then(() => undefined, (e: unknown) => e)
  t.type(error, StorageUnavailableError)
  t.match(error, { status: 503, code: 'storage_unavailable' })
  t.ok((error as Error).cause, 'the underlying network error is kept as the cause')
})

t.test('createObjectStore fails at startup when the server is unreachable', async (t) => {
  const s3 = await startS3(t)
  await s3.stop()
  await t.rejects(createObjectStore({ kind: 'minio', endpoint: s3.endpoint, ...credentials, bucket: nextBucket() }))
})

t.test('endpoint parsing', async (t) => {
  t.same(parseEndpoint('minio:9000', false), { host: 'minio', port: 9000 })
  t.same(parseEndpoint(' s3.example.com ', true), { host: 's3.example.com', port: 443 })
  t.same(parseEndpoint('s3.example.com', false), { host: 's3.example.com', port: 80 })
  t.same(parseEndpoint('[::1]:9000', false), { host: '::1', port: 9000 })
  t.throws(() => parseEndpoint('http://minio:9000', false), StorageConfigError)
  t.throws(() => parseEndpoint('http://minio:9000', false), { message: /MINIO_SECURE/ })
  t.throws(() => parseEndpoint('minio:99999', false), StorageConfigError)
  t.throws(() => parseEndpoint('minio:9000/bucket', false), StorageConfigError)
  t.throws(() => parseEndpoint('', false), StorageConfigError)
})
