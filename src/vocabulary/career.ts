// The words of what the record turns into: skills with a kind and a level, and the kinds
// of report. Shared by the skill/report tables (migrations/0006_ai_outputs.sql repeats
// the levels as a CHECK constraint), the API schemas and the agents. Imports nothing.

export const SKILL_KINDS = ['language', 'framework', 'tool', 'cloud', 'database', 'practice', 'soft_skill'] as const
export type SkillKind = (typeof SKILL_KINDS)[number]

/** Lowest first: the order is the ranking (`sort=level` and the agents' scoring use it). */
export const SKILL_LEVELS = ['beginner', 'intermediate', 'advanced', 'expert'] as const
export type SkillLevel = (typeof SKILL_LEVELS)[number]

export const REPORT_KINDS = ['status', 'standup', 'weekly', 'monthly', 'sprint', 'summary'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

/** What a share link can point at. */
export const SHARE_TARGET_KINDS = ['report', 'resume'] as const
export type ShareTargetKind = (typeof SHARE_TARGET_KINDS)[number]
