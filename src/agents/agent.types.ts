/**
 * Shared vocabulary of the agents: what goes in (plain TypeScript types, since
 * inputs come from our own workflow code) and what comes out of a model (TypeBox
 * schemas, since model output is untrusted and must be validated).
 *
 * The output schemas are written to be accepted by OpenAI's strict structured
 * output mode: every property is required, optional values are `T | null`, and
 * objects forbid additional properties.
 */
import { Type, type Static } from 'typebox'
import { BULLET_KINDS, WORK_TYPES, type WorklogStatus, type WorkType } from '../vocabulary/worklog.ts'
import { SKILL_KINDS, type ReportKind, type SkillKind, type SkillLevel } from '../vocabulary/career.ts'

// ---------------------------------------------------------------------------
// Domain vocabularies: defined once in src/vocabulary/ (which every layer may
// import), re-exported so each agent finds its whole vocabulary here.
// ---------------------------------------------------------------------------

export { BULLET_KINDS, WORK_TYPES, WORKLOG_STATUSES, type BulletKind, type WorklogStatus, type WorkType } from '../vocabulary/worklog.ts'
export { REPORT_KINDS, SKILL_KINDS, SKILL_LEVELS, type ReportKind, type SkillKind, type SkillLevel } from '../vocabulary/career.ts'

// ---------------------------------------------------------------------------
// Agent context
// ---------------------------------------------------------------------------

export type AgentLogLevel = 'debug' | 'info' | 'warning' | 'error'

/** Supplied by the workflow layer: cancellation plus a log sink (which becomes event rows). */
export interface AgentContext {
  signal?: AbortSignal;
  log(level: AgentLogLevel, message: string, data?: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------
// Worklog analysis
// ---------------------------------------------------------------------------

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
    evidence: Type.String({ maxLength: 400 }),
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

// ---------------------------------------------------------------------------
// Skill merging
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------

export interface ReportPeriod {
  /** ISO date, inclusive. */
  start: string;
  /** ISO date, inclusive. */
  end: string;
}

export interface ReportScope {
  clientName?: string | null;
  projectName?: string | null;
  sprintName?: string | null;
}

export interface ReportWorklog extends WorklogInput {
  /** Skill names already accepted for this log; detected from the text when absent. */
  skills?: string[];
}

export interface ReportInput {
  kind: ReportKind;
  period: ReportPeriod;
  scope?: ReportScope;
  worklogs: ReportWorklog[];
}

export const ReportSectionSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 40 }),
    heading: Type.String({ minLength: 1, maxLength: 120 }),
    items: Type.Array(Type.String({ minLength: 1, maxLength: 600 })),
  },
  { additionalProperties: false }
)
export type ReportSection = Static<typeof ReportSectionSchema>

/** What a model writes for a report: the prose. Numbers are computed by the agent, never by the model. */
export const ReportDraftSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 160 }),
    sections: Type.Array(ReportSectionSchema, { minItems: 1, maxItems: 12 }),
  },
  { additionalProperties: false }
)
export type ReportDraft = Static<typeof ReportDraftSchema>

export interface ReportStats {
  entries: number;
  hours: number;
  billableHours: number;
  /** Days in the period with at least one entry. */
  activeDays: number;
  byWorkType: Partial<Record<WorkType, number>>;
  byStatus: Partial<Record<WorklogStatus, number>>;
  /** Hours per client name ('Unassigned' when none). */
  hoursByClient: Record<string, number>;
  /** Hours per project name ('Unassigned' when none). */
  hoursByProject: Record<string, number>;
  /** Skills used in the period, most frequent first. */
  skills: Array<{ name: string; count: number }>;
  metricsCount: number;
}

export interface Report {
  kind: ReportKind;
  period: ReportPeriod;
  title: string;
  markdown: string;
  sections: ReportSection[];
  stats: ReportStats;
}

// ---------------------------------------------------------------------------
// Resume
// ---------------------------------------------------------------------------

export interface ResumeProfile {
  name: string;
  label?: string | null;
  email?: string | null;
  phone?: string | null;
  url?: string | null;
  summary?: string | null;
  location?: { city?: string | null; region?: string | null; countryCode?: string | null } | null;
  profiles?: Array<{ network: string; username?: string | null; url?: string | null }>;
}

export interface ResumeBulletInput {
  text: string;
  occurredOn: string;
  clientName?: string | null;
  projectName?: string | null;
  /** Bullets the user explicitly picked are always preferred. */
  isSelected?: boolean;
}

export interface ResumeProjectInput {
  name: string;
  clientName?: string | null;
  role?: string | null;
  description?: string | null;
  url?: string | null;
  startedOn?: string | null;
  endedOn?: string | null;
}

export interface ResumeSkillInput {
  name: string;
  kind: SkillKind;
  level: SkillLevel;
  confidence?: number;
}

export interface ResumeInput {
  profile: ResumeProfile;
  bullets: ResumeBulletInput[];
  projects: ResumeProjectInput[];
  skills: ResumeSkillInput[];
}

/** A group of candidate bullets the model chooses highlights for. `key` is fixed by the agent. */
export interface ResumeComposeGroup {
  key: string;
  title: string;
  candidates: string[];
}

export interface ResumeComposeTaskInput {
  profile: ResumeProfile;
  skills: ResumeSkillInput[];
  work: ResumeComposeGroup[];
  projects: ResumeComposeGroup[];
  maxHighlightsPerEntry: number;
}

const HighlightGroupSchema = Type.Object(
  {
    key: Type.String({ minLength: 1 }),
    highlights: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 8 }),
  },
  { additionalProperties: false }
)

/** What a model writes for a resume: the headline, summary and chosen highlights. */
export const ResumeDraftSchema = Type.Object(
  {
    label: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]),
    summary: Type.String({ maxLength: 900 }),
    work: Type.Array(HighlightGroupSchema),
    projects: Type.Array(HighlightGroupSchema),
  },
  { additionalProperties: false }
)
export type ResumeDraft = Static<typeof ResumeDraftSchema>

/** The subset of the JSON Resume schema (https://jsonresume.org/schema) we produce. */
export interface JsonResume {
  $schema: string;
  basics: {
    name: string;
    label?: string;
    email?: string;
    phone?: string;
    url?: string;
    summary?: string;
    location?: { city?: string; region?: string; countryCode?: string };
    profiles: Array<{ network: string; username?: string; url?: string }>;
  };
  work: Array<{
    name: string;
    position?: string;
    url?: string;
    startDate?: string;
    endDate?: string;
    summary?: string;
    highlights: string[];
  }>;
  projects: Array<{
    name: string;
    description?: string;
    url?: string;
    startDate?: string;
    endDate?: string;
    roles?: string[];
    entity?: string;
    highlights: string[];
    keywords?: string[];
  }>;
  skills: Array<{ name: string; level: string; keywords: string[] }>;
}

export interface ResumeResult {
  resume: JsonResume;
  markdown: string;
}
