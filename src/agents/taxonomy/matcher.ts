/**
 * Finds skills the taxonomy knows by name in free text.
 *
 * All terms (canonical names and aliases, plus their British/American
 * spellings) are compiled into one alternation, longest first, wrapped in
 * Unicode word boundaries, and matched case-insensitively. Each hit is then
 * checked against its term's MatchMode (exact case for 'proper'/'context'
 * terms, technical cues for 'context' ones), against the ways a text names
 * something without working with it (mentions.ts), and collapsed onto the
 * canonical name. Multi-word terms tolerate spaces or hyphens between words
 * ("code-review", "on call", "Spring  Boot"); practices and soft skills also
 * match their plurals ("usability tests", "PRDs").
 */
import type { SkillKind } from '../../vocabulary/career.ts'
import { splitSentences, truncateAtWord, type Sentence } from '../text.ts'
import { isWorkMention } from './mentions.ts'
import type { MatchMode, SkillEntry } from './taxonomy.types.ts'

/** Named: the text (or a tag) names the skill. Inferred: a rule read it from the work described, or another skill implies it. */
export type SkillBasis = 'named' | 'inferred'

export interface SkillMatch {
  name: string;
  kind: SkillKind;
  confidence: number;
  basis: SkillBasis;
  /** The sentence the first mention occurs in (trimmed to a readable length). */
  evidence: string;
  /** The words that triggered the match, as written in the evidence ("k8s", "missing index"). */
  spans: string[];
  /** How many times the skill was mentioned (sentences, for inferred skills). */
  mentions: number;
}

export interface FindSkillsOptions {
  /** A title is strong evidence: skills found there get a small confidence boost. */
  title?: string | null;
  /** Tags are explicit user statements: any tag naming a skill is accepted at high confidence. */
  tags?: readonly string[];
}

interface TermInfo {
  entry: SkillEntry;
  text: string;
  mode: MatchMode;
  isCanonical: boolean;
}

interface Hit {
  term: TermInfo;
  index: number;
  matched: string;
  sentence: Sentence;
  sentenceInitial: boolean;
  /** Proper/context terms that need corroboration by another technology in the sentence. */
  needsCorroboration: boolean;
}

/** Kinds whose mention corroborates an ambiguous name in the same sentence ("Go and Postgres"). */
const TECH_KINDS: ReadonlySet<SkillKind> = new Set(['language', 'framework', 'tool', 'cloud', 'database'])

/** Kinds named by phrases that take a plural or a verb ending ("usability tests", "PRDs", "load tested"). */
const INFLECTED_KINDS: ReadonlySet<SkillKind> = new Set(['practice', 'soft_skill'])

/**
 * Confidence bands: a named skill never scores below NAMED_FLOOR; what is
 * inferred from described work never above INFERRED_CEILING, so the two are
 * told apart by the number alone.
 */
export const NAMED_FLOOR = 0.75
export const INFERRED_CEILING = 0.65

/** Words right before a 'context' term that signal a technology: "in Go", "using R", "to C". */
const CUE_PREVIOUS = new Set([
  'in', 'using', 'with', 'via', 'from', 'to', 'into', 'and', 'or', 'plus', 'modern', 'idiomatic', 'our', 'the', 'learning', 'learned',
  'wrote', 'write', 'writing', 'rewrote', 'rewrite', 'ported', 'port', 'migrated', 'native', 'pure', 'embedded',
])

/** Words right after a 'context' term that signal a technology: "Go service", "C code", "R script". */
const CUE_NEXT = new Set([
  'service', 'services', 'microservice', 'microservices', 'code', 'codebase', 'module', 'modules', 'package', 'packages', 'library',
  'libraries', 'lib', 'sdk', 'api', 'apis', 'binary', 'binaries', 'cli', 'compiler', 'runtime', 'toolchain', 'program', 'programs',
  'programming', 'script', 'scripts', 'developer', 'developers', 'engineer', 'engineers', 'backend', 'server', 'worker', 'workers',
  'implementation', 'port', 'rewrite', 'bindings', 'binding', 'extension', 'extensions', 'generics', 'goroutines', 'goroutine', 'struct',
  'structs', 'interfaces', 'tests', 'test', 'project', 'app', 'application', 'version', 'upgrade', 'linter', 'build', 'builds', 'ticket',
  'tickets', 'issue', 'issues', 'board', 'workflow', 'plugin', 'plugins', 'notebook', 'notebooks', 'package', 'ffi', 'header', 'headers',
  'modules', 'dependency', 'dependencies', 'language', 'job', 'jobs', 'cluster', 'clusters', 'config', 'configuration', 'migration', 'setup', 'meetup', 'meetups', 'conference', 'community',
])

