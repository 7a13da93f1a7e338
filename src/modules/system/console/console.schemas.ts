// Query strings and form bodies of the operator console. HTML forms send every field,
// empty ones as "", so each optional filter also accepts "" (meaning: not set).
import { Type, type Static } from 'typebox'
import { JOB_TRIGGERS } from '../../../platform/jobs/job.table.ts'
import { JobStatusSchema } from '../../jobs/jobs.schemas.ts'

const Empty = Type.Literal('')
const Uuid = Type.String({ format: 'uuid' })
/** A date and time as an <input type="datetime-local"> sends it, read as UTC. */
const LocalDateTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$', description: 'YYYY-MM-DDTHH:MM, UTC' })
/** The quick time ranges of the jobs filter. */
export const RECENT_RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const
export type RecentRange = keyof typeof RECENT_RANGES

/** Where the console's forms may send the operator back to: its own pages only. */
const BackPath = Type.String({ pattern: '^/system/console/[^\\s]*$', maxLength: 2000 })

export const JobFilterFields = {
  status: Type.Optional(Type.Union([JobStatusSchema, Empty])),
  type: Type.Optional(Type.String({ maxLength: 100 })),
  /** A tenant id, "none" for the platform's own jobs, or "" for every tenant. */
  tenant: Type.Optional(Type.Union([Uuid, Type.Literal('none'), Empty])),
  trigger: Type.Optional(Type.Union([...JOB_TRIGGERS.map((t) => Type.Literal(t)), Empty])),
  last: Type.Optional(Type.Union([...Object.keys(RECENT_RANGES).map((r) => Type.Literal(r)), Empty])),
  from: Type.Optional(Type.Union([LocalDateTime, Empty])),
  to: Type.Optional(Type.Union([LocalDateTime, Empty])),
  q: Type.Optional(Type.String({ maxLength: 200 })),
}

export const JobListQuery = Type.Object({
  ...JobFilterFields,
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
  /** Only the table rows (the live refresh asks for them). */
  partial: Type.Optional(Type.Literal('rows')),
  notice: Type.Optional(Type.String({ maxLength: 40 })),
  n: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
}, { additionalProperties: false })
export type JobListQuery = Static<typeof JobListQuery>
export type JobFilterInput = Pick<JobListQuery, keyof typeof JobFilterFields>

const Csrf = Type.String({ maxLength: 200, description: 'The page\'s CSRF token.' })

/** A bulk action over the jobs matching the filter: first counted and shown, then, with `confirm`, done to the ids shown. */
export const BulkBody = Type.Object({
  ...JobFilterFields,
  action: Type.Union([Type.Literal('retry'), Type.Literal('cancel')]),
  confirm: Type.Optional(Type.Literal('yes')),
  ids: Type.Optional(Type.Union([Uuid, Type.Array(Uuid, { maxItems: 500 })])),
  _csrf: Csrf,
}, { additionalProperties: false })
export type BulkBody = Static<typeof BulkBody>

export const ActionBody = Type.Object({
  _csrf: Csrf,
  back: Type.Optional(BackPath),
}, { additionalProperties: false })

export const PauseBody = Type.Object({
  _csrf: Csrf,
  reason: Type.Optional(Type.String({ maxLength: 200 })),
  back: Type.Optional(BackPath),
}, { additionalProperties: false })

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  next: Type.Optional(Type.Union([BackPath, Empty])),
}, { additionalProperties: false })

export const LoginQuery = Type.Object({
  next: Type.Optional(BackPath),
}, { additionalProperties: false })

export const OverviewQuery = Type.Object({
  /** Only the jobs-now table (the live refresh asks for it). */
  partial: Type.Optional(Type.Literal('now')),
  notice: Type.Optional(Type.String({ maxLength: 40 })),
}, { additionalProperties: false })

export const JobPageQuery = Type.Object({
  /** Only the job's fields (refreshed when its status changes). */
  partial: Type.Optional(Type.Literal('fields')),
  notice: Type.Optional(Type.String({ maxLength: 40 })),
}, { additionalProperties: false })

export const JobStreamQuery = Type.Object({
  /** The last event the page already shows (Last-Event-ID, when sent, wins). */
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
}, { additionalProperties: false })

export const AssetQuery = Type.Object({
  /** The content version the page linked (any value serves the current file). */
  v: Type.Optional(Type.String({ maxLength: 32 })),
}, { additionalProperties: false })

export const SchedulesQuery = Type.Object({
  notice: Type.Optional(Type.String({ maxLength: 40 })),
}, { additionalProperties: false })

export const IdParams = Type.Object({ id: Uuid })
export const TypeParams = Type.Object({ type: Type.String({ maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' }) })
export const AssetParams = Type.Object({ file: Type.String({ maxLength: 100 }) })
