import { Readable } from 'node:stream'
import t, { type Test } from 'tap'
import { AppError } from '../../../src/platform/errors.ts'
import { readHead, sniffContentType, SNIFF_BYTES } from '../../../src/platform/storage/index.ts'

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))))

const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR')
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0])
const GIF = bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0])
const WEBP = bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')
const PDF = bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3])
const ZIP = bytes('PK', [3, 4, 20, 0, 6, 0], '[Content_Types].xml')
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation'

function rejects (t: Test, first: Buffer, declared: string, filename: string, message?: RegExp): void {
  let caught: unknown
  try {
    const trusted = sniffContentType(first, declared, filename)
    t.fail(`expected a 415 for ${filename} (${declared}), got ${trusted}`)
    return
  } catch (error) {
    caught = error
  }
  t.type(caught, AppError)
  t.match(caught, { status: 415, code: 'unsupported_media_type', field: 'file' }, `${filename} declared ${JSON.stringify(declared)} is refused`)
  if (message !== undefined) t.match((caught as Error).message, message)
}

t.test('binary formats are recognised by their magic bytes', async (t) => {
  t.equal(sniffContentType(PNG, 'image/png', 'shot.png'), 'image/png')
  t.equal(sniffContentType(JPEG, 'image/jpeg', 'photo.JPG'), 'image/jpeg')
  t.equal(sniffContentType(JPEG, 'image/pjpeg', 'photo.jpeg'), 'image/jpeg', 'an alias some browsers send')
  t.equal(sniffContentType(GIF, 'image/gif', 'a.gif'), 'image/gif')
  t.equal(sniffContentType(bytes('GIF87a', [0]), 'image/gif', 'old.gif'), 'image/gif')
  t.equal(sniffContentType(WEBP, 'image/webp', 'a.webp'), 'image/webp')
  t.equal(sniffContentType(PDF, 'application/pdf', 'cv.pdf'), 'application/pdf')
  t.equal(sniffContentType(PDF, 'application/pdf; name="cv.pdf"', 'C:\\Users\\me\\cv.pdf'), 'application/pdf', 'parameters and Windows paths')
})

t.test('a generic or missing declared type defers to the bytes', async (t) => {
  t.equal(sniffContentType(PNG, 'application/octet-stream', 'shot.png'), 'image/png')
  t.equal(sniffContentType(PDF, '', 'cv'), 'application/pdf', 'no extension is fine')
})

t.test('the declared type must agree with the bytes', async (t) => {
  rejects(t, JPEG, 'image/png', 'photo.png', /JPEG image.*image\/png/)
  rejects(t, PNG, 'application/pdf', 'cv.pdf')
  rejects(t, PDF, 'text/html', 'page')
  // RIFF alone is not WebP (WAV and AVI are RIFF too).
  rejects(t, bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), 'image/webp', 'a.webp')
})

t.test('the extension must agree with the bytes', async (t) => {
  rejects(t, PNG, 'application/octet-stream', 'invoice.pdf', /PNG image.*\.pdf/)
  rejects(t, PDF, '', 'run.exe')
})

t.test('ZIP files are accepted only as DOCX, XLSX or PPTX, picked by extension', async (t) => {
  t.equal(sniffContentType(ZIP, DOCX, 'cv.docx'), DOCX)
  t.equal(sniffContentType(ZIP, 'application/octet-stream', 'numbers.xlsx'), XLSX)
  t.equal(sniffContentType(ZIP, 'application/zip', 'deck.PPTX'), PPTX)
  rejects(t, ZIP, 'application/zip', 'archive.zip', /DOCX, XLSX or PPTX/)
  rejects(t, ZIP, DOCX, 'cv', /DOCX/)
  rejects(t, ZIP, XLSX, 'cv.docx', /does not match/)
  rejects(t, PDF, DOCX, 'cv.docx', /PDF/)
  rejects(t, bytes('cv text'), DOCX, 'cv.docx', /content is text/)
})

t.test('text: valid UTF-8 without NUL, subtype from extension or declared type', async (t) => {
  const text = Buffer.from('# Shipped the billing revamp\n\n- cut p95 latency by 40% — “naïve” caching removed 🎉\n')
  t.equal(sniffContentType(text, 'text/plain', 'notes.txt'), 'text/plain; charset=utf-8')
  t.equal(sniffContentType(text, 'text/markdown', 'notes.md'), 'text/markdown; charset=utf-8')
  t.equal(sniffContentType(text, 'text/plain', 'notes.md'), 'text/markdown; charset=utf-8', 'the extension refines a plain claim')
  t.equal(sniffContentType(text, 'application/octet-stream', 'README.markdown'), 'text/markdown; charset=utf-8')
  t.equal(sniffContentType(text, 'text/markdown', 'notes'), 'text/markdown; charset=utf-8', 'no extension: the declared subtype')
  t.equal(sniffContentType(text, '', 'notes'), 'text/plain; charset=utf-8')
  const csv = Buffer.from('date,hours,project\n2024-05-01,3.5,billing\n')
  t.equal(sniffContentType(csv, 'text/csv', 'hours.csv'), 'text/csv; charset=utf-8')
  t.equal(sniffContentType(csv, 'application/vnd.ms-excel', 'hours.csv'), 'text/csv; charset=utf-8', 'what Windows declares for .csv')
  t.equal(sniffContentType(Buffer.alloc(0), 'text/plain', 'empty.txt'), 'text/plain; charset=utf-8')
})

