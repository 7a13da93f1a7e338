import type { SkillKind } from '../../vocabulary/career.ts'

/**
 * How strictly a term must appear before it counts as a mention:
 *  - 'any': case-insensitive ("postgres", "PostgreSQL", "POSTGRES").
 *  - 'proper': exact case as written in the taxonomy, and not merely the first
 *    word of a sentence unless the sentence names other technology. For names
 *    that are also English words ("Swift", "Express", "Slack").
 *  - 'context': like 'proper', plus a technical cue next to it (a preposition
 *    such as "in"/"using", a noun such as "service"/"code", or another
 *    technology in the same sentence). For names that are very common words or
 *    single letters ("Go", "C", "R").
 */
export type MatchMode = 'any' | 'proper' | 'context'

export interface SkillTerm {
  text: string;
  mode: MatchMode;
}

export interface SkillEntry {
  canonical: string;
  kind: SkillKind;
  aliases: string[];
  /** Mode for the canonical name; aliases default to 'any' unless listed in `properAliases`. */
  mode?: MatchMode;
  /** Aliases that must match with exact case (e.g. "JS", "TS"). */
  properAliases?: string[];
}
