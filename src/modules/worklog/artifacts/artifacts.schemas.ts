// What hangs off one work log and is edited through it (seed 004 "Enrichment
// Artifacts"): external links, bullets and skill signals. Like the organisation levels,
// each is described once and served by generic routes under /api/worklogs/{id}/….
import { Type, type TProperties, type TSchema } from 'typebox'
import { WebUrl } from '../../../platform/input/schemas.ts'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'
import { JsonObjectSchema } from '../entries/worklog.schemas.ts'
import { BULLET_KINDS, SIGNAL_BASES, SIGNAL_STATUSES } from '../../../vocabulary/worklog.ts'

export type ArtifactTable = 'worklog_external_link' | 'worklog_bullet' | 'worklog_skill_signal'

export interface ArtifactField {
  readonly schema: TSchema
  /** Value on create/PUT when omitted; undefined = required. */
  readonly default?: string | number | boolean | Record<string, never> | readonly never[]
  /** jsonb columns are written as JSON text. */
  readonly json?: boolean
  /** Set by the service, never by a request: shown in responses, absent from request bodies. */
  readonly readOnly?: boolean
  /** A read-only field derived from another: writing that field resets this one to its default. */
  readonly clearedBy?: string
}

export interface ArtifactSpec {
  readonly table: ArtifactTable
  readonly segment: string
  readonly label: string
  readonly fields: Readonly<Record<string, ArtifactField>>
  /** List order: column and direction. */
  readonly order: ReadonlyArray<readonly [string, 'asc' | 'desc']>
}

const metadata: ArtifactField = { schema: JsonObjectSchema, default: {}, json: true }

/** Where in a signal's evidence the words that show the skill are: evidence[start:end] = text. */
export const EvidenceSpanSchema = Type.Object({
  text: Type.String({ minLength: 1, maxLength: 200 }),
  start: Type.Integer({ minimum: 0, description: 'Character offset in evidence where the words start.' }),
  end: Type.Integer({ minimum: 1, description: 'Character offset in evidence just after them.' }),
}, { additionalProperties: false })

export const ARTIFACTS: readonly ArtifactSpec[] = [
  {
    table: 'worklog_external_link',
    segment: 'links',
    label: 'External link',
    fields: {
      system: { schema: Type.String({ maxLength: 50, description: 'jira, github, gitlab, linear, …' }), default: '' },
      key: { schema: Type.String({ maxLength: 200, description: 'The item\'s key there, e.g. PROJ-123.' }), default: '' },
      url: { schema: WebUrl(2000) },
      title: { schema: Type.String({ maxLength: 300 }), default: '' },
      metadata,
    },
    order: [['created_at', 'asc']],
  },
  {
    table: 'worklog_bullet',
    segment: 'bullets',
    label: 'Bullet',
    fields: {
      kind: { schema: Type.Enum(BULLET_KINDS), default: 'resume' },
      text: { schema: Type.String({ minLength: 1, maxLength: 2000 }) },
      is_ai_generated: { schema: Type.Boolean(), default: false },
      is_selected: { schema: Type.Boolean(), default: false },
      order: { schema: Type.Integer({ minimum: 0, maximum: 10000 }), default: 0 },
      metrics: { schema: JsonObjectSchema, default: {}, json: true },
      metadata,
    },
    order: [['order', 'asc'], ['created_at', 'asc']],
  },
  {
    table: 'worklog_skill_signal',
    segment: 'skill-signals',
    label: 'Skill signal',
    fields: {
      name: { schema: Type.String({ minLength: 1, maxLength: 200 }) },
      kind: { schema: Type.String({ maxLength: 50 }), default: '' },
      confidence: { schema: Type.Number({ minimum: 0, maximum: 1 }), default: 1 },
      source: { schema: Type.String({ minLength: 1, maxLength: 50 }), default: 'manual' },
      status: { schema: Type.Enum(SIGNAL_STATUSES), default: 'suggested' },
      basis: {
        schema: Type.Enum(SIGNAL_BASES, { description: 'stated: added by a person; named: the work log names the skill; inferred: read from the work described, or implied by a named skill (lower confidence).' }),
        default: 'stated',
        readOnly: true,
      },
      evidence: { schema: Type.String({ maxLength: 5000 }), default: '' },
      evidence_spans: {
        schema: Type.Array(EvidenceSpanSchema, { maxItems: 20, description: 'The words in evidence that show the skill (what triggered it), in text order.' }),
        default: [],
        json: true,
        readOnly: true,
        clearedBy: 'evidence',
      },
      metadata,
    },
    order: [['confidence', 'desc'], ['name', 'asc']],
  },
]

export function artifactBody (spec: ArtifactSpec, partial: boolean) {
  const properties: TProperties = {}
  for (const [name, field] of Object.entries(spec.fields)) {
    if (field.readOnly === true) continue
    properties[name] = partial || field.default !== undefined ? Type.Optional(field.schema) : field.schema
  }
  return Type.Object(properties, { additionalProperties: false })
}

export function artifactOut (spec: ArtifactSpec) {
  const properties: TProperties = { id: Uuid, worklog_id: Uuid, created_at: Type.String({ format: 'date-time' }) }
  for (const [name, field] of Object.entries(spec.fields)) properties[name] = field.schema
  return Type.Object(properties)
}
