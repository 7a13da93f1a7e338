/**
 * The bundled skill taxonomy: curated frameworks/tools/clouds/databases/
 * practices/soft skills plus programming languages from Linguist, behind one
 * matcher built once at module load.
 */
import type { SkillKind } from '../../vocabulary/career.ts'
import { CURATED_ENTRIES } from './curated.ts'
import { LANGUAGE_ENTRIES } from './languages.ts'
import { SkillMatcher, type FindSkillsOptions, type SkillMatch } from './matcher.ts'
import type { SkillEntry } from './taxonomy.types.ts'

export type { SkillEntry, MatchMode } from './taxonomy.types.ts'
export type { SkillMatch, FindSkillsOptions } from './matcher.ts'

// Curated entries go first so that, on a name clash, the reviewed entry wins.
const matcher = new SkillMatcher([...CURATED_ENTRIES, ...LANGUAGE_ENTRIES])

export const SKILL_TAXONOMY: readonly SkillEntry[] = matcher.entries

/** Finds the skills mentioned in `text`, one result per canonical skill, in order of first mention. */
export function findSkills (text: string, options?: FindSkillsOptions): SkillMatch[] {
  return matcher.find(text, options)
}

export function lookupSkill (name: string): SkillEntry | undefined {
  return matcher.lookup(stripVersion(name)) ?? matcher.lookup(name)
}

/** Words kept lowercase inside title-cased unknown names. */
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with', 'via'])

/**
 * Canonical display name for a skill: the taxonomy's spelling when known
 * ("postgres" → "PostgreSQL", "k8s" → "Kubernetes", "Python 3.12" → "Python"),
 * otherwise a cleaned title-case form ("event  storming" → "Event Storming")
 * that keeps acronyms and deliberate capitals ("gRPC", "SQS") as written.
 */
export function normalizeSkillName (name: string): string {
  const cleaned = name
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'`#*•-]+|[\s"'`.,;:!?*]+$/g, '')
  if (cleaned.length === 0) return ''
  const known = lookupSkill(cleaned)
  if (known) return known.canonical
  return cleaned
    .split(' ')
    .map((word, i) => {
      if (/[A-Z]/.test(word.slice(1)) || /\d/.test(word) || /^[A-Z]{2,}$/.test(word)) return word
      const lower = word.toLowerCase()
      if (i > 0 && MINOR_WORDS.has(lower)) return lower
      return lower.charAt(0).toUpperCase() + lower.slice(1)
    })
    .join(' ')
}

/** The taxonomy's kind for a name, or null when the name is unknown. */
export function skillKindOf (name: string): SkillKind | null {
  return lookupSkill(name)?.kind ?? null
}

function stripVersion (name: string): string {
  return name.replace(/\s+v?\d+(\.\d+)*[a-z]?$/i, '').trim()
}
