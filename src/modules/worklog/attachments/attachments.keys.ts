// Where an attachment's bytes live in the object store. Every key starts with the tenant,
// so one tenant's files can be listed, exported or purged by prefix, and the orphan
// sweep knows which part of the bucket belongs to attachments.
import { randomUUID } from 'node:crypto'

export const ATTACHMENT_PREFIX = 'tenants/'

/** A fresh key per upload: a new file never overwrites another, even with the same name. */
export function newAttachmentKey (tenantId: string, worklogId: string): string {
  return `${ATTACHMENT_PREFIX}${tenantId}/worklogs/${worklogId}/${randomUUID()}`
}