/** Words right before a single letter that make it a label, not a language: "plan C", "grade R". */
const BLOCK_PREVIOUS = new Set([
  'plan', 'option', 'grade', 'class', 'type', 'section', 'appendix', 'vitamin', 'series', 'step', 'phase', 'part', 'tier', 'group',
  'building', 'room', 'floor', 'block', 'level', 'team', 'variant', 'scenario', 'round', 'item', 'column', 'row', 'model', 'point',
])

/** Lowercased, separator-free form used to look terms up ("Spring-Boot" → "springboot"). */
export function termKey (text: string): string {
  return text.toLowerCase().replace(/[\s-]+/g, '')
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Where a term may start: not inside a word. */
const WORD_START = /(?<![\p{L}\p{N}_])\S/gu

/** The bucket a term is tried from: its first two characters, or one when its first word is a single character ("C", "R", "A/B"). */
function openingOf (text: string): string {
  const firstWord = text.trim().split(/[\s-]+/)[0] ?? ''
  return (firstWord.length >= 2 ? firstWord.slice(0, 2) : firstWord.slice(0, 1)).toLowerCase()
}

function termPattern (text: string): string {
  return text
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s\\-]*')
}

/** The endings a practice's phrase may take: "tests", "tested", "testing". */
const INFLECTION = '(?:e?s|e?d|ing)?'

/** Spelling pairs of British and American English, both ways round. */
const SPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/iz(e|ed|es|er|ers|ing|ation|ations)\b/g, 'is$1'],
  [/is(e|ed|es|er|ers|ing|ation|ations)\b/g, 'iz$1'],
  [/yz(e|ed|es|ing)\b/g, 'ys$1'],
  [/ys(e|ed|es|ing)\b/g, 'yz$1'],
  [/ell(ing|ed|er|ers)\b/g, 'el$1'],
  [/([^l])el(ing|ed)\b/g, '$1ell$2'],
  [/iour\b/g, 'ior'],
  [/ior\b/g, 'iour'],
  [/olour/g, 'olor'],
  [/olor/g, 'olour'],
]

/** The term as written plus its other English spellings ("optimization" → "optimisation"). */
export function spellingVariants (text: string): string[] {
  const variants = new Set([text])
  for (const [pattern, replacement] of SPELLINGS) {
    const variant = text.replace(pattern, replacement)
    if (variant !== text) variants.add(variant)
  }
  return [...variants]
}

export class SkillMatcher {
  readonly #terms = new Map<string, TermInfo[]>()
  readonly #byCanonical = new Map<string, SkillEntry>()
  readonly #clashes: Array<{ term: string; keptBy: string; droppedFrom: string }> = []
  /**
   * One sticky alternation per opening of a term (its first one or two letters,
   * lowercased), tried only where a word starts with that opening: a single
   * alternation of every term costs a full pass over thousands of branches at
   * each position of the text.
   */
  readonly #byOpening = new Map<string, RegExp[]>()

