/**
 * What the report agent takes (a period's work logs), what a model writes (the
 * prose) and the report it returns with statistics computed by the agent.
 *
 * The output schemas are untrusted model output, validated before use, and written
 * to be accepted by OpenAI's strict structured output mode: every property is
 * required, optional values are `T | null`, and objects forbid additional properties.
 */
import { Type, type Static } from 'typebox'
import type { WorklogStatus, WorkType } from '../vocabulary/worklog.ts'
import type { ReportKind } from '../vocabulary/career.ts'
import type { WorklogInput } from './worklog.types.ts'

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
