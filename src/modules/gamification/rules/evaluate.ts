// gamification.reward_evaluate as a pure function: the DB layer loads the inputs (seed
// step 1), calls evaluateReward, inserts planLedgerEvents(...) rows with ON CONFLICT DO
// NOTHING and logs `events` (step 8). Nothing here reads a clock: every day and time is
// derived from the entry, so a retried or outage-delayed job computes the same answer.
//
// The DB layer reads the inputs and inserts the plan in one transaction holding a lock on
// the user's rows (user_xp / user_streak FOR UPDATE): the daily cap and the streak are
// read-modify-write and only serial evaluations per user keep them exact. The unique keys
// are what guarantee that nothing is ever paid or counted twice, lock or no lock.
//
// Order: the seed checks badges (6) before challenges (7), but challenge rewards can lift
// the level, and level badges should not wait for the next entry. Both steps are pure, so
// challenges are computed first and the badge step sees the final level; `events` keep
// the seed's order.
import { activityDayOf, hasOutcome, xpDayOf, type RewardEntry } from './entry.ts'
import { assertTimeZone, weekContaining, type LocalDay, type LocalWeek } from './local-day.ts'
import { isMeaningfulEntry, type Meaningfulness, type PriorEntry } from './meaningful-entry.ts'
import type { RewardConfig } from './reward-config.ts'
import { updateStreak, type StreakState, type StreakUpdate } from './streak.ts'
import { awardBadges, badgeIdempotencyKey, type BadgeAward, type BadgeTrigger } from './badges.ts'
import { challengeProgressKey, updateChallenges, type ChallengeChange, type UserChallengeState } from './challenges.ts'
import {
  challengeRewardIdempotencyKey,
  challengeRewardReason,
  computeXp,
  levelForXp,
  xpIdempotencyKey,
  type XpCategory,
  type XpComputation,
} from './xp.ts'

export interface RewardDays {
  /** Where XP and the daily cap are booked (local creation day). */
  readonly xpDay: LocalDay
  /** Which day the entry keeps the streak alive for. */
  readonly activityDay: LocalDay
  /** The challenge week of the activity day. */
  readonly week: LocalWeek
}

/** Which days to load data for, before calling evaluateReward. Throws on an invalid zone. */
export function rewardDaysOf (entry: Pick<RewardEntry, 'occurredOn' | 'createdAt'>, timeZone: string, config: RewardConfig): RewardDays {
  assertTimeZone(timeZone)
  const activityDay = activityDayOf(entry, timeZone, config.backfill_grace_days)
  return { xpDay: xpDayOf(entry, timeZone), activityDay, week: weekContaining(activityDay) }
}

export interface RewardEvaluationInput {
  readonly jobId: string
  readonly entry: RewardEntry
  /** The user's profile time zone (IANA). */
  readonly timeZone: string
  readonly config: RewardConfig
  /** The user's other entries created in the hour before this one (more is harmless). */
  readonly recentEntries: readonly PriorEntry[]
  /** Reasons already in the XP ledger for this entry. */
  readonly alreadyAwardedXpReasons: readonly string[]
  readonly totalXp: number
  /** Sum of the ledger on rewardDaysOf(...).xpDay, every source. */
  readonly dailyXpSoFar: number
  readonly streak: StreakState
  readonly earnedBadges: readonly string[]
  /** Rewarded entries of the user other than this one, and their attachments. */
  readonly otherRewardedEntries: number
  readonly otherRewardedAttachments: number
  /** The user's challenges for rewardDaysOf(...).week. */
  readonly challenges: readonly UserChallengeState[]
  /** Quiet mode hides celebrations; rewards accrue the same so turning it off costs nothing. */
  readonly quietMode: boolean
}

/** The seed's return shape (snake_case: it is the job's stored result). */
export interface RewardEvaluateResult {
  readonly entry_id: string
  readonly job_id: string
  readonly valid: boolean
  readonly xp_awarded: number
  readonly streak_updated: boolean
  readonly streak: { readonly current: number; readonly longest: number; readonly freeze_used: boolean; readonly broken: boolean }
  readonly badges_awarded: readonly string[]
  readonly challenges_updated: readonly string[]
  /** Validation reasons when the entry was rejected, plus any problems met on the way. */
  readonly errors: readonly string[]
}

export interface ChallengeReward {
  readonly code: string
  readonly weekStart: LocalDay
  readonly amount: number
  readonly capped: boolean
}

export interface EvaluationEvent {
  readonly message: string
  readonly data: Readonly<Record<string, unknown>>
}

