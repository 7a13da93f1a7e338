// Attachment rules. An upload is streamed, never held whole in memory: its first bytes
// decide the content type (the declared type and name must agree with them), the store
// counts, hashes and cuts the stream off at MAX_UPLOAD_BYTES, and only then is the row
// written — together with the reward evaluation job, in one transaction. Bytes go first
// and the row second because the row is the commit point: a row always has its bytes.
// Whatever fails after the bytes are stored removes them again, so a failed upload leaves
// neither a row nor an object (and the orphan sweep catches a process killed in between).
import type { Readable } from 'node:stream'
import type { Db } from '../../../platform/db/database.ts'
import { withTenant } from '../../../platform/db/tenant.ts'
import { AppError, NotFoundError, ValidationError } from '../../../platform/errors.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import {
  ObjectTooLargeError, PRESIGNED_URL_SECONDS, readHead, SNIFF_BYTES, sniffContentType,
  type ObjectBody, type ObjectStore,
} from '../../../platform/storage/index.ts'
import { enqueueRewardEvaluation } from '../../gamification/reward-evaluation.ts'
import type { Actor } from '../actor.ts'
import { newAttachmentKey } from './attachments.keys.ts'
import { deleteAttachment, findAttachment, findWorklogAuthor, insertAttachment, listAttachments, type AttachmentRow } from './attachments.repository.ts'
import type { AttachmentView } from './attachments.schemas.ts'
import { translateConstraintError } from '../constraint-errors.ts'

/** The multipart part every upload error names. */
export const FILE_FIELD = 'file'

const MAX_FILENAME_CHARS = 255
/**
 * Control characters, and the invisible bidirectional controls (LRM/RLM, the embeddings
 * and overrides U+202A–E, the isolates U+2066–9, the Arabic letter mark) with which
 * "invoice\u202Efdp.exe" is shown as "invoiceexe.pdf".
 */
const UNSHOWABLE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu

export interface CleanupLog {
  warn (details: object, message: string): void
}

export interface AttachmentDeps {
  tenantDb: Db
  jobs: JobPlatform
  storage: ObjectStore
  maxUploadBytes: number
  /** Where a failed object removal is reported (the request's logger, so it carries the correlation id). */
  log: CleanupLog
}

/** The file part as the multipart parser hands it over (busboy's stream marks a part cut off at the limit as truncated). */
export interface UploadPart {
  readonly fieldname: string
  readonly filename: string
  readonly mimetype: string
  readonly file: Readable & { readonly truncated: boolean }
}

export function attachmentView (row: AttachmentRow): AttachmentView {
  return {
    id: row.id,
    worklog_id: row.worklog_id,
    filename: row.filename,
    content_type: row.content_type,
    size_bytes: Number(row.size_bytes),
    sha256: row.sha256,
    created_at: row.created_at.toISOString(),
    download_url: `/api/attachments/${row.id}/download/`,
  }
}

/**
 * `receive` yields the request's file part; it is called only once the work log is known
 * to be the caller's, so an upload to someone else's entry is refused before a byte is stored.
 */
