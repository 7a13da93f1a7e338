// Step 7 of reward evaluation (seed: update_challenges): weekly challenges, Monday–Sunday
// in the user's time zone.
//
// Progress is a set of contributions, not a bare counter: log_days counts distinct days
// ('day:2025-12-31'), the others count distinct entries ('entry:123'). Re-evaluating an
// entry (retry, edit, attachment upload) brings the same contribution again and changes
// nothing; in SQL the contribution key is unique, so that holds under races too.
// A completed challenge stops counting, so it can never complete (or pay) twice.
import type { LocalDay, LocalWeek } from './local-day.ts'

export type ChallengeCode = 'log_days' | 'attach_evidence' | 'write_outcomes'

export interface ChallengeTemplate {
  readonly code: ChallengeCode
  readonly name: string
  readonly description: string
  readonly target: number
  readonly rewardXp: number
}

// The seed's worked example shows log_days at 3/5 and write_outcomes at 2/3; the seed
// gives no reward sizes, so rewards are 10 XP per step of the goal.
export const CHALLENGE_TEMPLATES: readonly ChallengeTemplate[] = Object.freeze([
  { code: 'log_days', name: 'Show up', description: 'Log work on 5 different days this week.', target: 5, rewardXp: 50 },
  { code: 'attach_evidence', name: 'Bring receipts', description: 'Log 3 entries with evidence attached this week.', target: 3, rewardXp: 30 },
  { code: 'write_outcomes', name: 'Say what changed', description: 'Log 3 entries that state an outcome or impact this week.', target: 3, rewardXp: 30 },
].map((template) => Object.freeze(template as ChallengeTemplate)))

export interface UserChallengeState {
  readonly code: string
  readonly weekStart: LocalDay
  readonly target: number
  readonly progress: number
  readonly rewardXp: number
  readonly completedAt: Date | null
  /** Contributions already counted (see module comment). */
  readonly countedKeys: readonly string[]
}

/** What an entry brings to challenges. */
export interface ChallengeEntryFacts {
  readonly entryId: string
  /** The entry's activity day (the day it counts for, see activityDayOf). */
  readonly activityDay: LocalDay
  readonly createdAt: Date
  readonly hasAttachment: boolean
  readonly hasOutcome: boolean
}

export interface ChallengeChange {
  readonly code: string
  readonly weekStart: LocalDay
  readonly contributionKey: string
  readonly progressBefore: number
  readonly progressAfter: number
  readonly target: number
  /** This change completed the challenge; `rewardXp` is then due. */
  readonly completed: boolean
  readonly rewardXp: number
  readonly state: UserChallengeState
}

export interface ChallengeUpdates {
  readonly changes: readonly ChallengeChange[]
  readonly errors: readonly string[]
}

/** Fresh challenges for a week, as the DB layer creates them the first time a week is seen. */
export function weeklyChallenges (week: LocalWeek, templates: readonly ChallengeTemplate[] = CHALLENGE_TEMPLATES): UserChallengeState[] {
  return templates.map((t) => ({ code: t.code, weekStart: week.start, target: t.target, progress: 0, rewardXp: t.rewardXp, completedAt: null, countedKeys: [] }))
}

function contributionFor (code: string, entry: ChallengeEntryFacts): string | null | undefined {
  switch (code) {
    case 'log_days':
      return `day:${entry.activityDay}`
    case 'attach_evidence':
      return entry.hasAttachment ? `entry:${entry.entryId}` : null
    case 'write_outcomes':
      return entry.hasOutcome ? `entry:${entry.entryId}` : null
    default:
      return undefined
  }
}

export function updateChallenges (userChallenges: readonly UserChallengeState[], entry: ChallengeEntryFacts, week: LocalWeek): ChallengeUpdates {
  const changes: ChallengeChange[] = []
  const errors: string[] = []
  if (entry.activityDay < week.start || entry.activityDay > week.end) {
    return { changes, errors: [`entry day ${entry.activityDay} is outside the week ${week.start}..${week.end}`] }
  }
  for (const challenge of userChallenges) {
    if (challenge.weekStart !== week.start || challenge.completedAt !== null) continue
    const key = contributionFor(challenge.code, entry)
    if (key === undefined) {
      errors.push(`unknown challenge: ${challenge.code}`)
      continue
    }
    if (key === null || challenge.countedKeys.includes(key)) continue
    const progressAfter = challenge.progress + 1
    const completed = progressAfter >= challenge.target
    changes.push({
      code: challenge.code,
      weekStart: challenge.weekStart,
      contributionKey: key,
      progressBefore: challenge.progress,
      progressAfter,
      target: challenge.target,
      completed,
      rewardXp: challenge.rewardXp,
      state: {
        ...challenge,
        progress: progressAfter,
        completedAt: completed ? entry.createdAt : null,
        countedKeys: [...challenge.countedKeys, key],
      },
    })
  }
  return { changes, errors }
}

/** Unique per user, challenge, week and contribution: the SQL guard against double progress. */
export function challengeProgressKey (key: { userId: string; code: string; weekStart: LocalDay; contributionKey: string }): string {
  return `challenge:${key.userId}:${key.code}:${key.weekStart}:${key.contributionKey}`
}