  constructor (entries: readonly SkillEntry[]) {
    for (const entry of entries) {
      const canonicalKey = termKey(entry.canonical)
      // Earlier entries win: curated entries are passed before Linguist-derived ones.
      if (this.#byCanonical.has(canonicalKey)) continue
      this.#byCanonical.set(canonicalKey, entry)
      this.#addTerm({ entry, text: entry.canonical, mode: entry.mode ?? 'any', isCanonical: true })
      for (const alias of entry.aliases) this.#addTerm({ entry, text: alias, mode: 'any', isCanonical: false })
      for (const alias of entry.properAliases ?? []) this.#addTerm({ entry, text: alias, mode: 'proper', isCanonical: false })
      for (const alias of entry.nameAliases ?? []) this.#addTerm({ entry, text: alias, mode: 'name', isCanonical: false })
    }
    // Per opening, two alternations: names as written, and phrases that may take an ending.
    const byOpening = new Map<string, [Map<string, string>, Map<string, string>]>()
    for (const term of [...this.#terms.values()].flat()) {
      // 'rule' skills are looked up by name but never found by it.
      if (term.mode === 'rule') continue
      const pattern = termPattern(term.text)
      const groups = byOpening.get(openingOf(term.text)) ?? [new Map<string, string>(), new Map<string, string>()]
      const patterns = groups[INFLECTED_KINDS.has(term.entry.kind) ? 1 : 0]
      // The alternation ignores case, so "Behaviour-Driven" and "behaviour-driven" are one branch.
      if (!patterns.has(pattern.toLowerCase())) patterns.set(pattern.toLowerCase(), term.text)
      byOpening.set(openingOf(term.text), groups)
    }
    for (const [opening, groups] of byOpening) {
      const regexes = groups.filter((patterns) => patterns.size > 0).map((patterns) => {
        const alternation = [...patterns]
          .sort(([, a], [, b]) => b.length - a.length || a.localeCompare(b))
          .map(([pattern]) => pattern)
        const ending = patterns === groups[1] ? INFLECTION : ''
        return new RegExp(`(?:${alternation.join('|')})${ending}(?![\\p{L}\\p{N}_]|\\+\\+|#)`, 'iuy')
      })
      this.#byOpening.set(opening, regexes)
    }
  }

  /** Every term occurrence in `text`, left to right, longest first where two start together, none overlapping. */
  #scan (text: string): Array<{ index: number; matched: string }> {
    const found: Array<{ index: number; matched: string }> = []
    WORD_START.lastIndex = 0
    for (let start = WORD_START.exec(text); start !== null; start = WORD_START.exec(text)) {
      const index = start.index
      let best = ''
      for (const opening of [text.slice(index, index + 2).toLowerCase(), text.charAt(index).toLowerCase()]) {
        for (const pattern of this.#byOpening.get(opening) ?? []) {
          pattern.lastIndex = index
          const m = pattern.exec(text)
          if (m && m[0].length > best.length) best = m[0]
        }
      }
      if (best.length === 0) continue
      found.push({ index, matched: best })
      WORD_START.lastIndex = index + best.length
    }
    return found
  }

  #addTerm (term: TermInfo): void {
    for (const text of spellingVariants(term.text)) this.#addSpelling({ ...term, text })
  }

