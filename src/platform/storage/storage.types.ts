// The one interface attachment bytes go through. The worklog module owns the rows that
// point at objects (key, size, sha256, content type); a store only keeps bytes, so it has
// no database code and can be swapped (local folder ⇄ MinIO/S3) by configuration alone.
import type { Readable } from 'node:stream'
import { AppError, NotFoundError } from '../errors.ts'

export interface PutOptions {
  /** Already checked by `sniffContentType`: stores never look inside the bytes. */
  readonly contentType: string
  /** Upper bound on the body; the upload is aborted as soon as one byte more arrives. */
  readonly maxBytes: number
}

export interface StoredObject {
  readonly size: number
  /** Lowercase hex SHA-256 of exactly the bytes stored. */
  readonly sha256: string
}

export interface ObjectBody {
  readonly body: Readable
  readonly size: number
  readonly contentType: string
}

export interface ListedObject {
  readonly key: string
  readonly size: number
  readonly lastModified: Date
}

export interface ObjectStore {
  readonly kind: 'local' | 'minio'
  /**
   * Streams `body` into `key`, replacing any object there only once the whole body has
   * arrived within `maxBytes`. On any failure (too large, source error) the key is left as
   * it was before the call and `body` is destroyed.
   */
  put (key: string, body: Readable, options: PutOptions): Promise<StoredObject>
  /** Throws ObjectNotFoundError for a missing key. The caller must consume or destroy `body`. */
  get (key: string): Promise<ObjectBody>
  /** A time-limited GET URL the client can download from directly; only stores that serve HTTP have one. */
  presignedUrl?(key: string, seconds: number): Promise<string>
  /** Idempotent: removing a missing key is not an error (a retried cleanup job must succeed). */
  remove (key: string): Promise<void>
  exists (key: string): Promise<boolean>
  /** Every object whose key starts with `prefix` (plain string prefix, like S3), in key order. */
  list (prefix: string): AsyncIterable<ListedObject>
  /** Readiness probe: resolves when the store can serve requests, throws StorageUnavailableError otherwise. */
  check (): Promise<void>
}

export class ObjectTooLargeError extends AppError {
  readonly maxBytes: number
  constructor (maxBytes: number) {
    super(413, 'upload_too_large', `The file is larger than the ${formatBytes(maxBytes)} limit.`, { field: 'file' })
    this.name = 'ObjectTooLargeError'
    this.maxBytes = maxBytes
  }
}

/** The key stays out of the message: keys carry tenant and record ids that a client need not see. */
export class ObjectNotFoundError extends NotFoundError {
  readonly key: string
  constructor (key: string) {
    super('The file')
    this.name = 'ObjectNotFoundError'
    this.key = key
  }
}

export class StorageUnavailableError extends AppError {
  constructor (message: string, cause: unknown) {
    super(503, 'storage_unavailable', message, { cause })
    this.name = 'StorageUnavailableError'
  }
}

/**
 * A malformed key or option is a bug in the calling code, never user input (keys are
 * built by the service from ids), so it is a plain Error that surfaces as a 500.
 */
export class StorageArgumentError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StorageArgumentError'
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/
const MAX_KEY_LENGTH = 512

/**
 * Keys are `/`-separated segments of letters, digits, `.`, `_` and `-`, each starting with a
 * letter or digit. That keeps them path-safe for the local store (no `..`, no absolute
 * paths, no hidden files — the local store's temp and sidecar files start with a dot, so
 * they can never collide with a key) and identical on every backend.
 */
export function assertValidKey (key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new StorageArgumentError(`Object key must be 1–${MAX_KEY_LENGTH} characters (got ${JSON.stringify(key)}).`)
  }
  if (key.includes('..') || !key.split('/').every((segment) => SEGMENT.test(segment))) {
    throw new StorageArgumentError(`Object key ${JSON.stringify(key)} is not allowed: use "/"-separated segments of [A-Za-z0-9._-] that start with a letter or digit, without "..".`)
  }
}

/** A list prefix is a key cut anywhere: empty, or a key-like string that may end in "/" or mid-segment. */
export function assertValidPrefix (prefix: string): void {
  if (prefix === '') return
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  assertValidKey(trimmed)
}

export function assertValidPutOptions (options: PutOptions): void {
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) {
    throw new StorageArgumentError(`maxBytes must be a positive integer (got ${String(options.maxBytes)}).`)
  }
  if (typeof options.contentType !== 'string' || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(;.*)?$/i.test(options.contentType)) {
    throw new StorageArgumentError(`contentType must be a MIME type (got ${JSON.stringify(options.contentType)}).`)
  }
}

function formatBytes (bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes}-byte`
}
