import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import S3rver from 's3rver'
import t, { type Test } from 'tap'
import type { App } from '../../../../src/platform/http/app-instance.ts'
import type { Services } from '../../../../src/runtime.ts'
import { SWEEP_ORPHANS, SWEEP_ORPHANS_SCHEDULE } from '../../../../src/workflows/system/sweep-orphans.ts'
import { signUp, type TestUser } from '../../../helpers/auth.ts'
import { fileUpload, multipartBody } from '../../../helpers/multipart.ts'
import { buildTestApp, eventually, startTestServices } from '../../../helpers/services.ts'
import { client } from '../fixtures.ts'

type Tap = Test

/** Small enough to test cheaply, large enough that a file spans many stream chunks. */
const LIMIT = 200 * 1024

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
/** A "PDF" of random bytes: the magic number decides the type, the rest proves binary fidelity. */
const pdfOf = (size: number): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)])

interface Harness {
  services: Services
  app: App
  owner: TestUser
  worklogId: string
}

async function harness (t: Tap, env: Record<string, string> = {}, worker = false): Promise<Harness> {
  const services = await startTestServices(t, { env: { MAX_UPLOAD_BYTES: String(LIMIT), WORKLOG_AUTO_ANALYZE: 'false', ...env }, worker })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const created = await client(app, owner)('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'Shipped the invoice export' })
  if (created.status !== 201) throw new Error(created.text)
  return { services, app, owner, worklogId: created.body.id }
}

async function upload (h: Harness, user: TestUser, worklogId: string, body: { payload: Buffer | Readable; headers: Record<string, string> }) {
  const response = await h.app.inject({ method: 'POST', url: `/api/worklogs/${worklogId}/attachments/`, headers: { ...user.headers, ...body.headers }, payload: body.payload })
  return { status: response.statusCode, body: response.json(), text: response.body }
}

/** What is stored for a tenant: rows (seen on the platform pool) and objects under its prefix. */
async function stored (h: Harness, tenantId: string): Promise<{ rows: number; objects: string[] }> {
  const rows = await h.services.database.db.selectFrom('attachment').select('id').where('tenant_id', '=', tenantId).execute()
  const objects: string[] = []
  for await (const object of h.services.storage.list(`tenants/${tenantId}/`)) objects.push(object.key)
  return { rows: rows.length, objects }
}

async function objectKeyOf (h: Harness, id: string): Promise<string> {
  const row = await h.services.database.db.selectFrom('attachment').select('object_key').where('id', '=', id).executeTakeFirstOrThrow()
  return row.object_key
}

/** Upload, list, download: the bytes and the SHA-256 that come back are the ones sent. */
async function roundTrip (t: Tap, h: Harness): Promise<{ id: string; bytes: Buffer }> {
  const bytes = pdfOf(150 * 1024)
  const filename = 'Lebenslauf – März (final).pdf'
  const created = await upload(h, h.owner, h.worklogId, fileUpload(filename, 'application/pdf', bytes))
  t.equal(created.status, 201, created.text)
  t.match(created.body, { worklog_id: h.worklogId, filename, content_type: 'application/pdf', size_bytes: bytes.length, sha256: sha256(bytes) })
  t.equal(created.body.download_url, `/api/attachments/${created.body.id as string}/download/`)
  t.ok(await h.services.storage.exists(await objectKeyOf(h, created.body.id)), 'the object is in the store')

  const listed = await client(h.app, h.owner)('GET', `/api/worklogs/${h.worklogId}/attachments/`)
  t.equal(listed.status, 200)
  t.same(listed.body.map((a: { id: string }) => a.id), [created.body.id])

  const download = await h.app.inject({ method: 'GET', url: created.body.download_url, headers: h.owner.headers })
  t.equal(download.statusCode, 200)
  t.ok(download.rawPayload.equals(bytes), 'the same bytes come back')
  t.equal(sha256(download.rawPayload), created.body.sha256, 'and hash to the recorded SHA-256')
  t.equal(download.headers['content-type'], 'application/pdf')
  t.equal(download.headers['content-length'], String(bytes.length))
  t.equal(download.headers['content-disposition'], "attachment; filename*=UTF-8''Lebenslauf%20%E2%80%93%20M%C3%A4rz%20%28final%29.pdf")
  t.equal(download.headers['x-content-type-options'], 'nosniff')
  return { id: created.body.id, bytes }
}

async function runSweep (h: Harness, payload: Record<string, number>): Promise<{ scanned: number; removed: number }> {
  const { job } = await h.services.jobs.enqueue(h.services.database.db, { type: SWEEP_ORPHANS, trigger: 'system', payload })
  const done = await eventually(async () => {
    const row = await h.services.jobs.get(job.id)
    if (row.status === 'failed') throw new Error(`sweep failed: ${JSON.stringify(row.error)}`)
    return row.status === 'success' ? row : undefined
  }, 20_000, 'the sweep job')
  return done.result as { scanned: number; removed: number }
}

t.test('local backend', async (t) => {
  const h = await harness(t, {}, true)
  const call = client(h.app, h.owner)

  await t.test('round trip: bytes and SHA-256 equal; the reward evaluation is queued with the upload', async (t) => {
    const { id } = await roundTrip(t, h)
    const jobs = await h.services.database.db.selectFrom('job').select(['tenant_id', 'user_id', 'payload', 'trace_id'])
      .where('type', '=', 'gamification.reward_evaluate').where('tenant_id', '=', h.owner.tenantId).execute()
    const forUpload = jobs.filter((job) => (job.payload as { trigger?: string }).trigger === 'attachment')
    t.equal(forUpload.length, 1, 'one reward evaluation for the upload')
    t.same(forUpload[0]?.payload, { worklog_id: h.worklogId, trigger: 'attachment' })
    t.equal(forUpload[0]?.user_id, h.owner.id, 'on behalf of the entry\'s author')
    const row = await h.services.database.db.selectFrom('attachment').select(['tenant_id', 'user_id', 'worklog_id', 'size_bytes'])
      .where('id', '=', id).executeTakeFirstOrThrow()
    t.same(row, { tenant_id: h.owner.tenantId, user_id: h.owner.id, worklog_id: h.worklogId, size_bytes: 150 * 1024 }, 'the upload\'s row, in the same tenant as its reward evaluation')
  })

  await t.test('?redirect=true on the local store still streams the bytes', async (t) => {
    const created = await upload(h, h.owner, h.worklogId, fileUpload('notes.md', 'text/markdown', '# Notes\n\nDone.\n'))
    t.equal(created.status, 201, created.text)
    t.equal(created.body.content_type, 'text/markdown; charset=utf-8')
    const download = await h.app.inject({ method: 'GET', url: `${created.body.download_url as string}?redirect=true`, headers: h.owner.headers })
    t.equal(download.statusCode, 200)
    t.equal(download.body, '# Notes\n\nDone.\n')
  })

  await t.test('oversized uploads are 413 naming file, and nothing is stored', async (t) => {
    const before = await stored(h, h.owner.tenantId)
    const tooBig = await upload(h, h.owner, h.worklogId, fileUpload('big.pdf', 'application/pdf', pdfOf(LIMIT + 1)))
    t.equal(tooBig.status, 413, tooBig.text)
    t.match(tooBig.body, { code: 'upload_too_large', field: 'file' })

    // Streamed in small chunks, so the cut happens while the store is already writing.
    const body = fileUpload('big.pdf', 'application/pdf', pdfOf(LIMIT + 50_000))
    const chunks = Array.from({ length: Math.ceil(body.payload.length / 16_384) }, (_, i) => body.payload.subarray(i * 16_384, (i + 1) * 16_384))
    const streamed = await upload(h, h.owner, h.worklogId, {
      headers: body.headers,
      payload: Readable.from((async function * () {
        for (const chunk of chunks) {
          await new Promise((resolve) => setImmediate(resolve))
          yield chunk
        }
      })()),
    })
    t.equal(streamed.status, 413, streamed.text)
    t.match(streamed.body, { code: 'upload_too_large', field: 'file' })
    t.same(await stored(h, h.owner.tenantId), before, 'no row and no object was added')

    const exactly = await upload(h, h.owner, h.worklogId, fileUpload('limit.pdf', 'application/pdf', pdfOf(LIMIT)))
    t.equal(exactly.status, 201, 'a file of exactly MAX_UPLOAD_BYTES is accepted')
    t.equal(exactly.body.size_bytes, LIMIT)
  })

  await t.test('disallowed types are 415 naming file, and nothing is stored', async (t) => {
    const before = await stored(h, h.owner.tenantId)
    const cases: Array<[string, string, Buffer | string]> = [
      ['page.html', 'text/html', '<!doctype html><script>alert(1)</script>'],
      ['setup.exe', 'application/octet-stream', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0)])],
      ['photo.png', 'image/png', '<svg xmlns="http://www.w3.org/2000/svg"></svg>'],
      ['cv.pdf', 'application/pdf', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ]
    for (const [filename, type, data] of cases) {
      const reply = await upload(h, h.owner, h.worklogId, fileUpload(filename, type, data))
      t.equal(reply.status, 415, `${filename}: ${reply.text}`)
      t.match(reply.body, { code: 'unsupported_media_type', field: 'file' })
    }
    t.same(await stored(h, h.owner.tenantId), before, 'no row and no object was added')
  })

  await t.test('a missing file part, an empty file or a JSON body is a 400 naming file', async (t) => {
    const before = await stored(h, h.owner.tenantId)
    const fieldOnly = await upload(h, h.owner, h.worklogId, multipartBody([{ name: 'note', data: 'no file here' }]))
    t.equal(fieldOnly.status, 400, fieldOnly.text)
    t.equal(fieldOnly.body.field, 'file')
    const wrongName = await upload(h, h.owner, h.worklogId, multipartBody([{ name: 'upload', filename: 'a.txt', contentType: 'text/plain', data: 'hello' }]))
    t.equal(wrongName.status, 400)
    t.equal(wrongName.body.field, 'file')
    const empty = await upload(h, h.owner, h.worklogId, fileUpload('empty.txt', 'text/plain', ''))
    t.equal(empty.status, 400)
    t.equal(empty.body.field, 'file')
    const json = await call('POST', `/api/worklogs/${h.worklogId}/attachments/`, { file: 'aGVsbG8=' })
    t.equal(json.status, 400)
    t.equal(json.body.field, 'file')
    t.same(await stored(h, h.owner.tenantId), before)
  })

  await t.test('a truncated upload is a 400 naming file, and nothing is stored', async (t) => {
    const before = await stored(h, h.owner.tenantId)
    const small = fileUpload('notes.txt', 'text/plain', 'hello, this upload is cut off before its end')
    const large = fileUpload('big.pdf', 'application/pdf', pdfOf(100_000))
    const cuts: Array<[string, { payload: Buffer; headers: Record<string, string> }]> = [
      ['inside a small file', { headers: small.headers, payload: small.payload.subarray(0, small.payload.length - 60) }],
      ['inside a file larger than one chunk', { headers: large.headers, payload: large.payload.subarray(0, 60_000) }],
      ['inside the part headers', { headers: small.headers, payload: small.payload.subarray(0, 60) }],
    ]
    for (const [where, body] of cuts) {
      const reply = await upload(h, h.owner, h.worklogId, body)
      t.equal(reply.status, 400, `${where}: ${reply.text}`)
      t.match(reply.body, { code: 'invalid_multipart', field: 'file' }, where)
    }
    t.same(await stored(h, h.owner.tenantId), before, 'no row and no object was added')
  })

  await t.test('bidirectional controls are stripped from file names, like other control characters', async (t) => {
    const cases: Array<[string, string]> = [
      ['invoice\u202Efdp.txt', 'invoicefdp.txt'],
      ['\u202Areport\u202C.txt', 'report.txt'],
      ['a\u2066b\u2067c\u2068d\u2069.txt', 'abcd.txt'],
      ['\u200Fnotes\u200E.txt', 'notes.txt'],
      ['tab\there.txt', 'tabhere.txt'],
    ]
    for (const [sent, kept] of cases) {
      const reply = await upload(h, h.owner, h.worklogId, fileUpload(sent, 'text/plain', 'plain text'))
      t.equal(reply.status, 201, reply.text)
      t.equal(reply.body.filename, kept, JSON.stringify(sent))
    }
  })

  await t.test('when the row cannot be written (the work log was deleted mid-upload), the stored object is removed', async (t) => {
    const doomed = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-09', content: 'Deleted while its file uploads' })
    t.equal(doomed.status, 201)
    const body = fileUpload('late.pdf', 'application/pdf', pdfOf(100 * 1024))
    const half = Math.floor(body.payload.length / 2)
    const reply = await upload(h, h.owner, doomed.body.id, {
      headers: body.headers,
      payload: Readable.from((async function * () {
        yield body.payload.subarray(0, half)
        // The work log check has passed and the bytes are flowing into the store.
        const removed = await call('DELETE', `/api/worklogs/${doomed.body.id as string}/`)
        if (removed.status !== 204) throw new Error(removed.text)
        yield body.payload.subarray(half)
      })()),
    })
    t.equal(reply.status, 404, reply.text)
    t.equal(reply.body.field, 'worklog_id')
    const objects: string[] = []
    for await (const object of h.services.storage.list(`tenants/${h.owner.tenantId}/worklogs/${doomed.body.id as string}/`)) objects.push(object.key)
    t.same(objects, [], 'no object is left behind')
  })

  await t.test('delete removes the row and the object', async (t) => {
    const created = await upload(h, h.owner, h.worklogId, fileUpload('log.txt', 'text/plain', 'line 1\nline 2\n'))
    t.equal(created.status, 201)
    const key = await objectKeyOf(h, created.body.id)
    t.ok(await h.services.storage.exists(key))
    const removed = await call('DELETE', `/api/attachments/${created.body.id as string}/`)
    t.equal(removed.status, 204)
    t.notOk(await h.services.storage.exists(key), 'the object is gone')
    t.equal((await call('GET', created.body.download_url)).status, 404)
    t.equal((await call('DELETE', `/api/attachments/${created.body.id as string}/`)).status, 404, 'a second delete is a 404')
  })

  await t.test('another tenant\'s work log and attachments are 404s, and nothing of theirs is stored', async (t) => {
    const mine = await upload(h, h.owner, h.worklogId, fileUpload('mine.txt', 'text/plain', 'private'))
    t.equal(mine.status, 201)
    const stranger = await signUp(h.app, h.services)
    const theirs = client(h.app, stranger)
    t.equal((await theirs('GET', `/api/worklogs/${h.worklogId}/attachments/`)).status, 404)
    t.equal((await theirs('GET', mine.body.download_url)).status, 404)
    t.equal((await theirs('DELETE', `/api/attachments/${mine.body.id as string}/`)).status, 404)
    const intoMine = await upload(h, stranger, h.worklogId, fileUpload('x.txt', 'text/plain', 'sneaky'))
    t.equal(intoMine.status, 404)
    t.equal(intoMine.body.field, 'worklog_id')
    t.same(await stored(h, stranger.tenantId), { rows: 0, objects: [] })
    t.equal((await call('GET', mine.body.download_url)).status, 200, 'still there for its owner')
  })

  await t.test('a reader may download but not upload or delete', async (t) => {
    // Its own attachment, not whatever sibling tests left behind.
    const shared = await upload(h, h.owner, h.worklogId, fileUpload('for-readers.txt', 'text/plain', 'readable'))
    t.equal(shared.status, 201)
    const reader = await signUp(h.app, h.services, { tenantId: h.owner.tenantId, role: 'read_only' })
    const asReader = client(h.app, reader)
    const listed = await asReader('GET', `/api/worklogs/${h.worklogId}/attachments/`, undefined, { 'x-tenant-id': h.owner.tenantId })
    t.equal(listed.status, 200)
    t.ok(listed.body.some((a: { id: string }) => a.id === shared.body.id), 'the reader sees it listed')
    const downloaded = await h.app.inject({ method: 'GET', url: shared.body.download_url, headers: { ...reader.headers, 'x-tenant-id': h.owner.tenantId } })
    t.equal(downloaded.statusCode, 200)
    t.equal(downloaded.body, 'readable')
    const refused = await upload(h, reader, h.worklogId, fileUpload('r.txt', 'text/plain', 'reader'))
    t.equal(refused.status, 403)
    t.equal((await asReader('DELETE', `/api/attachments/${shared.body.id as string}/`, undefined, { 'x-tenant-id': h.owner.tenantId })).status, 403)
  })

  await t.test('the orphan sweep removes unreferenced old objects and keeps referenced and young ones', async (t) => {
    const kept = await upload(h, h.owner, h.worklogId, fileUpload('kept.txt', 'text/plain', 'referenced'))
    t.equal(kept.status, 201)
    const keptKey = await objectKeyOf(h, kept.body.id)
    const orphan = `tenants/${h.owner.tenantId}/worklogs/${h.worklogId}/orphan-${Date.now()}`
    await h.services.storage.put(orphan, Readable.from([Buffer.from('nobody points at me')]), { contentType: 'text/plain', maxBytes: 100 })

    const young = await runSweep(h, {})
    t.equal(young.removed, 0, 'with the default age nothing this fresh is touched')
    t.ok(await h.services.storage.exists(orphan))

    const swept = await runSweep(h, { min_age_seconds: 0 })
    t.equal(swept.removed, 1, 'exactly the orphan')
    t.ok(swept.scanned >= 2)
    t.notOk(await h.services.storage.exists(orphan), 'the orphan is gone')
    t.ok(await h.services.storage.exists(keptKey), 'the referenced object stays')
    t.equal((await call('GET', kept.body.download_url)).status, 200)
  })

  await t.test('the daily sweep schedule exists once, however many workers start', async (t) => {
    await startTestServices(t, { url: h.services.url, worker: true })
    const schedules = (await h.services.schedules.list({ tenantId: null })).filter((s) => s.name === SWEEP_ORPHANS_SCHEDULE)
    t.equal(schedules.length, 1)
    t.match(schedules[0], { job_type: SWEEP_ORPHANS, cron: '0 0 * * *', enabled: true })
  })

  await t.test('/api/readyz reports storage ok', async (t) => {
    const ready = await h.app.inject({ method: 'GET', url: '/api/readyz' })
    t.equal(ready.statusCode, 200, ready.body)
    t.equal(ready.json().checks.storage.status, 'ok')
  })
})

