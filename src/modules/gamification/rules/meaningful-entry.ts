// Step 2 of reward evaluation (seed: is_meaningful_entry): only entries that show real
// logging earn anything. Three checks, all judged relative to the entry's own creation
// time — never "now" — so re-evaluating the same entry later (an edit, a retry, a job
// delayed by an outage) reaches the same verdict.
import { contentLength, type RewardEntry } from './entry.ts'
import type { RewardConfig } from './reward-config.ts'

/** Another entry of the same user, as far as spam detection needs it. */
export interface PriorEntry {
  readonly id: string
  readonly createdAt: Date
  readonly content: string
}

export const INVALID_REASONS = {
  tooShort: 'too_short',
  rateLimited: 'rate_limited',
  nearDuplicate: 'near_duplicate',
} as const

export type InvalidReason = (typeof INVALID_REASONS)[keyof typeof INVALID_REASONS]

export interface Meaningfulness {
  readonly valid: boolean
  readonly reasons: readonly InvalidReason[]
  readonly contentLength: number
  /** Entries the user created in the hour before this one. */
  readonly entriesInPastHour: number
  /** Id of the earlier entry this one nearly repeats, if any. */
  readonly duplicateOf: string | null
}

/**
 * Near-duplicate: two contents are near-duplicates when, after normalising (Unicode NFKC,
 * lower case, every run of non-letters/digits becomes one space), they are equal or their
 * character-trigram Dice similarity is at least this value. 0.9 catches re-submits with a
 * typo fixed or a word added while two genuinely different short updates stay apart.
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.9

const HOUR_MS = 3_600_000

export function isMeaningfulEntry (
  entry: Pick<RewardEntry, 'id' | 'createdAt' | 'content'>,
  recentEntries: readonly PriorEntry[],
  config: RewardConfig
): Meaningfulness {
  const reasons: InvalidReason[] = []
  const length = contentLength(entry.content)
  if (length < config.min_entry_length) reasons.push(INVALID_REASONS.tooShort)

  // Only entries made before this one count: entries made afterwards must not change
  // this entry's verdict when it is evaluated late or again.
  const earlier = recentEntries.filter((other) => other.id !== entry.id && isBefore(other, entry))
  const at = entry.createdAt.getTime()

  // Every attempt counts toward the hourly limit, rejected ones included: the limit is
  // about how often someone posts, not how often they succeed.
  const entriesInPastHour = earlier.filter((other) => at - other.createdAt.getTime() < HOUR_MS).length
  if (entriesInPastHour >= config.max_entries_per_hour) reasons.push(INVALID_REASONS.rateLimited)

  const windowMs = config.duplicate_threshold_seconds * 1000
  const duplicate = earlier.find(
    (other) => at - other.createdAt.getTime() < windowMs && areNearDuplicates(entry.content, other.content)
  )
  if (duplicate) reasons.push(INVALID_REASONS.nearDuplicate)

  return { valid: reasons.length === 0, reasons, contentLength: length, entriesInPastHour, duplicateOf: duplicate?.id ?? null }
}

/** Creation order; equal timestamps fall back to id order (ids are increasing). */
function isBefore (a: Pick<PriorEntry, 'id' | 'createdAt'>, b: Pick<PriorEntry, 'id' | 'createdAt'>): boolean {
  const dt = a.createdAt.getTime() - b.createdAt.getTime()
  if (dt !== 0) return dt < 0
  return a.id.length !== b.id.length ? a.id.length < b.id.length : a.id < b.id
}

export function normalizeForComparison (text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

export function areNearDuplicates (a: string, b: string): boolean {
  const left = normalizeForComparison(a)
  const right = normalizeForComparison(b)
  if (left === right) return true
  return trigramSimilarity(left, right) >= NEAR_DUPLICATE_SIMILARITY
}

/** Dice coefficient over the multisets of character trigrams (padded so short words count). */
export function trigramSimilarity (a: string, b: string): number {
  const left = trigrams(a)
  const right = trigrams(b)
  let total = 0
  for (const n of left.values()) total += n
  for (const n of right.values()) total += n
  if (total === 0) return 1
  let shared = 0
  for (const [gram, n] of left) shared += Math.min(n, right.get(gram) ?? 0)
  return (2 * shared) / total
}

function trigrams (text: string): Map<string, number> {
  const chars = [...`  ${text} `]
  const grams = new Map<string, number>()
  for (let i = 0; i + 3 <= chars.length; i++) {
    const gram = chars.slice(i, i + 3).join('')
    grams.set(gram, (grams.get(gram) ?? 0) + 1)
  }
  return grams
}