  #addSpelling (term: TermInfo): void {
    const key = termKey(term.text)
    if (key.length === 0) return
    const existing = this.#terms.get(key)
    if (!existing) {
      this.#terms.set(key, [term])
      return
    }
    // A term already claimed by another skill stays with the first claimant; one skill may list
    // the same key twice (canonical + alias) and then the more permissive mode wins.
    const claimant = existing.find((t) => t.entry !== term.entry)
    if (claimant) {
      this.#clashes.push({ term: term.text, keptBy: claimant.entry.canonical, droppedFrom: term.entry.canonical })
      return
    }
    existing.push(term)
  }

  /** Names two skills both claimed: the first keeps it. For checking the taxonomy's data. */
  get clashes (): ReadonlyArray<{ term: string; keptBy: string; droppedFrom: string }> {
    return this.#clashes
  }

  /** Every entry, canonical spelling first; for listings and prompt hints. */
  get entries (): SkillEntry[] {
    return [...this.#byCanonical.values()]
  }

  /** Looks a name up as a user would type it: any case, canonical or alias, either spelling. */
  lookup (name: string): SkillEntry | undefined {
    const key = termKey(name.trim())
    return this.#terms.get(key)?.[0]?.entry ?? this.#byCanonical.get(key)
  }

  /** The terms a matched text stands for, and the part of it that is the term (without a plural ending). */
  #termsFor (matched: string): { terms: TermInfo[]; core: string } | undefined {
    const exact = this.#terms.get(termKey(matched))
    if (exact) return { terms: exact, core: matched }
    for (const ending of ['es', 's', 'ed', 'd', 'ing']) {
      if (!matched.toLowerCase().endsWith(ending)) continue
      const core = matched.slice(0, -ending.length)
      const terms = this.#terms.get(termKey(core))?.filter((t) => INFLECTED_KINDS.has(t.entry.kind))
      if (terms && terms.length > 0) return { terms, core }
    }
    return undefined
  }

  find (text: string, options: FindSkillsOptions = {}): SkillMatch[] {
    const found = new Map<string, { hits: Hit[]; inTitle: boolean; fromTag: boolean; entry: SkillEntry }>()
    const record = (entry: SkillEntry, hit: Hit | null, inTitle: boolean, fromTag: boolean): void => {
      const current = found.get(entry.canonical) ?? { hits: [], inTitle: false, fromTag: false, entry }
      if (hit) current.hits.push(hit)
      current.inTitle ||= inTitle
      current.fromTag ||= fromTag
      found.set(entry.canonical, current)
    }

    const title = options.title?.trim() ?? ''
    const titleHits = title ? this.#hits(title) : []
    for (const hit of titleHits) record(hit.term.entry, hit, true, false)
    for (const hit of this.#hits(text)) record(hit.term.entry, hit, false, false)
    for (const tag of options.tags ?? []) {
      const entry = this.lookup(tag.replace(/^#/, ''))
      if (entry) record(entry, null, false, true)
    }

    const matches: Array<SkillMatch & { order: number }> = []
    for (const { hits, inTitle, fromTag, entry } of found.values()) {
      const first = hits.find((h) => !titleHits.includes(h)) ?? hits[0]
      const base = first ? baseConfidence(first.term) : 0.95
      const mentions = hits.length
      let confidence = base + Math.min(0.1, 0.05 * Math.max(0, mentions - 1)) + (inTitle ? 0.05 : 0)
      if (fromTag) confidence = Math.max(confidence, 0.95)
      const tagged = `Tagged "${entry.canonical}"`
      matches.push({
        name: entry.canonical,
        kind: entry.kind,
        confidence: Math.round(Math.min(0.99, confidence) * 100) / 100,
        basis: 'named',
        evidence: first ? excerpt(first.sentence, first.index) : tagged,
        spans: [first?.matched ?? entry.canonical],
        mentions: Math.max(1, mentions),
        // Title mentions sort first, then by position in the text, tags last.
        order: first ? (titleHits.includes(first) ? -1 : first.index) : Number.MAX_SAFE_INTEGER,
      })
    }
    return matches
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
      .map(({ order: _order, ...match }) => match)
  }

  /** All accepted hits in one text, after mode checks and corroboration. */
  #hits (text: string): Hit[] {
    const sentences = splitSentences(text)
    const sentenceAt = (index: number): Sentence =>
      sentences.find((s) => index >= s.start && index < s.end) ?? { text, start: 0, end: text.length }

    const candidates: Hit[] = []
    for (const m of this.#scan(text)) {
      const matched = m.matched
      const found = this.#termsFor(matched)
      if (!found) continue
      const sentence = sentenceAt(m.index)
      const sentenceInitial = text.slice(sentence.start, m.index).trim().length === 0
      const accepted = this.#accept(found.terms, found.core, text, m.index, sentenceInitial)
      if (!accepted || !isWorkMention(text, m.index, matched.length, sentence)) continue
      candidates.push({ term: accepted.term, index: m.index, matched, sentence, sentenceInitial, needsCorroboration: accepted.needsCorroboration })
    }

    // Ambiguous names without their own cue stand only if another technology shares the sentence.
    return candidates.filter((hit) => {
      if (!hit.needsCorroboration) return true
      return candidates.some(
        (other) =>
          other !== hit &&
          other.sentence.start === hit.sentence.start &&
          !other.needsCorroboration &&
          other.term.entry !== hit.term.entry &&
          TECH_KINDS.has(other.term.entry.kind)
      )
    })
  }

  #accept (
    terms: TermInfo[],
    matched: string,
    text: string,
    index: number,
    sentenceInitial: boolean
  ): { term: TermInfo; needsCorroboration: boolean } | null {
    // Prefer the most permissive reading that applies ('any' before 'proper' before 'context').
    const order: Record<MatchMode, number> = { any: 0, name: 1, proper: 2, context: 3, rule: 4 }
    for (const term of [...terms].sort((a, b) => order[a.mode] - order[b.mode])) {
      if (term.mode === 'rule') continue
      if (term.mode === 'any') return { term, needsCorroboration: false }
      if (termKeyExact(matched) !== termKeyExact(term.text)) {
        // A product name written in lower case ("cypress -> playwright", "in looker") still counts
        // next to a technical cue or other technology; "react faster" does not, nor does an
        // acronym in lower case ("svg loader" is a package).
        if (term.mode !== 'name' || matched !== matched.toLowerCase() || /^[\p{Lu}\d]+$/u.test(term.text)) continue
        const verdict = lowercaseNameVerdict(text, index, matched.length)
        if (verdict === 'reject') continue
        return { term, needsCorroboration: verdict === 'corroborate' }
      }
      if (term.mode === 'name') return { term, needsCorroboration: false }
      // A capitalised name opening a sentence may be an ordinary word ("Sketch out…") unless a technical noun follows.
      if (term.mode === 'proper') return { term, needsCorroboration: sentenceInitial && !followedByCue(text, index + matched.length) }
      const verdict = contextVerdict(text, index, matched.length, sentenceInitial)
      if (verdict === 'reject') continue
      return { term, needsCorroboration: verdict === 'corroborate' }
    }
    return null
  }
}