t.test('text that is not what it claims is refused', async (t) => {
  const html = Buffer.from('<!doctype html><script>alert(1)</script>')
  rejects(t, html, 'text/html', 'page.html')
  rejects(t, html, 'text/html', 'page', /does not match/)
  rejects(t, html, 'text/plain', 'page.html', /\.html/)
  rejects(t, html, 'image/svg+xml', 'logo.svg')
  rejects(t, Buffer.from('just words'), 'image/png', 'fake.png', /content is text.*image\/png/)
  rejects(t, Buffer.from('a,b\n1,2\n'), 'text/markdown', 'data.csv', /CSV/)
})

t.test('NUL bytes or invalid UTF-8 make it binary, and unknown binary is refused', async (t) => {
  rejects(t, bytes('hello', [0], 'world'), 'text/plain', 'a.txt')
  rejects(t, bytes('caf', [0xe9], ' au lait'), 'text/plain', 'latin1.txt', /not accepted/)
  rejects(t, bytes([0xc0, 0xaf]), 'text/plain', 'overlong.txt')
  rejects(t, bytes([0x7f], 'ELF', [2, 1, 1, 0]), 'application/octet-stream', 'tool')
  rejects(t, bytes([0x1f, 0x8b, 8, 0]), 'application/gzip', 'logs.txt.gz')
})

t.test('a sample cut inside a multi-byte character is still text', async (t) => {
  const euro = Buffer.from('€') // e2 82 ac
  const sample = Buffer.concat([Buffer.from('price: 5'), euro.subarray(0, 2)])
  t.equal(sniffContentType(sample, 'text/plain', 'prices.txt'), 'text/plain; charset=utf-8')
  const emoji = Buffer.from('🎉') // 4 bytes
  t.equal(sniffContentType(Buffer.concat([Buffer.from('ok '), emoji.subarray(0, 3)]), 'text/plain', 'a.txt'), 'text/plain; charset=utf-8')
  // A truncated character in the middle is not a cut sample, it is broken text.
  rejects(t, Buffer.concat([euro.subarray(0, 2), Buffer.from(' and more')]), 'text/plain', 'broken.txt')
})

t.test('JSON must look like JSON', async (t) => {
  t.equal(sniffContentType(Buffer.from('\uFEFF  {"skills": ["sql"]}'), 'application/json', 'export.json'), 'application/json')
  t.equal(sniffContentType(Buffer.from('[1, 2'), 'text/plain', 'cut.json'), 'application/json', 'a truncated sample is fine')
  t.equal(sniffContentType(Buffer.from('{"a":1}'), 'application/json', 'data'), 'application/json')
  rejects(t, Buffer.from('name: value'), 'application/json', 'config.json', /JSON/)
})

t.test('readHead gives the first bytes and a stream of the whole file', async (t) => {
  const parts = [Buffer.from('%PDF-'), Buffer.from('1.7 body'), Buffer.alloc(20_000, 0x61), Buffer.from('tail')]
  const { head, body } = await readHead(Readable.from(parts), SNIFF_BYTES)
  t.equal(head.length, SNIFF_BYTES)
  t.equal(sniffContentType(head, 'application/pdf', 'x.pdf'), 'application/pdf')
  const all: Buffer[] = []
  for await (const chunk of body) all.push(chunk as Buffer)
  t.ok(Buffer.concat(all).equals(Buffer.concat(parts)), 'nothing lost or repeated')

  const short = await readHead(Readable.from([Buffer.from('tiny')]), SNIFF_BYTES)
  t.equal(short.head.toString(), 'tiny', 'a file shorter than the sample is all head')
  const rest: Buffer[] = []
  for await (const chunk of short.body) rest.push(chunk as Buffer)
  t.equal(Buffer.concat(rest).toString(), 'tiny')
})

t.test('destroying the replay stream releases the source', async (t) => {
  let released = false
  async function * endless (): AsyncGenerator<Buffer> {
    try {
      for (;;) yield Buffer.alloc(1024, 0x61)
    } finally {
      released = true
    }
  }
  const source = Readable.from(endless())
  const { body } = await readHead(source, 100)
  body.destroy()
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(source.destroyed, true)
  await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(released, true)
})
