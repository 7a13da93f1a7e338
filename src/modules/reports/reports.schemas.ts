// Request and response shapes of /api/reports/, /api/resume/, /api/share-links/,
// /api/share/ and /api/schedules/, side by side.
import { Type, type Static } from 'typebox'
import { Day, Limit } from '../../platform/input/schemas.ts'
import { REPORT_KINDS, SHARE_TARGET_KINDS } from '../../vocabulary/career.ts'

export const ReportKindSchema = Type.Enum(REPORT_KINDS)
const Uuid = Type.String({ format: 'uuid' })
export const IdParams = Type.Object({ id: Uuid })

/** A report's optional client, project or sprint. */
export const ReportScopeFields = {
  client_id: Type.Optional(Uuid),
  project_id: Type.Optional(Uuid),
  sprint_id: Type.Optional(Uuid),
}

// ---------------------------------------------------------------------------
// Reports and resumes
// ---------------------------------------------------------------------------

export const ReportGenerateBody = Type.Object({
  kind: ReportKindSchema,
  period_start: Type.Optional(Day()),
  period_end: Type.Optional(Day()),
  ...ReportScopeFields,
}, { additionalProperties: false })
export type ReportGenerateBody = Static<typeof ReportGenerateBody>

export const ReportListQuery = Type.Object({
  kind: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Limit({ default: 50 })),
}, { additionalProperties: false })
export type ReportListQuery = Static<typeof ReportListQuery>

export const ReportSummary = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  period_start: Type.Union([Type.String(), Type.Null()]),
  period_end: Type.Union([Type.String(), Type.Null()]),
  created_via: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
})
export type ReportSummary = Static<typeof ReportSummary>

/** Markdown as stored, or a file rendered from it. */
export const DOCUMENT_FORMATS = ['md', 'pdf', 'docx'] as const
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number]

export const DocumentFormatQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('pdf'), Type.Literal('docx')])),
}, { additionalProperties: false })

export const ResumeFormatQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonresume'), Type.Literal('md'), Type.Literal('pdf'), Type.Literal('docx')])),
}, { additionalProperties: false })

// ---------------------------------------------------------------------------
// Share links
// ---------------------------------------------------------------------------

export const ShareLinkBody = Type.Object({
  target_kind: Type.Enum(SHARE_TARGET_KINDS),
  target_id: Type.Optional(Type.String({ format: 'uuid', description: 'The report id; for a resume, omit to share the latest.' })),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 14 })),
}, { additionalProperties: false })
export type ShareLinkBody = Static<typeof ShareLinkBody>

export const ShareLinkCreated = Type.Object({ id: Type.String(), url: Type.String(), token: Type.String(), expires_at: Type.String({ format: 'date-time' }) })
export type ShareLinkCreated = Static<typeof ShareLinkCreated>

export const ShareLinkOut = Type.Object({
  id: Type.String(),
  target_kind: Type.String(),
  target_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  access_count: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
})
export type ShareLinkOut = Static<typeof ShareLinkOut>

export const ShareTokenParams = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) })

// ---------------------------------------------------------------------------
// Report schedules
// ---------------------------------------------------------------------------

export const ScheduleCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: ReportKindSchema,
  cron: Type.String({ minLength: 1, maxLength: 100 }),
  timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone; defaults to your profile\'s time zone.' })),
  enabled: Type.Optional(Type.Boolean()),
  ...ReportScopeFields,
}, { additionalProperties: false })

export const SchedulePatchBody = Type.Object({
  kind: Type.Optional(ReportKindSchema),
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  timezone: Type.Optional(Type.String({ maxLength: 64 })),
  enabled: Type.Optional(Type.Boolean()),
  ...ReportScopeFields,
}, { additionalProperties: false })

export const ScheduleOut = Type.Object({
  id: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  kind: Type.String(),
  cron: Type.String(),
  timezone: Type.String(),
  enabled: Type.Boolean(),
  scope: Type.Record(Type.String(), Type.String()),
  last_run_at: Type.Union([Type.String(), Type.Null()]),
  next_run_at: Type.Union([Type.String(), Type.Null()]),
})
export type ScheduleOut = Static<typeof ScheduleOut>
