// Attachments in a folder (DATA_DIR/files by default): the zero-setup backend.
//
// Layout: the object `a/b/report.pdf` is the file `<root>/a/b/report.pdf`, and its content
// type lives in the sidecar `<root>/a/b/.report.pdf.meta.json`. A sidecar rather than
// deriving the type on read because the bytes cannot tell text/plain from text/markdown
// or text/csv — that was decided once, at upload, from bytes plus declared type plus file
// name — and re-sniffing on every download would be wasted work. Temp files and sidecars
// start with a dot, which keys cannot (assertValidKey), so they never collide with an
// object and `list` skips them by that rule alone.
//
// Atomicity: bytes stream into a temp file in the object's own folder (same filesystem,
// so rename is atomic), are fsynced, and the rename is the commit point. The sidecar is
// renamed into place just before it: a crash in between leaves the old bytes with the new
// type at worst, never a half-written object; a missing sidecar reads as
// application/octet-stream.
import { randomUUID } from 'node:crypto'
import { constants, createWriteStream } from 'node:fs'
import { access, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ByteMeter } from './byte-meter.ts'
import {
  assertValidKey, assertValidPrefix, assertValidPutOptions, ObjectNotFoundError, StorageUnavailableError,
  type ListedObject, type ObjectBody, type ObjectStore, type PutOptions, type StoredObject,
} from './storage.types.ts'

interface Sidecar {
  readonly contentType: string
  readonly size: number
  readonly sha256: string
}

const FALLBACK_CONTENT_TYPE = 'application/octet-stream'

export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const
  readonly root: string

  constructor (root: string) {
    this.root = root
  }

  async init (): Promise<void> {
    await mkdir(this.root, { recursive: true })
  }

  async put (key: string, body: Readable, options: PutOptions): Promise<StoredObject> {
    assertValidKey(key)
    assertValidPutOptions(options)
    const target = this.pathOf(key)
    const folder = dirname(target)
    const name = target.slice(folder.length + 1)
    const tag = randomUUID()
    const temp = join(folder, `.${name}.${tag}.tmp`)
    const metaTemp = join(folder, `.${name}.${tag}.meta.tmp`)
    try {
      await mkdir(folder, { recursive: true })
      const meter = new ByteMeter(options.maxBytes)
      // 'wx': a temp name is ours alone; failing beats silently sharing it. `flush` fsyncs
      // before close: without it a crash after the rename can leave an empty "committed" file.
      await pipeline(body, meter, createWriteStream(temp, { flags: 'wx', mode: 0o640, flush: true }))
      const stored = meter.result()
      const sidecar: Sidecar = { contentType: options.contentType, ...stored }
      await writeFile(metaTemp, JSON.stringify(sidecar) + '\n', { flag: 'wx', mode: 0o640, flush: true })
      await rename(metaTemp, this.sidecarOf(key))
      await rename(temp, target)
      return stored
    } catch (error) {
      // pipeline() already destroyed `body`; destroy again for failures before it ran (mkdir).
      body.destroy()
      await Promise.all([rm(temp, { force: true }), rm(metaTemp, { force: true })])
      throw error
    }
  }

  async get (key: string): Promise<ObjectBody> {
    assertValidKey(key)
    let handle
    try {
      handle = await open(this.pathOf(key), 'r')
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key)
      throw error
    }
    try {
      // Size comes from the open descriptor, so it matches the bytes this stream will
      // read even if a concurrent put renames a new file over the path.
      const { size } = await handle.stat()
      const contentType = (await this.readSidecar(key))?.contentType ?? FALLBACK_CONTENT_TYPE
      return { body: handle.createReadStream(), size, contentType }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  async remove (key: string): Promise<void> {
    assertValidKey(key)
    // Bytes first: once they are gone the object no longer exists, whatever happens to the sidecar.
    await rm(this.pathOf(key), { force: true })
    await rm(this.sidecarOf(key), { force: true })
  }

  async exists (key: string): Promise<boolean> {
    assertValidKey(key)
    try {
      return (await stat(this.pathOf(key))).isFile()
    } catch (error) {
      if (isMissing(error)) return false
      throw error
    }
  }

  async * list (prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix)
    const slash = prefix.lastIndexOf('/')
    const base = slash === -1 ? '' : prefix.slice(0, slash + 1)
    yield * this.walk(base, prefix)
  }

  async check (): Promise<void> {
    try {
      await access(this.root, constants.R_OK | constants.W_OK)
      if (!(await stat(this.root)).isDirectory()) throw new Error(`${this.root} is not a directory`)
    } catch (error) {
      throw new StorageUnavailableError(`The attachment folder ${this.root} is not usable.`, error)
    }
  }

  /**
   * Depth-first over `dirKey` (a key prefix ending in "/", or ""), yielding keys in the
   * byte order S3 uses: sorting folder names as "name/" makes the depth-first order equal
   * to sorting the full keys, without collecting them first.
   */
  private async * walk (dirKey: string, prefix: string): AsyncIterable<ListedObject> {
    let entries
    try {
      entries = await readdir(join(this.root, ...dirKey.split('/').filter(Boolean)), { withFileTypes: true })
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return
      throw error
    }
    const names = entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isDirectory()))
      .map((entry) => dirKey + entry.name + (entry.isDirectory() ? '/' : ''))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const name of names) {
      if (name.endsWith('/')) {
        // Descend only where keys can still match: "a/" under prefix "a/b" does, "c/" does not.
        if (name.startsWith(prefix) || prefix.startsWith(name)) yield * this.walk(name, prefix)
        continue
      }
      if (!name.startsWith(prefix)) continue
      try {
        const info = await stat(this.pathOf(name))
        yield { key: name, size: info.size, lastModified: info.mtime }
      } catch (error) {
        // Removed between readdir and stat: it is simply no longer there.
        if (!isMissing(error)) throw error
      }
    }
  }

  private async readSidecar (key: string): Promise<Sidecar | undefined> {
    try {
      return JSON.parse(await readFile(this.sidecarOf(key), 'utf8')) as Sidecar
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  private pathOf (key: string): string {
    return this.root + sep + key.split('/').join(sep)
  }

  private sidecarOf (key: string): string {
    const path = this.pathOf(key)
    const folder = dirname(path)
    return join(folder, `.${path.slice(folder.length + 1)}.meta.json`)
  }
}

function isMissing (error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}
