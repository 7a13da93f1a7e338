// Attachments in MinIO or any S3-compatible server, through the `minio` client.
//
// Memory: our side streams (ByteMeter counts, hashes and cuts off at maxBytes), but the
// minio client's putObject collects up to one multipart part before sending it — an S3
// PUT needs its Content-Length up front. We hint the size as maxBytes, so an upload under
// the client's part size (64 MiB) goes out as one PUT of at most maxBytes, and anything
// larger goes out as a multipart upload, one part in memory at a time.
import { Client, S3Error } from 'minio'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import { systemClock, type Clock } from '../clock.ts'
import { ByteMeter } from './byte-meter.ts'
import {
  assertValidKey, assertValidPrefix, assertValidPutOptions, ObjectNotFoundError, StorageArgumentError, StorageUnavailableError,
  type ListedObject, type ObjectBody, type ObjectStore, type PutOptions, type StoredObject,
} from './storage.types.ts'

export interface MinioStoreSettings {
  /** host:port as in MINIO_ENDPOINT; "[::1]:9000" for IPv6; the port defaults to 443/80. */
  readonly endpoint: string
  readonly accessKey: string
  readonly secretKey: string
  readonly secure: boolean
  readonly bucket: string
  /** How long check() waits for the server before calling it unavailable. */
  readonly checkTimeoutMs?: number
}

/** S3's hard ceiling on presigned URL lifetime. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600
/** The client's default part size: below it putObject sends one PUT, above it a multipart upload. */
const SINGLE_PUT_LIMIT = 64 * 1024 * 1024

export class StorageConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StorageConfigError'
  }
}

/** "host:port" → parts, with an actionable message for the usual mistakes (a URL, a path). */
export function parseEndpoint (endpoint: string, secure: boolean): { host: string; port: number } {
  const value = endpoint.trim()
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new StorageConfigError(`MINIO_ENDPOINT must be host:port, not a URL (got "${value}"); use MINIO_SECURE=true for HTTPS.`)
  }
  const match = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value)
  const port = match?.[2] === undefined ? (secure ? 443 : 80) : Number(match[2])
  if (match?.[1] === undefined || port < 1 || port > 65535) {
    throw new StorageConfigError(`MINIO_ENDPOINT must be host:port, e.g. "minio:9000" (got "${value}").`)
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

export class MinioObjectStore implements ObjectStore {
  readonly kind = 'minio' as const
  readonly bucket: string
  private readonly client: Client
  private readonly checkTimeoutMs: number
  /** The time presigned URLs are signed at (their expiry counts from it). */
  private readonly clock: Clock

  constructor (settings: MinioStoreSettings, clock: Clock = systemClock) {
    this.clock = clock
    const { host, port } = parseEndpoint(settings.endpoint, settings.secure)
    this.bucket = settings.bucket
    this.checkTimeoutMs = settings.checkTimeoutMs ?? 5000
    this.client = new Client({
      endPoint: host,
      port,
      useSSL: settings.secure,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      // Path-style (http://host/bucket/key) works for MinIO, s3rver and S3 alike, without
      // wildcard DNS for bucket subdomains.
      pathStyle: true,
    })
  }

  /** Creates the bucket if it is missing, so a fresh MinIO needs no manual setup. */
  async init (): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return
    try {
      await this.client.makeBucket(this.bucket)
    } catch (error) {
      // Another process starting at the same moment may have won the race.
      if (codeOf(error) !== 'BucketAlreadyOwnedByYou') throw error
    }
  }

  async put (key: string, body: Readable, options: PutOptions): Promise<StoredObject> {
    assertValidKey(key)
    assertValidPutOptions(options)
    let before: string | undefined
    try {
      before = await this.etagOf(key)
    } catch (error) {
      body.destroy()
      throw error
    }
    const meter = new ByteMeter(options.maxBytes)
    // Callback pipeline: destroys `body` when the meter fails (the upload is cut off at the
    // limit) and forwards a source error to the meter, which the client then sees.
    pipeline(body, meter, () => {})
    try {
      await this.client.putObject(this.bucket, key, meter, options.maxBytes, { 'Content-Type': options.contentType })
    } catch (error) {
      // The client may have failed before reading everything (e.g. server unreachable).
      meter.destroy()
      await this.discardFailedUpload(key, before, options.maxBytes)
      throw error
    }
    return meter.result()
  }

  async get (key: string): Promise<ObjectBody> {
    assertValidKey(key)
    try {
      const info = await this.client.statObject(this.bucket, key)
      const body = await this.client.getObject(this.bucket, key)
      const contentType = info.metaData['content-type']
      return { body, size: info.size, contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream' }
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key)
      throw error
    }
  }

  async presignedUrl (key: string, seconds: number): Promise<string> {
    assertValidKey(key)
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
      throw new StorageArgumentError(`Presigned URL lifetime must be 1–${MAX_PRESIGN_SECONDS} seconds (got ${seconds}).`)
    }
    return this.client.presignedGetObject(this.bucket, key, seconds, {}, this.clock.now())
  }

  async remove (key: string): Promise<void> {
    assertValidKey(key)
    try {
      await this.client.removeObject(this.bucket, key)
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
  }

  async exists (key: string): Promise<boolean> {
    assertValidKey(key)
    return (await this.etagOf(key)) !== undefined
  }

  async * list (prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix)
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      // With recursive listing every item is an object; the guard only satisfies the type.
      if (item.name === undefined) continue
      yield { key: item.name, size: item.size, lastModified: item.lastModified ?? new Date(0) }
    }
  }

  async check (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.checkTimeoutMs} ms`)), this.checkTimeoutMs)
    })
    try {
      const found = await Promise.race([this.client.bucketExists(this.bucket), timeout])
      if (!found) throw new Error(`bucket "${this.bucket}" does not exist`)
    } catch (error) {
      throw new StorageUnavailableError('Object storage (MinIO/S3) is not reachable.', error)
    } finally {
      clearTimeout(timer)
    }
  }

  private async etagOf (key: string): Promise<string | undefined> {
    try {
      return (await this.client.statObject(this.bucket, key)).etag
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  /**
   * S3 only creates an object when a PUT or a multipart completion succeeds, so a failed
   * putObject normally leaves nothing behind. This makes sure of it: whatever now sits at
   * the key and was not there before the call (compared by ETag, so a previous good
   * version is kept) is removed, and parts of an abandoned multipart upload are dropped.
   */
  private async discardFailedUpload (key: string, etagBefore: string | undefined, maxBytes: number): Promise<void> {
    try {
      const now = await this.etagOf(key)
      if (now !== undefined && now !== etagBefore) await this.client.removeObject(this.bucket, key)
      if (maxBytes > SINGLE_PUT_LIMIT) await this.client.removeIncompleteUpload(this.bucket, key)
    } catch {
      // Best effort: the original error is the one the caller needs to see.
    }
  }
}

function codeOf (error: unknown): string | undefined {
  return error instanceof S3Error || (typeof error === 'object' && error !== null && 'code' in error)
    ? String((error as { code?: unknown }).code)
    : undefined
}

function isNotFound (error: unknown): boolean {
  const code = codeOf(error)
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchObject'
}
