/**
 * What the worklog agent takes (a work log as plain TypeScript, since it comes from
 * our own workflow code) and what a model returns for it (TypeBox schemas).
 *
 * The output schemas are untrusted model output, validated before use, and written
 * to be accepted by OpenAI's strict structured output mode: every property is
 * required, optional values are `T | null`, and objects forbid additional properties.
 */
import { Type, type Static } from 'typebox'
import { BULLET_KINDS, FOUND_BASES, WORK_TYPES, type WorklogStatus, type WorkType } from '../vocabulary/worklog.ts'
import { SKILL_KINDS } from '../vocabulary/career.ts'

/** A work log as the agents see it: text fields plus the scoping names, no ids required. */
export interface WorklogInput {
  id?: string;
  /** ISO date, YYYY-MM-DD. */
  occurredOn: string;
  title?: string | null;
  content: string;
  outcome?: string | null;
  impact?: string | null;
  nextSteps?: string | null;
  workType?: WorkType | null;
  status?: WorklogStatus | null;
  tags?: string[];
  effortMinutes?: number | null;
  isBillable?: boolean | null;
  clientName?: string | null;
  projectName?: string | null;
  sprintName?: string | null;
}

export const SkillSignalSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    kind: Type.Enum(SKILL_KINDS),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    /** 'named' when the entry names the skill, 'inferred' when it is read from the work described. */
    basis: Type.Enum(FOUND_BASES),
    /** The sentence that shows the skill. */
    evidence: Type.String({ maxLength: 400 }),
    /** The words in `evidence` that show it ("k8s", "added a missing index"). */
    evidenceSpans: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 5 }),
  },
  { additionalProperties: false }
)
export type SkillSignal = Static<typeof SkillSignalSchema>

export const WorklogBulletSchema = Type.Object(
  {
    kind: Type.Enum(BULLET_KINDS),
    text: Type.String({ minLength: 1, maxLength: 400 }),
  },
  { additionalProperties: false }
)
export type WorklogBullet = Static<typeof WorklogBulletSchema>

export const WorklogMetricSchema = Type.Object(
  {
    /** The headline number ("to Y" side of a change, the amount otherwise). */
    value: Type.Number(),
    /** '%', 'ms', 's', 'min', 'h', 'days', 'USD', 'users', 'requests', … or null when unitless. */
    unit: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]),
    /** Starting value for "from X to Y" changes, otherwise null. */
    baseline: Type.Union([Type.Number(), Type.Null()]),
    /** The metric as written in the log, e.g. "from 800ms to 120ms". */
    raw: Type.String({ maxLength: 200 }),
    /** The sentence the metric comes from. */
    context: Type.String({ maxLength: 400 }),
  },
  { additionalProperties: false }
)
export type WorklogMetric = Static<typeof WorklogMetricSchema>

export const WorklogAnalysisSchema = Type.Object(
  {
    summary: Type.String({ maxLength: 600 }),
    suggestedWorkType: Type.Enum(WORK_TYPES),
    skillSignals: Type.Array(SkillSignalSchema, { maxItems: 40 }),
    bullets: Type.Array(WorklogBulletSchema, { maxItems: 10 }),
    metrics: Type.Array(WorklogMetricSchema, { maxItems: 20 }),
  },
  { additionalProperties: false }
)
export type WorklogAnalysis = Static<typeof WorklogAnalysisSchema>

/** Where in a signal's evidence the words that show the skill are: `evidence.slice(start, end) === text`. */
export interface EvidenceSpan {
  text: string;
  start: number;
  end: number;
}

/** A skill signal after the agent has checked it: spans located in the evidence, words not found there dropped. */
export interface FoundSkillSignal extends Omit<SkillSignal, 'evidenceSpans'> {
  evidenceSpans: EvidenceSpan[];
}

/** What analyzeWorklog returns: the provider's analysis, tidied. */
export interface AnalysedWorklog extends Omit<WorklogAnalysis, 'skillSignals'> {
  skillSignals: FoundSkillSignal[];
}
