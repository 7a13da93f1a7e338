// multipart/form-data bodies built by hand for app.inject(): exactly the bytes a browser
// sends, so tests control every header of every part (declared types, odd file names).
import { randomBytes } from 'node:crypto'

export interface FormPart {
  name: string
  /** Present: a file part. Absent: a plain field. */
  filename?: string
  contentType?: string
  data: Buffer | string
}

export function multipartBody (parts: readonly FormPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----afterresume-test-${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`
    if (part.filename !== undefined) head += `; filename="${part.filename}"`
    head += '\r\n'
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, 'utf8'), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** One file part named `file`, the shape the attachment upload expects. */
export function fileUpload (filename: string, contentType: string, data: Buffer | string): { payload: Buffer; headers: Record<string, string> } {
  return multipartBody([{ name: 'file', filename, contentType, data }])
}
