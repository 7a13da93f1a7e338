// Request and response shapes of /api/skills/.
import { Type, type Static } from 'typebox'
import { SKILL_LEVELS } from '../../vocabulary/career.ts'

export const SkillLevelSchema = Type.Enum(SKILL_LEVELS)

export const SKILL_ORDERINGS = ['confidence', 'level', 'last_seen', 'name'] as const
export type SkillOrdering = (typeof SKILL_ORDERINGS)[number]

export const SkillListQuery = Type.Object({
  kind: Type.Optional(Type.String({ maxLength: 40 })),
  level: Type.Optional(SkillLevelSchema),
  min_confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  sort: Type.Optional(Type.Enum(SKILL_ORDERINGS)),
}, { additionalProperties: false })
export type SkillListQuery = Static<typeof SkillListQuery>

export const SkillParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const SkillOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  level: SkillLevelSchema,
  confidence: Type.Number(),
  evidence_count: Type.Integer(),
  worklog_count: Type.Integer(),
  first_seen_on: Type.Union([Type.String(), Type.Null()]),
  last_seen_on: Type.Union([Type.String(), Type.Null()]),
})
export type SkillOut = Static<typeof SkillOut>

export const SkillEvidenceOut = Type.Object({
  worklog_id: Type.String(),
  excerpt: Type.String(),
  occurred_on: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Number(),
})
export type SkillEvidenceOut = Static<typeof SkillEvidenceOut>