export interface RewardEvaluation {
  readonly result: RewardEvaluateResult
  readonly userId: string
  readonly entryId: string
  readonly jobId: string
  readonly days: RewardDays
  readonly meaningfulness: Meaningfulness
  /** null when the entry is not meaningful. */
  readonly xp: XpComputation | null
  readonly challengeRewards: readonly ChallengeReward[]
  readonly totalXpBefore: number
  readonly totalXpAfter: number
  readonly levelBefore: number
  readonly levelAfter: number
  /** The streak as read, and the update to save (unchanged when the entry is not meaningful). */
  readonly streakBefore: StreakState
  readonly streak: StreakUpdate
  readonly badges: readonly BadgeAward[]
  readonly challenges: readonly ChallengeChange[]
  readonly quietMode: boolean
  readonly events: readonly EvaluationEvent[]
}

export function evaluateReward (input: RewardEvaluationInput): RewardEvaluation {
  const { entry, config } = input
  const days = rewardDaysOf(entry, input.timeZone, config)
  const events: EvaluationEvent[] = [{ message: 'Validating entry', data: { entry_id: entry.id } }]
  const meaningfulness = isMeaningfulEntry(entry, input.recentEntries, config)
  const levelBefore = levelForXp(input.totalXp, config)
  const base = {
    userId: entry.userId,
    entryId: entry.id,
    jobId: input.jobId,
    days,
    meaningfulness,
    totalXpBefore: input.totalXp,
    levelBefore,
    streakBefore: input.streak,
    quietMode: input.quietMode,
  }

  if (!meaningfulness.valid) {
    events.push({ message: 'Entry not rewarded', data: { reasons: meaningfulness.reasons } })
    const streak: StreakUpdate = { state: input.streak, updated: false, freezeUsed: false, broken: false, freezeEarned: false }
    return {
      ...base,
      result: resultShape(input, { valid: false, xp: 0, streak, badges: [], challenges: [], errors: [...meaningfulness.reasons] }),
      xp: null,
      challengeRewards: [],
      totalXpAfter: input.totalXp,
      levelAfter: levelBefore,
      streak,
      badges: [],
      challenges: [],
      events: [...events, completedEvent(0, 0, 0)],
    }
  }

  events.push({ message: 'Computing XP', data: {} })
  const xp = computeXp(entry, config, { dailyXpSoFar: input.dailyXpSoFar, alreadyAwarded: input.alreadyAwardedXpReasons })
  events.push({ message: `Awarded ${xp.amount} XP`, data: { xp: xp.amount, breakdown: xp.breakdown, capped: xp.capped } })

  events.push({ message: 'Updating streak', data: { day: days.activityDay } })
  const streak = updateStreak(input.streak, days.activityDay, config)

  const challengeUpdates = updateChallenges(
    input.challenges,
    { entryId: entry.id, activityDay: days.activityDay, createdAt: entry.createdAt, hasAttachment: entry.attachmentCount > 0, hasOutcome: hasOutcome(entry) },
    days.week
  )
  // Completion rewards are XP like any other: they share the day's cap (the seed's
  // "max 200 XP/day" has no exception), taken after the entry's own XP.
  let remaining = Math.max(0, config.max_daily_xp - Math.max(0, input.dailyXpSoFar) - xp.amount)
  const challengeRewards: ChallengeReward[] = []
  for (const change of challengeUpdates.changes) {
    if (!change.completed) continue
    const amount = Math.min(change.rewardXp, remaining)
    remaining -= amount
    challengeRewards.push({ code: change.code, weekStart: change.weekStart, amount, capped: amount < change.rewardXp })
  }
  const rewardXp = challengeRewards.reduce((sum, reward) => sum + reward.amount, 0)
  const totalXpAfter = input.totalXp + xp.amount + rewardXp
  const levelAfter = levelForXp(totalXpAfter, config)

  events.push({ message: 'Checking badges', data: {} })
  const badges = awardBadges(
    {
      entryCount: input.otherRewardedEntries + 1,
      currentStreak: streak.state.current,
      attachmentCount: input.otherRewardedAttachments + Math.max(0, entry.attachmentCount),
      level: levelAfter,
    },
    input.earnedBadges
  )
  events.push({ message: 'Updating challenges', data: { updated: challengeUpdates.changes.map((c) => c.code) } })
  const xpAwarded = xp.amount + rewardXp
  events.push(completedEvent(xpAwarded, badges.length, challengeUpdates.changes.length))

  return {
    ...base,
    result: resultShape(input, { valid: true, xp: xpAwarded, streak, badges, challenges: challengeUpdates.changes, errors: [...challengeUpdates.errors] }),
    xp,
    challengeRewards,
    totalXpAfter,
    levelAfter,
    streak,
    badges,
    challenges: challengeUpdates.changes,
    events,
  }
}

function completedEvent (xp: number, badges: number, challenges: number): EvaluationEvent {
  return { message: `Reward evaluation completed: XP=${xp}, badges=${badges}, challenges=${challenges}`, data: { xp, badges, challenges } }
}

