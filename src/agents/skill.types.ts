/**
 * What the skill agent merges (signals stored against work logs), what a model is
 * asked for (which raw names are one skill) and the merged profile it returns.
 *
 * The output schemas are untrusted model output, validated before use, and written
 * to be accepted by OpenAI's strict structured output mode: every property is
 * required, optional values are `T | null`, and objects forbid additional properties.
 */
import { Type, type Static } from 'typebox'
import { SKILL_KINDS, type SkillKind, type SkillLevel } from '../vocabulary/career.ts'

/** One skill signal as stored against a work log, ready to be merged into a profile. */
export interface SkillSignalInput {
  name: string;
  kind?: SkillKind | null;
  confidence: number;
  evidence: string;
  worklogId: string;
  /** ISO date of the work log the signal came from. */
  occurredOn: string;
  /** True when that work log has an outcome or impact written down. */
  hasOutcome?: boolean;
  /** True when that work log carries at least one metric. */
  hasMetric?: boolean;
}

export interface MergeSkillsInput {
  signals: SkillSignalInput[];
  /** The "today" used for recency, passed in so results are reproducible. ISO date. */
  asOf: string;
}

/** What the model is asked for when merging: which raw names are the same skill. */
export const SkillGroupingSchema = Type.Object(
  {
    groups: Type.Array(
      Type.Object(
        {
          canonical: Type.String({ minLength: 1, maxLength: 80 }),
          kind: Type.Enum(SKILL_KINDS),
          members: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1 }),
        },
        { additionalProperties: false }
      )
    ),
  },
  { additionalProperties: false }
)
export type SkillGrouping = Static<typeof SkillGroupingSchema>

export interface SkillsMergeTaskInput {
  names: Array<{ name: string; kind: SkillKind | null }>;
}

export interface SkillEvidence {
  worklogId: string;
  occurredOn: string;
  excerpt: string;
  confidence: number;
}

export interface MergedSkill {
  name: string;
  kind: SkillKind;
  level: SkillLevel;
  confidence: number;
  /** Number of signals (mentions) merged into this skill. */
  evidenceCount: number;
  /** Number of distinct work logs the skill was seen in. */
  worklogCount: number;
  firstSeenOn: string;
  lastSeenOn: string;
  /** 0..1 blend of frequency, recency and depth that determined the level. */
  score: number;
  /** Most recent evidence first, at most five entries. */
  evidence: SkillEvidence[];
}
