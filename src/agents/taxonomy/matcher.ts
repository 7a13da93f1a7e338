/**
 * Finds taxonomy skills in free text.
 *
 * All terms (canonical names and aliases) are compiled into one alternation,
 * longest first, wrapped in Unicode word boundaries, and matched
 * case-insensitively. Each hit is then checked against its term's MatchMode
 * (exact case for 'proper'/'context' terms, technical cues for 'context' ones)
 * and collapsed onto the canonical name. Multi-word terms tolerate spaces or
 * hyphens between words ("code-review", "on call", "Spring  Boot").
 */
import type { SkillKind } from '../../vocabulary/career.ts'
import { splitSentences, truncateAtWord, type Sentence } from '../text.ts'
import type { MatchMode, SkillEntry } from './taxonomy.types.ts'

export interface SkillMatch {
  name: string;
  kind: SkillKind;
  confidence: number;
  /** The sentence the first mention occurs in (trimmed to a readable length). */
  evidence: string;
  /** How many times the skill was mentioned. */
  mentions: number;
  /** The text as written at the first mention ("k8s" for Kubernetes). */
  matchedText: string;
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
  'modules', 'dependency', 'dependencies', 'language',
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

function termPattern (text: string): string {
  return text
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s\\-]*')
}

export class SkillMatcher {
  readonly #terms = new Map<string, TermInfo[]>()
  readonly #byCanonical = new Map<string, SkillEntry>()
  readonly #regex: RegExp

  constructor (entries: readonly SkillEntry[]) {
    for (const entry of entries) {
      const canonicalKey = termKey(entry.canonical)
      // Earlier entries win: curated entries are passed before Linguist-derived ones.
      if (this.#byCanonical.has(canonicalKey)) continue
      this.#byCanonical.set(canonicalKey, entry)
      this.#addTerm({ entry, text: entry.canonical, mode: entry.mode ?? 'any', isCanonical: true })
      for (const alias of entry.aliases) this.#addTerm({ entry, text: alias, mode: 'any', isCanonical: false })
      for (const alias of entry.properAliases ?? []) this.#addTerm({ entry, text: alias, mode: 'proper', isCanonical: false })
    }
    const patterns = [...this.#terms.values()]
      .flat()
      .map((t) => t.text)
      .filter((text, i, all) => all.indexOf(text) === i)
      .sort((a, b) => b.length - a.length || a.localeCompare(b))
      .map(termPattern)
    this.#regex = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${patterns.join('|')})(?![\\p{L}\\p{N}_]|\\+\\+|#)`, 'giu')
  }

  #addTerm (term: TermInfo): void {
    const key = termKey(term.text)
    if (key.length === 0) return
    const existing = this.#terms.get(key)
    if (!existing) {
      this.#terms.set(key, [term])
      return
    }
    // A term already claimed by another skill stays with the first claimant; one skill may list
    // the same key twice (canonical + alias) and then the more permissive mode wins.
    if (existing.some((t) => t.entry !== term.entry)) return
    existing.push(term)
  }

  /** Every entry, canonical spelling first; for listings and prompt hints. */
  get entries (): SkillEntry[] {
    return [...this.#byCanonical.values()]
  }

  /** Looks a name up as a user would type it: any case, canonical or alias. */
  lookup (name: string): SkillEntry | undefined {
    const key = termKey(name.trim())
    return this.#terms.get(key)?.[0]?.entry ?? this.#byCanonical.get(key)
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
      matches.push({
        name: entry.canonical,
        kind: entry.kind,
        confidence: Math.round(Math.min(0.99, confidence) * 100) / 100,
        evidence: first ? excerpt(first.sentence, first.index) : `Tagged "${entry.canonical}"`,
        mentions: Math.max(1, mentions),
        matchedText: first?.matched ?? entry.canonical,
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
    this.#regex.lastIndex = 0
    for (let m = this.#regex.exec(text); m !== null; m = this.#regex.exec(text)) {
      const matched = m[0]
      const terms = this.#terms.get(termKey(matched))
      if (!terms) continue
      const sentence = sentenceAt(m.index)
      const sentenceInitial = text.slice(sentence.start, m.index).trim().length === 0
      const accepted = this.#accept(terms, matched, text, m.index, sentenceInitial)
      if (accepted) candidates.push({ term: accepted.term, index: m.index, matched, sentence, sentenceInitial, needsCorroboration: accepted.needsCorroboration })
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
    const order: Record<MatchMode, number> = { any: 0, proper: 1, context: 2 }
    for (const term of [...terms].sort((a, b) => order[a.mode] - order[b.mode])) {
      if (term.mode === 'any') return { term, needsCorroboration: false }
      if (termKeyExact(matched) !== termKeyExact(term.text)) continue
      if (term.mode === 'proper') return { term, needsCorroboration: sentenceInitial }
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

function baseConfidence (term: TermInfo): number {
  const byMode: Record<MatchMode, number> = { any: term.isCanonical ? 0.85 : 0.8, proper: 0.8, context: 0.7 }
  const soft = term.entry.kind === 'practice' || term.entry.kind === 'soft_skill'
  // Practices and soft skills are inferred from phrasing, which is weaker evidence than a product name.
  return byMode[term.mode] - (soft ? 0.15 : 0)
}

function excerpt (sentence: Sentence, index: number): string {
  const max = 240
  if (sentence.text.length <= max) return sentence.text
  // Centre long sentences on the mention so the evidence shows it.
  const relative = Math.max(0, index - sentence.start - max / 3)
  const slice = sentence.text.slice(relative)
  return `${relative > 0 ? '…' : ''}${truncateAtWord(slice, max)}`
}
