// Decides the content type an upload is stored and served with. The declared type comes
// from the client and the extension from the file name; either alone is trivially forged
// (an HTML page named photo.png, declared image/png, would be served back to other users
// from our origin). So the bytes decide the family — magic numbers for binary formats,
// valid UTF-8 without NUL bytes for text — and the declared type and extension must agree
// with it. Only where bytes cannot tell formats apart (text subtypes, the ZIP-based Office
// formats) does the name pick among types the bytes already allow.
import { AppError } from '../errors.ts'

/** How many leading bytes the caller should pass: enough for every magic number and a fair sample of text. */
export const SNIFF_BYTES = 8192

interface Format {
  readonly mime: string
  readonly label: string
  readonly extensions: readonly string[]
  /** Other declared types clients send for the same thing (browsers and OSes disagree). */
  readonly aliases: readonly string[]
}

interface BinaryFormat extends Format {
  readonly matches: (bytes: Buffer) => boolean
}

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1')
const startsWith = (bytes: Buffer, magic: Buffer | readonly number[], at = 0): boolean => {
  const expected = Buffer.isBuffer(magic) ? magic : Buffer.from(magic)
  return bytes.length >= at + expected.length && bytes.subarray(at, at + expected.length).equals(expected)
}

const BINARY: readonly BinaryFormat[] = [
  { mime: 'image/png', label: 'a PNG image', extensions: ['png'], aliases: [], matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', label: 'a JPEG image', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], aliases: ['image/jpg', 'image/pjpeg'], matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mime: 'image/gif', label: 'a GIF image', extensions: ['gif'], aliases: [], matches: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  { mime: 'image/webp', label: 'a WebP image', extensions: ['webp'], aliases: [], matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  { mime: 'application/pdf', label: 'a PDF document', extensions: ['pdf'], aliases: ['application/x-pdf'], matches: (b) => startsWith(b, ascii('%PDF-')) },
]

/**
 * DOCX/XLSX/PPTX are ZIP archives; the local-file-header magic proves "a ZIP", and the
 * extension says which Office format. Looking for the format's folder inside the archive
 * would need the central directory at the end of the file, which a streamed upload has
 * not received yet when we decide.
 */
const OFFICE: readonly Format[] = [
  { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'a Word document', extensions: ['docx'], aliases: ['application/zip', 'application/x-zip-compressed'] },
  { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'an Excel workbook', extensions: ['xlsx'], aliases: ['application/zip', 'application/x-zip-compressed'] },
  { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', label: 'a PowerPoint presentation', extensions: ['pptx'], aliases: ['application/zip', 'application/x-zip-compressed'] },
]
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

const PLAIN: Format = { mime: 'text/plain', label: 'plain text', extensions: ['txt', 'text', 'log'], aliases: [] }
const TEXT: readonly Format[] = [
  PLAIN,
  { mime: 'text/markdown', label: 'Markdown', extensions: ['md', 'markdown'], aliases: ['text/x-markdown', 'text/plain'] },
  // Windows reports .csv as application/vnd.ms-excel when Excel is installed.
  { mime: 'text/csv', label: 'CSV', extensions: ['csv'], aliases: ['application/csv', 'text/x-csv', 'application/vnd.ms-excel', 'text/plain'] },
  { mime: 'application/json', label: 'JSON', extensions: ['json'], aliases: ['text/json', 'text/plain'] },
]

/** What a client sends when it does not know: no claim to check against. */
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream'])

export const ALLOWED_CONTENT_TYPES: readonly string[] = [...BINARY, ...TEXT, ...OFFICE].map((format) => format.mime)

const ALLOWED_SUMMARY = 'PNG, JPEG, GIF, WebP, PDF, plain text, Markdown, CSV, JSON, DOCX, XLSX or PPTX'

/**
 * Returns the content type to store the file with, or throws a 415 AppError (field `file`).
 * `firstBytes` is the start of the file (SNIFF_BYTES of it, or all of a shorter file).
 * Text types come back with `; charset=utf-8`, since the bytes were checked to be UTF-8.
 */
export function sniffContentType (firstBytes: Buffer, declared: string, filename: string): string {
  const claimed = normalizeMime(declared)
  const extension = extensionOf(filename)

  const binary = BINARY.find((format) => format.matches(firstBytes))
  if (binary !== undefined) return agreeWith(binary, claimed, extension)

  if (startsWith(firstBytes, ZIP_MAGIC)) {
    const office = OFFICE.find((format) => extension !== undefined && format.extensions.includes(extension))
    if (office === undefined) throw unsupported(`ZIP archives are only accepted as DOCX, XLSX or PPTX files (allowed: ${ALLOWED_SUMMARY}).`)
    return agreeWith(office, claimed, extension)
  }

  if (!isUtf8Text(firstBytes)) {
    throw unsupported(`This kind of file is not accepted (allowed: ${ALLOWED_SUMMARY}).`)
  }
  if (!GENERIC.has(claimed) && !TEXT.some((format) => format.mime === claimed || format.aliases.includes(claimed))) {
    throw unsupported(`The file's content is text, which does not match its declared type ${claimed} (allowed: ${ALLOWED_SUMMARY}).`)
  }
  const byExtension = extension === undefined ? undefined : TEXT.find((format) => format.extensions.includes(extension))
  if (extension !== undefined && byExtension === undefined) {
    throw unsupported(`Text files named ".${extension}" are not accepted (allowed: ${ALLOWED_SUMMARY}).`)
  }
  // Without a telling extension the declared type picks the subtype; "text/plain" and an
  // unknown claim both mean plain text, and agreeWith rejects claims that are not text.
  const format = byExtension ?? TEXT.find((candidate) => candidate.mime === claimed) ?? PLAIN
  agreeWith(format, claimed, extension)
  if (format.mime === 'application/json' && !looksLikeJson(firstBytes)) {
    throw unsupported('The file is declared as JSON but does not start with a JSON object or array.')
  }
  return format.mime.startsWith('text/') ? `${format.mime}; charset=utf-8` : format.mime
}

function agreeWith (format: Format, claimed: string, extension: string | undefined): string {
  if (!GENERIC.has(claimed) && claimed !== format.mime && !format.aliases.includes(claimed)) {
    throw unsupported(`The file's content is ${format.label}, which does not match its declared type ${claimed}.`)
  }
  // A binary file with an extension of another type would open in the wrong program
  // when downloaded; a missing extension is harmless.
  if (extension !== undefined && !format.extensions.includes(extension)) {
    throw unsupported(`The file's content is ${format.label}, which does not match its name ending in ".${extension}".`)
  }
  return format.mime
}

function unsupported (message: string): AppError {
  return new AppError(415, 'unsupported_media_type', message, { field: 'file' })
}

function normalizeMime (declared: string): string {
  return (declared.split(';')[0] ?? '').trim().toLowerCase()
}

function extensionOf (filename: string): string | undefined {
  // Some clients send a full path (old browsers: C:\Users\…\cv.pdf).
  const base = filename.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Valid UTF-8 with no NUL byte. The sample may end inside a multi-byte character; that tail is not held against it. */
function isUtf8Text (bytes: Buffer): boolean {
  if (bytes.includes(0)) return false
  try {
    utf8.decode(withoutCutCharacter(bytes))
    return true
  } catch {
    return false
  }
}

function withoutCutCharacter (bytes: Buffer): Buffer {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const byte = bytes[i] ?? 0
    if ((byte & 0xc0) === 0x80) continue
    if (byte < 0xc0) return bytes
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
    return bytes.length - i < needed ? bytes.subarray(0, i) : bytes
  }
  return bytes
}

function looksLikeJson (bytes: Buffer): boolean {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  return text.startsWith('{') || text.startsWith('[')
}
