// What the reward rules need to know about a work-log entry, and the small judgements
// every step shares (how long is it, does it state an outcome, which day does it count for).
import { daysBetween, localDayOf, type LocalDay } from './local-day.ts'

export interface RewardEntry {
  /** work_log id (bigint as a decimal string) */
  readonly id: string
  readonly userId: string
  /** The day the work happened, as the user entered it (editable). */
  readonly occurredOn: LocalDay
  /** When the entry was first saved (immutable; set by the API, not by the job). */
  readonly createdAt: Date
  readonly content: string
  readonly outcome: string | null
  readonly impact: string | null
  readonly tags: readonly string[]
  readonly attachmentCount: number
  /** Structured metrics (e.g. from the entry's bullets or metadata): name → value. */
  readonly metrics: Readonly<Record<string, unknown>> | null
  readonly epicId: string | null
  readonly featureId: string | null
  readonly storyId: string | null
  readonly taskId: string | null
  readonly sprintId: string | null
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * Content length the way the seed counts it: characters of the content. We count what a
 * reader sees as characters (grapheme clusters, so "é" or "👍🏽" is one) after trimming
 * and collapsing whitespace runs, so padding with spaces or newlines cannot reach 20.
 */
export function contentLength (content: string): number {
  const normalized = content.replace(/\s+/gu, ' ').trim()
  return Array.from(segmenter.segment(normalized)).length
}

/** Tags that can earn XP: trimmed, case-insensitively distinct, non-empty. */
export function distinctTags (tags: readonly string[]): string[] {
  const seen = new Set<string>()
  for (const tag of tags) {
    const key = tag.trim().normalize('NFKC').toLowerCase()
    if (key !== '') seen.add(key)
  }
  return [...seen]
}

function filled (text: string | null): boolean {
  return text !== null && text.trim() !== ''
}

export function hasOutcome (entry: Pick<RewardEntry, 'outcome' | 'impact'>): boolean {
  return filled(entry.outcome) || filled(entry.impact)
}

// A standalone number ("40%", "3 bugs", "$1,200", "2.5x") — not a digit glued to letters
// such as "Q4", "p95" or "OAuth2", which name things rather than measure them.
const QUANTITY = /(?<![\p{L}\p{N}_])\d+(?:[.,]\d+)*(?![\p{L}_])|(?<![\p{L}\p{N}_])\d+(?:[.,]\d+)*\s*(?:%|x\b|×)/u

/**
 * "Metrics present" (seed): the entry carries at least one structured metric with a value,
 * or its outcome/impact states a quantity.
 */
export function hasMetrics (entry: Pick<RewardEntry, 'metrics' | 'outcome' | 'impact'>): boolean {
  if (entry.metrics) {
    for (const value of Object.values(entry.metrics)) {
      if (typeof value === 'number' && Number.isFinite(value)) return true
      if (typeof value === 'string' && value.trim() !== '') return true
    }
  }
  return [entry.outcome, entry.impact].some((text) => text !== null && QUANTITY.test(text))
}

/** Agile fields: the seed's work breakdown below the project (epic → task) and the sprint. */
export function hasAgileLink (entry: Pick<RewardEntry, 'epicId' | 'featureId' | 'storyId' | 'taskId' | 'sprintId'>): boolean {
  return [entry.epicId, entry.featureId, entry.storyId, entry.taskId, entry.sprintId].some((id) => id !== null)
}

/**
 * The XP day: the local day the entry was created. XP and the daily cap are booked on it,
 * and it is the {date} of the XP idempotency key. It is fixed at creation, so editing
 * occurred_on can neither mint a new key (double XP) nor move XP to a day with cap left,
 * and a job delayed by an outage books XP exactly where an instant job would have.
 */
export function xpDayOf (entry: Pick<RewardEntry, 'createdAt'>, timeZone: string): LocalDay {
  return localDayOf(entry.createdAt, timeZone)
}

/**
 * The activity day: which day an entry keeps the streak (and weekly log_days) alive for.
 *
 * Rule: occurred_on counts when it lies between `backfill_grace_days` before the creation
 * day and the creation day itself; otherwise the creation day counts. So
 *  - the job's run time never matters (a queue outage cannot break a streak),
 *  - work logged the next morning — or on the day after the service was down — still
 *    counts for the day it happened (grace of 1 day by default),
 *  - older backfills cannot rebuild a broken streak, and future-dated entries cannot
 *    pre-fill days; both still count for the day the user actually showed up.
 */
export function activityDayOf (entry: Pick<RewardEntry, 'occurredOn' | 'createdAt'>, timeZone: string, backfillGraceDays: number): LocalDay {
  const createdDay = localDayOf(entry.createdAt, timeZone)
  const lag = daysBetween(entry.occurredOn, createdDay)
  if (lag >= 0 && lag <= backfillGraceDays) return entry.occurredOn
  return createdDay
}