/** Case-preserving separator-free form, for exact-case comparison. */
function termKeyExact (text: string): string {
  return text.replace(/[\s-]+/g, '')
}

/**
 * Decides a 'context' term: 'accept' when a cue word is adjacent, 'reject' for
 * label-like uses ("Plan C", "Go-live", "R&D"), 'corroborate' otherwise.
 */
function contextVerdict (text: string, index: number, length: number, sentenceInitial: boolean): 'accept' | 'reject' | 'corroborate' {
  const after = text.slice(index + length)
  const before = text.slice(0, index)
  // Hyphenated compounds and ampersands: "Go-live", "C-suite", "C-level", "R&D", "Q&A".
  if (/^(-[\p{L}]|&|'s\b|’s\b)/u.test(after)) return 'reject'
  if (/&$/.test(before)) return 'reject'
  const previousWord = /([\p{L}]+)[\s]*$/u.exec(before)?.[1]?.toLowerCase() ?? ''
  const nextWord = /^[\s]*([\p{L}]+)/u.exec(after)?.[1]?.toLowerCase() ?? ''
  if (BLOCK_PREVIOUS.has(previousWord)) return 'reject'
  const nextIsVersion = /^\s*v?\d+(\.\d+)*\b/.test(after)
  if (nextIsVersion || CUE_NEXT.has(nextWord)) return 'accept'
  // At the start of a sentence a preceding cue cannot exist and "Go"/"C" are likely ordinary words.
  if (sentenceInitial) return 'reject'
  if (CUE_PREVIOUS.has(previousWord)) return 'accept'
  return 'corroborate'
}

/** Prepositions that put a lower-case product name in technical use: "in looker", "with cypress". */
const LOWERCASE_NAME_PREVIOUS = new Set(['in', 'using', 'with', 'via', 'from', 'into', 'on'])

function lowercaseNameVerdict (text: string, index: number, length: number): 'accept' | 'reject' | 'corroborate' {
  const after = text.slice(index + length)
  const previousWord = /([\p{L}]+)[\s]*$/u.exec(text.slice(0, index))?.[1]?.toLowerCase() ?? ''
  if (/^\s*v?\d+(\.\d+)*\b/.test(after) || followedByCue(text, index + length)) return 'accept'
  if (LOWERCASE_NAME_PREVIOUS.has(previousWord)) return 'accept'
  return 'corroborate'
}

function followedByCue (text: string, end: number): boolean {
  const nextWord = /^[\s]*([\p{L}]+)/u.exec(text.slice(end))?.[1]?.toLowerCase() ?? ''
  return CUE_NEXT.has(nextWord)
}

function baseConfidence (term: TermInfo): number {
  const byMode: Record<MatchMode, number> = { any: term.isCanonical ? 0.9 : 0.85, name: 0.85, proper: 0.85, context: 0.8, rule: 0 }
  const soft = term.entry.kind === 'practice' || term.entry.kind === 'soft_skill'
  // A practice's name is weaker evidence than a product's ("incident" is often just the topic), but still named.
  return Math.max(NAMED_FLOOR, byMode[term.mode] - (soft ? 0.1 : 0))
}

export function excerpt (sentence: Sentence, index: number): string {
  const max = 240
  if (sentence.text.length <= max) return sentence.text
  // Centre long sentences on the mention so the evidence shows it.
  const relative = Math.max(0, index - sentence.start - max / 3)
  const slice = sentence.text.slice(relative)
  return `${relative > 0 ? '…' : ''}${truncateAtWord(slice, max)}`
}
