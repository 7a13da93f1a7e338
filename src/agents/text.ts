/**
 * Small, deterministic text utilities shared by the agents and the local
 * engines: sentence splitting with offsets, whitespace normalisation, trimming
 * to a length at a word boundary.
 */

export interface Sentence {
  text: string;
  /** Offset of the first character in the source string. */
  start: number;
  end: number;
}

/**
 * Abbreviations whose trailing dot does not end a sentence. Titles such as
 * "Ms." and "Dr." are left out on purpose: in work logs "210ms." is a unit.
 */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'approx', 'incl', 'cf'])

/**
 * Splits prose into sentences. Line breaks and bullet markers always end a
 * sentence (work logs are often lists); ".", "!" and "?" end one when followed
 * by whitespace, except after common abbreviations and inside tokens such as
 * "Node.js" or "v1.2". Semicolons do not: the clause after one rarely stands alone.
 */
export function splitSentences (text: string): Sentence[] {
  const sentences: Sentence[] = []
  let start = 0
  const push = (end: number): void => {
    let s = start
    let e = end
    while (s < e && /[\s\-*•–]/.test(text[s] ?? '')) s += 1
    while (e > s && /\s/.test(text[e - 1] ?? '')) e -= 1
    if (e > s) sentences.push({ text: text.slice(s, e), start: s, end: e })
  }
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]
    if (ch === '\n') {
      push(i)
      start = i + 1
      continue
    }
    if (ch === '.' || ch === '!' || ch === '?') {
      const next = text[i + 1]
      if (next !== undefined && !/\s/.test(next)) continue
      if (ch === '.') {
        const wordBefore = /([A-Za-z.]+)$/.exec(text.slice(Math.max(0, i - 8), i))?.[1]?.toLowerCase() ?? ''
        if (ABBREVIATIONS.has(wordBefore)) continue
      }
      push(i + 1)
      start = i + 1
    }
  }
  push(text.length)
  return sentences
}

export function normalizeWhitespace (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Shortens text to at most `max` characters, cutting at a word boundary and adding an ellipsis. */
export function truncateAtWord (text: string, max: number): string {
  const clean = normalizeWhitespace(text)
  if (clean.length <= max) return clean
  const cut = clean.slice(0, max - 1)
  const lastSpace = cut.lastIndexOf(' ')
  const base = lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut
  return `${base.replace(/[\s,;:.\-–]+$/, '')}…`
}

/** Lowercase word tokens (letters, digits, and inner ' . + # -). */
export function words (text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'+#.-]*/gu)?.map((w) => w.replace(/[.'-]+$/, '')) ?? []
}

export function capitalizeFirst (text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1)
}

/** Ensures a sentence ends with terminal punctuation. */
export function withPeriod (text: string): string {
  const trimmed = text.trim()
  if (trimmed.length === 0) return trimmed
  if (/[.!?…]$/.test(trimmed)) return trimmed
  return `${trimmed.replace(/[\s,;:\-–—]+$/, '')}.`
}

export function withoutTrailingPeriod (text: string): string {
  return text.trim().replace(/[.;:,]+$/, '')
}

/**
 * Finds each span in `text` (ignoring case), left to right and without
 * overlapping an earlier find, and returns the located ones in text order.
 * A span that is not in the text is dropped: evidence must point at words
 * that are really there.
 */
export function locateSpans (text: string, spans: readonly string[]): Array<{ text: string; start: number; end: number }> {
  const lower = text.toLowerCase()
  const located: Array<{ text: string; start: number; end: number }> = []
  for (const span of spans) {
    const needle = span.trim().toLowerCase()
    if (needle.length === 0) continue
    for (let from = lower.indexOf(needle); from !== -1; from = lower.indexOf(needle, from + 1)) {
      const end = from + needle.length
      if (located.some((l) => from < l.end && end > l.start)) continue
      located.push({ text: text.slice(from, end), start: from, end })
      break
    }
  }
  return located.sort((a, b) => a.start - b.start)
}
