// Step 3 of reward evaluation (seed: compute_xp), levels, and the XP ledger's keys.
//
// An entry's XP is made of units — the base, each rewarded attachment, each rewarded tag,
// and each bonus — and every unit has its own ledger reason ('entry', 'attachment:2',
// 'tag:1', 'length', ...). Each reason becomes its own idempotency key, so:
//  - a retried job re-plans the same keys and the unique constraint drops them;
//  - editing an entry never pays a unit twice (removing a tag and adding another is still
//    'tag:1'), yet evidence added later — the seed re-evaluates on attachment upload —
//    earns exactly the units the entry did not have before.
import { createHash } from 'node:crypto'
import { contentLength, distinctTags, hasAgileLink, hasMetrics, hasOutcome, type RewardEntry } from './entry.ts'
import type { LocalDay } from './local-day.ts'
import type { RewardConfig } from './reward-config.ts'

export type XpCategory = 'base' | 'attachments' | 'tags' | 'length' | 'outcome' | 'metrics' | 'agile'

export type XpBreakdown = Record<XpCategory, number>

/** The reason of the base unit; its ledger row marks the entry as rewarded (even at 0 XP). */
export const BASE_REASON = 'entry'

export interface XpUnit {
  readonly reason: string
  readonly category: XpCategory
  /** XP granted for the unit (less than fullAmount when the daily cap cut it). */
  readonly amount: number
  readonly fullAmount: number
}

export interface XpComputation {
  /** XP this evaluation grants (after the daily cap). */
  readonly amount: number
  /** `amount` split by quality signal. */
  readonly breakdown: XpBreakdown
  /** What this evaluation would grant without the daily cap. */
  readonly uncappedAmount: number
  readonly capped: boolean
  /** The units granted now, one ledger row each (the base unit is kept even when capped to 0). */
  readonly units: readonly XpUnit[]
}

export interface XpContext {
  /** XP already booked on the entry's XP day (all sources), from the ledger. */
  readonly dailyXpSoFar: number
  /** Reasons already in the ledger for this entry (earlier evaluations of it). */
  readonly alreadyAwarded?: Iterable<string>
}

type XpSignals = Pick<
  RewardEntry,
  'content' | 'tags' | 'attachmentCount' | 'outcome' | 'impact' | 'metrics' | 'epicId' | 'featureId' | 'storyId' | 'taskId' | 'sprintId'
>

/** Every unit the entry is worth, in the order the daily cap consumes them (base first). */
export function xpUnitsFor (entry: XpSignals, config: RewardConfig): XpUnit[] {
  const rules = config.xp_rules
  const units: XpUnit[] = []
  const add = (reason: string, category: XpCategory, amount: number) => units.push({ reason, category, amount, fullAmount: amount })
  add(BASE_REASON, 'base', rules.base_entry)
  const attachments = Math.min(Math.max(0, Math.floor(entry.attachmentCount)), rules.max_attachments)
  for (let i = 1; i <= attachments; i++) add(`attachment:${i}`, 'attachments', rules.per_attachment)
  const tags = Math.min(distinctTags(entry.tags).length, rules.max_tags)
  for (let i = 1; i <= tags; i++) add(`tag:${i}`, 'tags', rules.per_tag)
  if (contentLength(entry.content) >= rules.length_bonus_threshold) add('length', 'length', rules.length_bonus)
  if (hasOutcome(entry)) add('outcome', 'outcome', rules.outcome_bonus)
  if (hasMetrics(entry)) add('metrics', 'metrics', rules.metrics_bonus)
  if (hasAgileLink(entry)) add('agile', 'agile', rules.agile_field_bonus)
  return units
}

export function emptyBreakdown (): XpBreakdown {
  return { base: 0, attachments: 0, tags: 0, length: 0, outcome: 0, metrics: 0, agile: 0 }
}

export function computeXp (entry: XpSignals, config: RewardConfig, context: XpContext): XpComputation {
  // Stryker disable next-line ArrayDeclaration: equivalent — no unit has the reason a mutant would put in this empty default.
  const already = new Set(context.alreadyAwarded ?? [])
  const pending = xpUnitsFor(entry, config).filter((unit) => !already.has(unit.reason))
  let remaining = Math.max(0, config.max_daily_xp - Math.max(0, context.dailyXpSoFar))
  const breakdown = emptyBreakdown()
  const units: XpUnit[] = []
  let uncappedAmount = 0
  let amount = 0
  for (const unit of pending) {
    uncappedAmount += unit.amount
    const granted = Math.min(unit.amount, remaining)
    remaining -= granted
    amount += granted
    breakdown[unit.category] += granted
    // A unit cut to nothing by the cap is not booked, except the base unit, whose row
    // records that the entry was valid and rewarded (badge counts read it).
    if (granted > 0 || unit.category === 'base') units.push({ ...unit, amount: granted })
  }
  return { amount, breakdown, uncappedAmount, capped: amount < uncappedAmount, units }
}

export interface LevelProgress {
  readonly level: number
  readonly xpIntoLevel: number
  readonly xpPerLevel: number
  readonly xpToNextLevel: number
}

/** Level 1 at 0 XP, then one level per `xp_per_level` (seed: 100 XP/level). */
export function levelForXp (totalXp: number, config: RewardConfig): number {
  return Math.floor(Math.max(0, totalXp) / config.xp_per_level) + 1
}

export function levelProgress (totalXp: number, config: RewardConfig): LevelProgress {
  const total = Math.max(0, totalXp)
  const xpIntoLevel = total % config.xp_per_level
  return { level: levelForXp(total, config), xpIntoLevel, xpPerLevel: config.xp_per_level, xpToNextLevel: config.xp_per_level - xpIntoLevel }
}

/** Stable short hash of a ledger reason: the first 12 hex digits of the SHA-256 of its UTF-8 bytes (a string's default). */
export function reasonHash (reason: string): string {
  return createHash('sha256').update(reason).digest('hex').slice(0, 12)
}

/** The seed's key format: xp:{user_id}:{entry_id}:{date}:{reason_hash}. `localDay` is the entry's XP day. */
export function xpIdempotencyKey (key: { userId: string; entryId: string; localDay: LocalDay; reason: string }): string {
  return `xp:${key.userId}:${key.entryId}:${key.localDay}:${reasonHash(key.reason)}`
}

export function challengeRewardReason (challengeCode: string): string {
  return `challenge:${challengeCode}`
}

/**
 * A completed weekly challenge pays once per user, challenge and week, whichever entry
 * completes it. Same format, with the literal `challenge` in the entry slot and the week's
 * Monday as the date, so two racing evaluations completing it through different entries
 * still collide on one key.
 */
export function challengeRewardIdempotencyKey (key: { userId: string; challengeCode: string; weekStart: LocalDay }): string {
  return xpIdempotencyKey({ userId: key.userId, entryId: 'challenge', localDay: key.weekStart, reason: challengeRewardReason(key.challengeCode) })
}
