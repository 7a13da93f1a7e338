/**
 * What the resume agent takes (profile, bullets, projects, skills), what a model
 * writes (headline, summary, chosen highlights) and the JSON Resume it returns.
 *
 * The output schemas are untrusted model output, validated before use, and written
 * to be accepted by OpenAI's strict structured output mode: every property is
 * required, optional values are `T | null`, and objects forbid additional properties.
 */
import { Type, type Static } from 'typebox'
import type { SkillKind, SkillLevel } from '../vocabulary/career.ts'

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
