// Counts and hashes bytes on their way to a backend, and stops the flow at the size limit.
// Both stores put it between the caller's stream and their sink, so the limit is enforced
// while streaming (not after the fact) and neither needs the whole body in memory.
import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { ObjectTooLargeError } from './storage.types.ts'

export class ByteMeter extends Transform {
  readonly maxBytes: number
  private bytes = 0
  private readonly hash: Hash = createHash('sha256')
  private digest: string | undefined

  constructor (maxBytes: number) {
    super()
    this.maxBytes = maxBytes
  }

  override _transform (chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    this.bytes += buffer.length
    // Erroring here makes pipeline() destroy the source too, so a client still uploading
    // a huge file is cut off at the limit instead of being read to the end.
    if (this.bytes > this.maxBytes) {
      callback(new ObjectTooLargeError(this.maxBytes))
      return
    }
    this.hash.update(buffer)
    callback(null, buffer)
  }

  /** Only meaningful once the stream has ended without error. */
  result (): { size: number; sha256: string } {
    this.digest ??= this.hash.digest('hex')
    return { size: this.bytes, sha256: this.digest }
  }
}
