import type { SkillKind } from '../../vocabulary/career.ts'

/**
 * How strictly a term must appear before it counts as a mention:
 *  - 'any': case-insensitive ("postgres", "PostgreSQL", "POSTGRES").
 *  - 'name': exact case as written in the taxonomy, anywhere. For product
 *    names that are rare as capitalised English words ("Snowflake", "React",
 *    "Vault"): lowercase "react" is a verb, "Snowflake" opening a sentence is
 *    still the product.
 *  - 'proper': exact case, and not merely the first word of a sentence unless
 *    a technical noun follows or the sentence names other technology. For
 *    names that are everyday English words ("Swift", "Express", "Sketch").
 *  - 'context': like 'proper', plus a technical cue next to it (a preposition
 *    such as "in"/"using", a noun such as "service"/"code", or another
 *    technology in the same sentence). For names that are very common words or
 *    single letters ("Go", "C", "R").
 *  - 'rule': the canonical name alone is never a mention (its aliases still
 *    are); inference rules and implications produce it. For skills whose name
 *    is mostly used for something else ("German" customers are not the German
 *    language, "networking" is often a social event).
 */
export type MatchMode = 'any' | 'name' | 'proper' | 'context' | 'rule'

/**
 * A pattern of described work that shows a skill without naming it ("added a
 * missing index" → Database Indexing). Each regular expression is tried on one
 * sentence at a time, case-insensitively (flags written on the expressions are
 * ignored); what it matches is the evidence span.
 */
export interface InferenceRule {
  /** Every pattern must match in the same sentence; each match becomes an evidence span. */
  when: RegExp | readonly RegExp[];
  /** The sentence does not count when this matches in it (a more specific reading, another sense of the words). */
  unless?: RegExp;
  /** The work log as a whole must match this too (a domain cue that may sit in another sentence). */
  within?: RegExp;
  /**
   * The rule is about producing a piece of writing, so it also applies to a
   * sentence that describes one. Other rules skip such sentences: a blog post
   * on how latency was cut is writing, not performance work.
   */
  describesWriting?: boolean;
}

export interface SkillEntry {
  canonical: string;
  kind: SkillKind;
  aliases: string[];
  /** Mode for the canonical name; aliases default to 'any' unless listed in `properAliases`. */
  mode?: MatchMode;
  /** Aliases matched like a 'proper' name: exact case, and not alone at a sentence's start ("Spring", "Compose"). */
  properAliases?: string[];
  /** Aliases matched like a 'name': exact case, anywhere ("JS", "Vault", "Excel"). */
  nameAliases?: string[];
  /**
   * Skills anyone who works with this one also has, by canonical name: Django
   * implies Python, Terraform implies Infrastructure as Code. Implied skills are
   * inferred, with this skill's evidence.
   */
  implies?: string[];
  /** Kinds of work that show this skill without naming it. */
  inferredFrom?: InferenceRule[];
}
