// Request and response shapes of /api/worklogs/ (seed 004 field names; foreign keys as
// <name>_id, with the related object's id and name alongside for display).
import { Type, type Static } from 'typebox'
import { Day as PolicyDay } from '../../../platform/input/schemas.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'
import { PageOf, PageParams } from '../pagination.ts'
import { ENRICHMENT_STATUSES, WORK_TYPES, WORKLOG_STATUSES, WORKLOG_SOURCES } from '../../../vocabulary/worklog.ts'

export const WorkTypeSchema = Type.Enum(WORK_TYPES)
export const WorklogStatusSchema = Type.Enum(WORKLOG_STATUSES)
export const EnrichmentStatusSchema = Type.Enum(ENRICHMENT_STATUSES)
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 })
export const JsonObjectSchema = Type.Record(Type.String(), Type.Unknown())
const NullableUuid = Type.Union([Uuid, Type.Null()])
const Day = PolicyDay()

const writable = {
  occurred_on: Day,
  title: Type.Optional(Type.String({ maxLength: 300 })),
  content: Type.String({ minLength: 1, maxLength: 50000 }),
  outcome: Type.Optional(Type.String({ maxLength: 10000 })),
  impact: Type.Optional(Type.String({ maxLength: 10000 })),
  next_steps: Type.Optional(Type.String({ maxLength: 10000 })),
  client_id: Type.Optional(NullableUuid),
  project_id: Type.Optional(NullableUuid),
  epic_id: Type.Optional(NullableUuid),
  feature_id: Type.Optional(NullableUuid),
  story_id: Type.Optional(NullableUuid),
  task_id: Type.Optional(NullableUuid),
  sprint_id: Type.Optional(NullableUuid),
  work_type: Type.Optional(WorkTypeSchema),
  status: Type.Optional(WorklogStatusSchema),
  effort_minutes: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10080 }), Type.Null()])),
  is_billable: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Tags),
  source_ref: Type.Optional(Type.String({ maxLength: 500 })),
  metadata: Type.Optional(JsonObjectSchema),
  enrichment_status: Type.Optional(EnrichmentStatusSchema),
}

/** POST: source may say the entry came from a script ('api'); 'import' is the bulk import's. */
export const WorklogCreateBody = Type.Object({
  ...writable,
  source: Type.Optional(Type.Union([Type.Literal('manual'), Type.Literal('api')])),
}, { additionalProperties: false })
export type WorklogCreateBody = Static<typeof WorklogCreateBody>

/** PUT: the whole entry; omitted optional fields return to their defaults. */
export const WorklogReplaceBody = Type.Object(writable, { additionalProperties: false })
/** PATCH: only what is given changes. */
export const WorklogPatchBody = Type.Object({
  ...writable,
  occurred_on: Type.Optional(Day),
  content: Type.Optional(Type.String({ minLength: 1, maxLength: 50000 })),
}, { additionalProperties: false })
export type WorklogInput = Static<typeof WorklogPatchBody> & { source?: 'manual' | 'api' | 'import' }

const Related = Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()])

export const WorklogOut = Type.Object({
  id: Uuid,
  user_id: Uuid,
  occurred_on: Day,
  title: Type.String(),
  content: Type.String(),
  outcome: Type.String(),
  impact: Type.String(),
  next_steps: Type.String(),
  client_id: NullableUuid,
  project_id: NullableUuid,
  epic_id: NullableUuid,
  feature_id: NullableUuid,
  story_id: NullableUuid,
  task_id: NullableUuid,
  sprint_id: NullableUuid,
  client: Related,
  project: Related,
  epic: Related,
  feature: Related,
  story: Related,
  task: Related,
  sprint: Related,
  work_type: WorkTypeSchema,
  status: WorklogStatusSchema,
  effort_minutes: Type.Union([Type.Integer(), Type.Null()]),
  hours: Type.Union([Type.Number(), Type.Null()]),
  is_billable: Type.Boolean(),
  tags: Type.Array(Type.String()),
  source: Type.Enum(WORKLOG_SOURCES),
  source_ref: Type.String(),
  metadata: JsonObjectSchema,
  enrichment_status: EnrichmentStatusSchema,
  enrichment_suggestions: JsonObjectSchema,
  ai_summary: Type.String(),
  rank: Type.Optional(Type.Number({ description: 'Full-text relevance, present when searching.' })),
  confirmed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When an imported draft was confirmed (status left draft); null otherwise. Imported drafts earn rewards only from then.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
})
export type WorklogOut = Static<typeof WorklogOut>

export const WORKLOG_ORDERINGS = ['occurred_on', '-occurred_on', 'created_at', '-created_at', 'updated_at', '-updated_at', 'effort_minutes', '-effort_minutes', 'title', '-title', '-rank'] as const
export type WorklogOrdering = (typeof WORKLOG_ORDERINGS)[number]

export const WorklogListQuery = Type.Object({
  ...PageParams,
  date_from: Type.Optional(Day),
  date_to: Type.Optional(Day),
  client_id: Type.Optional(Uuid),
  project_id: Type.Optional(Uuid),
  epic_id: Type.Optional(Uuid),
  feature_id: Type.Optional(Uuid),
  story_id: Type.Optional(Uuid),
  task_id: Type.Optional(Uuid),
  sprint_id: Type.Optional(Uuid),
  user_id: Type.Optional(Uuid),
  status: Type.Optional(WorklogStatusSchema),
  work_type: Type.Optional(WorkTypeSchema),
  enrichment_status: Type.Optional(EnrichmentStatusSchema),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  is_billable: Type.Optional(Type.Boolean()),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search over title, content, outcome and impact (web-search syntax), ranked.' })),
  ordering: Type.Optional(Type.Enum(WORKLOG_ORDERINGS)),
}, { additionalProperties: false })
export type WorklogListQuery = Static<typeof WorklogListQuery>

export const WorklogPage = Type.Object({
  ...PageOf(WorklogOut).properties,
  count_capped: Type.Optional(Type.Literal(true, { description: 'Present when more entries match than were counted: `count` is then a lower bound (1,000 past this page), and `next` still leads on.' })),
})
