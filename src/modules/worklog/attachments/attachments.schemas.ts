// Request and response shapes of the attachment routes. The upload itself is
// multipart/form-data (one part named `file`), which the multipart plugin streams rather
// than parsing into a body, so it has no body schema here.
import { Type, type Static } from 'typebox'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'

export const AttachmentOut = Type.Object({
  id: Uuid,
  worklog_id: Uuid,
  filename: Type.String({ description: 'The name the file was uploaded with (without any folder).' }),
  content_type: Type.String({ description: 'Decided from the bytes at upload, and served with on download.' }),
  size_bytes: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Hex SHA-256 of the stored bytes.' }),
  created_at: Type.String({ format: 'date-time' }),
  download_url: Type.String({ description: 'GET it (with the same credentials) for the bytes.' }),
})
export type AttachmentView = Static<typeof AttachmentOut>

export const WorklogAttachmentParams = Type.Object({ worklog_id: Uuid })
export const AttachmentParams = Type.Object({ id: Uuid })

export const DownloadQuery = Type.Object({
  redirect: Type.Optional(Type.Boolean({ description: 'On MinIO/S3: answer 302 to a presigned URL valid 5 minutes instead of streaming. Ignored by the local store.' })),
}, { additionalProperties: false })
