/**
 * The bundled skill taxonomy: named technology, engineering and data
 * practices, design, business and writing skills, working with people, and
 * programming languages from Linguist. One definition per skill (its names,
 * what it implies, the work it is inferred from), read by one matcher and one
 * inferrer, built when first asked for (see languages.ts for why not at load).
 */
import type { SkillKind } from '../../vocabulary/career.ts'
import { BUSINESS_ENTRIES } from './business.ts'
import { DATA_ENTRIES } from './data.ts'
import { DESIGN_ENTRIES } from './design.ts'
import { ENGINEERING_ENTRIES } from './engineering.ts'
import { SkillInferrer } from './inference.ts'
import { languageEntries } from './languages.ts'
import { INFERRED_CEILING, SkillMatcher, excerpt, type FindSkillsOptions, type SkillMatch } from './matcher.ts'
import { PEOPLE_ENTRIES } from './people.ts'
import { TECHNOLOGY_ENTRIES } from './technology.ts'
import type { SkillEntry } from './taxonomy.types.ts'
import { WRITING_ENTRIES } from './writing.ts'

export type { SkillEntry, MatchMode, InferenceRule } from './taxonomy.types.ts'
export type { SkillMatch, SkillBasis, FindSkillsOptions } from './matcher.ts'
export { NAMED_FLOOR, INFERRED_CEILING } from './matcher.ts'

interface Taxonomy { matcher: SkillMatcher; inferrer: SkillInferrer }

let built: Taxonomy | undefined

function taxonomy (): Taxonomy {
  if (built === undefined) {
    // Reviewed entries go first so that, on a name clash, they win over Linguist-derived ones.
    const matcher = new SkillMatcher([
      ...TECHNOLOGY_ENTRIES,
      ...ENGINEERING_ENTRIES,
      ...DATA_ENTRIES,
      ...DESIGN_ENTRIES,
      ...BUSINESS_ENTRIES,
      ...WRITING_ENTRIES,
      ...PEOPLE_ENTRIES,
      ...languageEntries(),
    ])
    built = { matcher, inferrer: new SkillInferrer(matcher.entries) }
  }
  return built
}

/** Every skill the taxonomy knows. */
export function skillTaxonomy (): readonly SkillEntry[] {
  return taxonomy().matcher.entries
}

/** Names claimed by two skills (the first listed keeps it); the reviewed data should have none. */
export function taxonomyClashes (): SkillMatcher['clashes'] {
  return taxonomy().matcher.clashes
}

/** Confidence of a skill read from one sentence of described work; each further sentence adds a little. */
const INFERRED_BASE = 0.6
/** An implied skill keeps this share of its source's confidence, and stays under the inferred ceiling. */
const IMPLIED_FACTOR = 0.7
const IMPLIED_CEILING = 0.6

/**
 * Skills shown by `text`, one result per canonical skill: those it names
 * (high confidence) in order of first mention, then those inferred from the
 * work it describes, then those the others imply (lower confidence). A title
 * is read like the text; tags are taken as named.
 */
export function findSkills (text: string, options: FindSkillsOptions = {}): SkillMatch[] {
  const { matcher, inferrer } = taxonomy()
  const named = matcher.find(text, options)
  const results: SkillMatch[] = [...named]
  const present = new Set(named.map((m) => m.name))

  const title = options.title?.trim() ?? ''
  const inferred = [...inferrer.infer(text, `${title}\n${text}`), ...(title ? inferrer.infer(title, `${title}\n${text}`) : [])]
  for (const inference of inferred) {
    if (present.has(inference.entry.canonical)) continue
    present.add(inference.entry.canonical)
    const confidence = Math.min(INFERRED_CEILING, INFERRED_BASE + 0.05 * (inference.sentences - 1))
    results.push({
      name: inference.entry.canonical,
      kind: inference.entry.kind,
      confidence: round(confidence),
      basis: 'inferred',
      evidence: excerpt(inference.sentence, inference.index),
      spans: inference.spans,
      mentions: inference.sentences,
    })
  }

  // Implications chain (Jetpack Compose → Android Development), each skill added once.
  for (let i = 0; i < results.length; i++) {
    const source = results[i]!
    for (const impliedName of matcher.lookup(source.name)?.implies ?? []) {
      const entry = matcher.lookup(impliedName)
      if (!entry || present.has(entry.canonical)) continue
      present.add(entry.canonical)
      results.push({
        name: entry.canonical,
        kind: entry.kind,
        confidence: round(Math.min(IMPLIED_CEILING, source.confidence * IMPLIED_FACTOR)),
        basis: 'inferred',
        evidence: source.evidence,
        spans: source.spans,
        mentions: 1,
      })
    }
  }
  return results
}

export function lookupSkill (name: string): SkillEntry | undefined {
  const { matcher } = taxonomy()
  return matcher.lookup(stripVersion(name)) ?? matcher.lookup(name)
}

/** Words kept lowercase inside title-cased unknown names. */
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with', 'via'])

/**
 * Canonical display name for a skill: the taxonomy's spelling when known
 * ("postgres" → "PostgreSQL", "k8s" → "Kubernetes", "Python 3.12" → "Python",
 * "Amazon Web Services" → "AWS", "optimisation" spellings alike), otherwise a
 * cleaned title-case form ("event  storming" → "Event Storming") that keeps
 * acronyms and deliberate capitals ("gRPC", "SQS") as written.
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

function round (value: number): number {
  return Math.round(value * 100) / 100
}