t.test('MinIO backend (s3rver)', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'afterresume-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true })
  const { port } = await server.run()
  let running = true
  t.teardown(async () => {
    if (running) await server.close()
    await rm(directory, { recursive: true, force: true })
  })
  // The bucket does not exist yet: starting the services creates it.
  const h = await harness(t, { MINIO_ENDPOINT: `127.0.0.1:${port}`, MINIO_ACCESS_KEY: 'S3RVER', MINIO_SECRET_KEY: 'S3RVER', MINIO_BUCKET: `attachments-${process.pid}` })
  t.equal(h.services.storage.kind, 'minio')

  await t.test('round trip: bytes and SHA-256 equal', async (t) => {
    const { id, bytes } = await roundTrip(t, h)
    const redirect = await h.app.inject({ method: 'GET', url: `/api/attachments/${id}/download/?redirect=true`, headers: h.owner.headers })
    t.equal(redirect.statusCode, 302)
    const location = String(redirect.headers.location)
    t.match(new URL(location).searchParams.get('X-Amz-Expires'), '300', 'the presigned URL lives 5 minutes')
    const direct = await fetch(location)
    t.equal(direct.status, 200)
    t.ok(Buffer.from(await direct.arrayBuffer()).equals(bytes), 'the presigned URL serves the same bytes')
  })

  await t.test('oversized and disallowed uploads store nothing', async (t) => {
    const before = await stored(h, h.owner.tenantId)
    const tooBig = await upload(h, h.owner, h.worklogId, fileUpload('big.pdf', 'application/pdf', pdfOf(LIMIT + 1)))
    t.equal(tooBig.status, 413)
    t.equal(tooBig.body.field, 'file')
    const html = await upload(h, h.owner, h.worklogId, fileUpload('page.html', 'text/html', '<html></html>'))
    t.equal(html.status, 415)
    t.equal(html.body.field, 'file')
    t.same(await stored(h, h.owner.tenantId), before)
  })

  await t.test('delete removes the object', async (t) => {
    const created = await upload(h, h.owner, h.worklogId, fileUpload('delete-me.txt', 'text/plain', 'bye'))
    t.equal(created.status, 201)
    const key = await objectKeyOf(h, created.body.id)
    t.ok(await h.services.storage.exists(key))
    t.equal((await client(h.app, h.owner)('DELETE', `/api/attachments/${created.body.id as string}/`)).status, 204)
    t.notOk(await h.services.storage.exists(key))
  })

  await t.test('/api/readyz checks the bucket: ok, then failing once the server is gone', async (t) => {
    const ready = await h.app.inject({ method: 'GET', url: '/api/readyz' })
    t.equal(ready.json().checks.storage.status, 'ok')
    running = false
    await server.close()
    const down = await h.app.inject({ method: 'GET', url: '/api/readyz' })
    t.equal(down.statusCode, 503)
    t.match(down.json(), { status: 'fail', failing: ['storage'] })
  })
})