function resultShape (
  input: RewardEvaluationInput,
  parts: { valid: boolean; xp: number; streak: StreakUpdate; badges: readonly BadgeAward[]; challenges: readonly ChallengeChange[]; errors: string[] }
): RewardEvaluateResult {
  return {
    entry_id: input.entry.id,
    job_id: input.jobId,
    valid: parts.valid,
    xp_awarded: parts.xp,
    streak_updated: parts.streak.updated,
    streak: { current: parts.streak.state.current, longest: parts.streak.state.longest, freeze_used: parts.streak.freezeUsed, broken: parts.streak.broken },
    badges_awarded: parts.badges.map((b) => b.code),
    challenges_updated: parts.challenges.map((c) => c.code),
    errors: parts.errors,
  }
}

// ---- persist_events, the pure half --------------------------------------------------

export interface XpEventRow {
  readonly idempotencyKey: string
  readonly userId: string
  /** null for challenge rewards, which belong to the week, not to one entry. */
  readonly entryId: string | null
  /** The local day the amount counts on for the daily cap. */
  readonly localDay: LocalDay
  readonly amount: number
  readonly reason: string
  readonly breakdown: Readonly<Partial<Record<XpCategory | 'challenge', number>>>
  readonly provenance: { readonly job_id: string; readonly source: 'entry' | 'challenge'; readonly capped: boolean }
}

export interface UserBadgeRow {
  readonly idempotencyKey: string
  readonly userId: string
  readonly badgeCode: string
  readonly provenance: { readonly job_id: string; readonly trigger: BadgeTrigger; readonly threshold: number }
}

export interface ChallengeProgressRow {
  readonly idempotencyKey: string
  readonly userId: string
  readonly code: string
  readonly weekStart: LocalDay
  readonly contributionKey: string
  readonly entryId: string
  /** Apply only if the row was inserted: progress + 1, and completed_at when it completes. */
  readonly completes: boolean
  readonly completedAt: Date | null
}

export interface LedgerPlan {
  readonly xpEvents: readonly XpEventRow[]
  readonly userBadges: readonly UserBadgeRow[]
  readonly challengeProgress: readonly ChallengeProgressRow[]
  /**
   * user_streak after this entry. Save it only if the row still equals `streakExpected`
   * (the state this evaluation read — compare-and-set, or hold the row lock from the read),
   * so a stale duplicate delivery can never move a streak backwards.
   */
  readonly streak: StreakState
  readonly streakExpected: StreakState
}

/**
 * The rows persist_events writes. Insert each with ON CONFLICT DO NOTHING and apply
 * totals from the rows actually inserted (user_xp.total_xp += their amounts, level =
 * levelForXp(total)); the keys make retries and re-evaluations no-ops.
 */
export function planLedgerEvents (evaluation: RewardEvaluation): LedgerPlan {
  const { userId, entryId, jobId, days } = evaluation
  const xpEvents: XpEventRow[] = []
  for (const unit of evaluation.xp?.units ?? []) {
    xpEvents.push({
      idempotencyKey: xpIdempotencyKey({ userId, entryId, localDay: days.xpDay, reason: unit.reason }),
      userId,
      entryId,
      localDay: days.xpDay,
      amount: unit.amount,
      reason: unit.reason,
      breakdown: { [unit.category]: unit.amount },
      provenance: { job_id: jobId, source: 'entry', capped: unit.amount < unit.fullAmount },
    })
  }
  for (const reward of evaluation.challengeRewards) {
    if (reward.amount === 0) continue
    xpEvents.push({
      idempotencyKey: challengeRewardIdempotencyKey({ userId, challengeCode: reward.code, weekStart: reward.weekStart }),
      userId,
      entryId: null,
      localDay: days.xpDay,
      amount: reward.amount,
      reason: challengeRewardReason(reward.code),
      breakdown: { challenge: reward.amount },
      provenance: { job_id: jobId, source: 'challenge', capped: reward.capped },
    })
  }
  const userBadges = evaluation.badges.map((badge) => ({
    idempotencyKey: badgeIdempotencyKey(userId, badge.code),
    userId,
    badgeCode: badge.code,
    provenance: { job_id: jobId, trigger: badge.provenance.trigger, threshold: badge.provenance.threshold },
  }))
  const challengeProgress = evaluation.challenges.map((change) => ({
    idempotencyKey: challengeProgressKey({ userId, code: change.code, weekStart: change.weekStart, contributionKey: change.contributionKey }),
    userId,
    code: change.code,
    weekStart: change.weekStart,
    contributionKey: change.contributionKey,
    entryId,
    completes: change.completed,
    completedAt: change.state.completedAt,
  }))
  return { xpEvents, userBadges, challengeProgress, streak: evaluation.streak.state, streakExpected: evaluation.streakBefore }
}
