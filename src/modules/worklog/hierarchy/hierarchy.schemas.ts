// The seven organisational resources (seed 004) share one shape — a named, archivable
// row under one parent — and differ in their parent and a few extra fields. Each is
// described once here; routes, service and repository are generic over the description.
import { Type, type TProperties, type TSchema } from 'typebox'
import { NullableDay, OptionalWebUrl } from '../../../platform/input/schemas.ts'
import { PageOf, PageParams } from '../pagination.ts'

export const LEVEL_NAMES = ['client', 'project', 'epic', 'feature', 'story', 'task', 'sprint'] as const
export type LevelName = (typeof LEVEL_NAMES)[number]
export type ParentField = 'client_id' | 'project_id' | 'epic_id' | 'feature_id' | 'story_id'

export interface LevelSpec {
  readonly level: LevelName
  /** What the API calls one of them, in messages ("Project was not found"). */
  readonly label: string
  readonly path: string
  readonly parent: { readonly field: ParentField; readonly level: LevelName } | null
  /** Writable fields beyond name, description and is_active, with their defaults. */
  readonly extras: Readonly<Record<string, { schema: TSchema; default: string | null }>>
  /** A start/end pair that must be ordered (seed 004 "Date Validation"). */
  readonly dates: { readonly start: string; readonly end: string } | null
}

export const Uuid = Type.String({ format: 'uuid' })
export const DateIn = NullableDay()
const DateOut = Type.Union([Type.String({ format: 'date' }), Type.Null()])
const text = (max: number) => ({ schema: Type.String({ maxLength: max }), default: '' })
const date = { schema: DateIn, default: null }

export const LEVELS: Readonly<Record<LevelName, LevelSpec>> = {
  client: { level: 'client', label: 'Client', path: '/api/clients', parent: null, extras: { website: { schema: OptionalWebUrl(500), default: '' }, notes: text(10000) }, dates: null },
  project: { level: 'project', label: 'Project', path: '/api/projects', parent: { field: 'client_id', level: 'client' }, extras: { role: text(200), started_on: date, ended_on: date }, dates: { start: 'started_on', end: 'ended_on' } },
  epic: { level: 'epic', label: 'Epic', path: '/api/epics', parent: { field: 'project_id', level: 'project' }, extras: {}, dates: null },
  feature: { level: 'feature', label: 'Feature', path: '/api/features', parent: { field: 'epic_id', level: 'epic' }, extras: {}, dates: null },
  story: { level: 'story', label: 'Story', path: '/api/stories', parent: { field: 'feature_id', level: 'feature' }, extras: {}, dates: null },
  task: { level: 'task', label: 'Task', path: '/api/tasks', parent: { field: 'story_id', level: 'story' }, extras: {}, dates: null },
  sprint: { level: 'sprint', label: 'Sprint', path: '/api/sprints', parent: { field: 'project_id', level: 'project' }, extras: { goal: text(5000), start_date: date, end_date: date }, dates: { start: 'start_date', end: 'end_date' } },
}

/** Every writable field of a level, in the order the API documents them. */
export function writableFields (spec: LevelSpec): string[] {
  return ['name', 'description', 'is_active', ...(spec.parent === null ? [] : [spec.parent.field]), ...Object.keys(spec.extras)]
}

/** POST/PUT body (`partial` false: name and parent required) or PATCH body (all optional). */
export function levelBody (spec: LevelSpec, partial: boolean) {
  const optional = <T extends TSchema>(schema: T) => Type.Optional(schema)
  const required = <T extends TSchema>(schema: T) => partial ? Type.Optional(schema) : schema
  const properties: TProperties = {
    name: required(Type.String({ minLength: 1, maxLength: 200 })),
    description: optional(Type.String({ maxLength: 5000 })),
    is_active: optional(Type.Boolean()),
  }
  if (spec.parent !== null) properties[spec.parent.field] = required(Uuid)
  for (const [field, extra] of Object.entries(spec.extras)) properties[field] = optional(extra.schema)
  return Type.Object(properties, { additionalProperties: false })
}

export function levelOut (spec: LevelSpec) {
  const properties: TProperties = {
    id: Uuid,
    user_id: Uuid,
    name: Type.String(),
    description: Type.String(),
    is_active: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  }
  if (spec.parent !== null) properties[spec.parent.field] = Uuid
  for (const [field, extra] of Object.entries(spec.extras)) properties[field] = extra.default === null ? DateOut : Type.String()
  return Type.Object(properties)
}

export function levelListQuery (spec: LevelSpec) {
  const properties: TProperties = {
    ...PageParams,
    is_active: Type.Optional(Type.Boolean()),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the name.' })),
  }
  if (spec.parent !== null) properties[spec.parent.field] = Type.Optional(Uuid)
  return Type.Object(properties, { additionalProperties: false })
}

export function levelPage (spec: LevelSpec) {
  return PageOf(levelOut(spec))
}