export async function uploadAttachment (deps: AttachmentDeps, actor: Actor, worklogId: string, receive: () => Promise<UploadPart | undefined>, traceId: string): Promise<AttachmentView> {
  const author = await withTenant(deps.tenantDb, actor.tenantId, (trx) => findWorklogAuthor(trx, actor.tenantId, worklogId))
  if (author === undefined) throw new NotFoundError('Work log', 'worklog_id')

  const part = await receive()
  if (part === undefined || part.fieldname !== FILE_FIELD) {
    part?.file.destroy()
    throw new ValidationError(`Send the file as multipart/form-data in a part named "${FILE_FIELD}".`, FILE_FIELD)
  }
  const { file } = part
  const filename = cleanFilename(part.filename)
  if (filename === undefined) {
    file.destroy()
    throw new ValidationError('The file part has no file name.', FILE_FIELD)
  }
  const tooLarge = (): ObjectTooLargeError => new ObjectTooLargeError(deps.maxUploadBytes)
  // At the limit busboy does not fail the part: it ends it early, marked truncated, which a
  // store would take for a complete smaller file. Turning the cut into a stream error makes
  // the store discard what it wrote. The part may have been cut already while it waited
  // in busboy's buffer for us to ask for it.
  if (file.truncated) {
    file.destroy()
    throw tooLarge()
  }
  file.once('limit', () => file.destroy(tooLarge()))
  // A body that ends mid-part (a dropped connection, a client that miscounted) errors the
  // part's stream with busboy's "Unexpected end of multipart data" — often before we read
  // a byte, so the stream's own record is asked: the client's broken upload, a 400.
  const unreadable = (error: unknown): unknown => {
    const partError = file.errored
    if (partError === null || partError instanceof ObjectTooLargeError) return error
    return new AppError(400, 'invalid_multipart', `The upload could not be read: ${partError.message}.`, { field: FILE_FIELD, cause: partError })
  }

  let head: Buffer
  let body: Readable
  try {
    ({ head, body } = await readHead(file, SNIFF_BYTES))
  } catch (error) {
    throw unreadable(error)
  }
  if (head.length === 0) {
    body.destroy()
    throw new ValidationError('The file is empty.', FILE_FIELD)
  }
  let contentType: string
  try {
    contentType = sniffContentType(head, part.mimetype, filename)
  } catch (error) {
    body.destroy()
    throw error
  }

  const key = newAttachmentKey(actor.tenantId, worklogId)
  let stored
  try {
    stored = await deps.storage.put(key, body, { contentType, maxBytes: deps.maxUploadBytes })
  } catch (error) {
    // However the cut surfaced through the store's stream pipeline, the client needs the 413.
    throw file.truncated ? tooLarge() : unreadable(error)
  }
  if (file.truncated) {
    await discard(deps, key)
    throw tooLarge()
  }
  try {
    const row = await withTenant(deps.tenantDb, actor.tenantId, async (trx) => {
      const inserted = await insertAttachment(trx, {
        tenant_id: actor.tenantId,
        user_id: actor.userId,
        worklog_id: worklogId,
        object_key: key,
        filename,
        content_type: contentType,
        size_bytes: stored.size,
        sha256: stored.sha256,
      })
      await enqueueRewardEvaluation(deps.jobs, trx, { tenantId: actor.tenantId, userId: author, worklogId, trigger: 'attachment', traceId })
      return inserted
    })
    return attachmentView(row)
  } catch (error) {
    await discard(deps, key)
    translateConstraintError(error, 'Attachment')
  }
}

export async function listWorklogAttachments (tenantDb: Db, actor: Actor, worklogId: string): Promise<AttachmentView[]> {
  return withTenant(tenantDb, actor.tenantId, async (trx) => {
    if (await findWorklogAuthor(trx, actor.tenantId, worklogId) === undefined) throw new NotFoundError('Work log', 'worklog_id')
    return (await listAttachments(trx, actor.tenantId, worklogId)).map(attachmentView)
  })
}

export type Download =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'stream'; readonly attachment: AttachmentView; readonly object: ObjectBody }

/** A presigned URL when asked for and the store serves HTTP itself; the bytes otherwise. */
export async function openDownload (deps: Pick<AttachmentDeps, 'tenantDb' | 'storage'>, actor: Actor, id: string, options: { redirect: boolean }): Promise<Download> {
  const row = await withTenant(deps.tenantDb, actor.tenantId, (trx) => findAttachment(trx, actor.tenantId, id))
  if (row === undefined) throw new NotFoundError('Attachment')
  if (options.redirect && deps.storage.presignedUrl !== undefined) {
    return { kind: 'redirect', url: await deps.storage.presignedUrl(row.object_key, PRESIGNED_URL_SECONDS) }
  }
  return { kind: 'stream', attachment: attachmentView(row), object: await deps.storage.get(row.object_key) }
}

export async function removeAttachment (deps: AttachmentDeps, actor: Actor, id: string): Promise<void> {
  // The row goes first: once it is gone nothing points at the object, so a failed
  // removal below leaves an orphan for the sweep, never a row whose file is missing.
  const row = await withTenant(deps.tenantDb, actor.tenantId, (trx) => deleteAttachment(trx, actor.tenantId, id))
  if (row === undefined) throw new NotFoundError('Attachment')
  await discard(deps, row.object_key)
}

/** Best effort: the caller's own outcome matters more, and the orphan sweep retries later. */
async function discard (deps: Pick<AttachmentDeps, 'storage' | 'log'>, key: string): Promise<void> {
  try {
    await deps.storage.remove(key)
  } catch (error) {
    deps.log.warn({ err: error, object_key: key }, 'could not remove an attachment object; the orphan sweep will')
  }
}

/**
 * The name to keep and serve: some clients send a whole path (C:\Users\…\cv.pdf), and
 * control characters have no place in a name that ends up in headers and logs. Over-long
 * names are shortened in the middle so the extension survives.
 */
function cleanFilename (raw: string): string | undefined {
  const base = (raw.split(/[\\/]/).pop() ?? '').normalize('NFC').replace(UNSHOWABLE, '').trim()
  if (base === '') return undefined
  const chars = [...base]
  if (chars.length <= MAX_FILENAME_CHARS) return base
  const dot = base.lastIndexOf('.')
  const extension = dot > 0 && base.length - dot <= 20 ? [...base.slice(dot)] : []
  return [...chars.slice(0, MAX_FILENAME_CHARS - extension.length), ...extension].join('')
}
