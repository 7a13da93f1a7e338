// Reward evaluation, what the gamification.reward_evaluate workflow calls: read the inputs,
// run the pure rules, persist the plan, all in the caller's tenant transaction. The user's
// views are in views.service.ts, staff and admin actions in admin.service.ts.
//
// Fairness (issue §5), in one place:
//  - quiet mode hides, it never withholds: rewards accrue the same, summaries push nothing;
//  - no penalty beyond the streak rules: XP is never taken away, a late or re-run job
//    never costs anything, and a backfilled entry can only fail to count, never subtract;
//  - imported drafts (Git, GitHub) earn nothing until their person confirms them, and
//    then count from the moment of confirming: a connector cannot keep a streak alive;
//  - an outage cannot break a streak: every day is derived from the entry (its creation
//    instant and occurred_on, in the user's zone), never from when the job runs, so a job
//    delayed by hours or days books exactly what an instant one would have.
import type { Executor } from '../../platform/db/database.ts'
import {
  evaluateReward,
  isValidTimeZone,
  planLedgerEvents,
  rewardDaysOf,
  type RewardEvaluateResult,
  type RewardEvaluation,
  type EvaluationEvent,
} from './rules/index.ts'
import {
  loadBadgeCodes,
  loadEntryXpReasons,
  loadOtherRewardedStats,
  loadQuietMode,
  loadRecentEntries,
  loadRewardConfig,
  loadRewardEntry,
  loadTimeZone,
  loadWeekChallenges,
  lockUserState,
  persistPlan,
  xpOnDay,
  type PersistedPlan,
  type UserKey,
} from './gamification.repository.ts'

export interface RewardEvaluationOutcome {
  /** The seed's return shape, with XP and badges as actually inserted. */
  result: RewardEvaluateResult
  /** Null when the entry no longer exists or is an imported draft awaiting confirmation. */
  evaluation: RewardEvaluation | null
  persisted: PersistedPlan | null
  configVersion: number
  events: EvaluationEvent[]
}

/** An evaluation that awards nothing, saying why (`error`) in the result and the job's events. */
function nothingToReward (input: { worklogId: string; jobId: string }, configVersion: number, error: string, message: string): RewardEvaluationOutcome {
  return {
    result: {
      entry_id: input.worklogId,
      job_id: input.jobId,
      valid: false,
      xp_awarded: 0,
      streak_updated: false,
      streak: { current: 0, longest: 0, freeze_used: false, broken: false },
      badges_awarded: [],
      challenges_updated: [],
      errors: [error],
    },
    evaluation: null,
    persisted: null,
    configVersion,
    events: [{ message, data: { entry_id: input.worklogId } }],
  }
}

/**
 * gamification.reward_evaluate, steps 1–7, in the caller's tenant transaction. Holding the
 * user's lock from the first read to the last write, so concurrent evaluations of one user
 * run in turn; each award is also guarded by its unique key.
 */
export async function evaluateEntryRewards (trx: Executor, input: { tenantId: string; worklogId: string; jobId: string }): Promise<RewardEvaluationOutcome> {
  const { version, rules: config } = await loadRewardConfig(trx, input.tenantId)
  const entry = await loadRewardEntry(trx, input.tenantId, input.worklogId)
  // Deleted before the job ran: nothing to reward, and nothing to retry.
  if (entry === undefined) return nothingToReward(input, version, 'entry_not_found', 'Entry not found; nothing to reward')
  // An imported draft: the person has not vouched for it yet. Confirming it (status
  // draft → ready) saves the entry again, and that evaluation rewards it.
  if (entry.awaitingConfirmation) return nothingToReward(input, version, 'awaiting_confirmation', 'Imported draft awaits confirmation; nothing to reward')
  const key: UserKey = { tenantId: input.tenantId, userId: entry.userId }
  const locked = await lockUserState(trx, key, config.max_freezes)
  const errors: string[] = []
  let timeZone = await loadTimeZone(trx, entry.userId)
  if (!isValidTimeZone(timeZone)) {
    errors.push(`invalid profile time zone ${JSON.stringify(timeZone)}; used UTC`)
    timeZone = 'UTC'
  }
  const days = rewardDaysOf(entry, timeZone, config)
  const others = await loadOtherRewardedStats(trx, key, entry.id)
  const evaluation = evaluateReward({
    jobId: input.jobId,
    entry,
    timeZone,
    config,
    recentEntries: await loadRecentEntries(trx, entry, input.tenantId),
    alreadyAwardedXpReasons: await loadEntryXpReasons(trx, key, entry.id),
    totalXp: locked.totalXp,
    dailyXpSoFar: await xpOnDay(trx, key, days.xpDay),
    streak: locked.streak,
    earnedBadges: await loadBadgeCodes(trx, key),
    otherRewardedEntries: others.entries,
    otherRewardedAttachments: others.attachments,
    challenges: await loadWeekChallenges(trx, key, days.week),
    quietMode: await loadQuietMode(trx, key),
  })
  const persisted = await persistPlan(trx, key, input.jobId, planLedgerEvents(evaluation), config)
  const xpAwarded = persisted.xp.reduce((sum, row) => sum + row.amount, 0)
  const events = [...evaluation.events]
  // The pure events say what was planned; this one says what the keys let through.
  events.splice(Math.max(0, events.length - 1), 0, {
    message: 'Persisted rewards',
    data: { xp_rows: persisted.xp.length, xp: xpAwarded, badges: persisted.badges, challenges: persisted.challenges.map((c) => c.code), streak_saved: persisted.streakSaved, config_version: version },
  })
  return {
    result: {
      ...evaluation.result,
      xp_awarded: xpAwarded,
      badges_awarded: persisted.badges,
      challenges_updated: persisted.challenges.map((c) => c.code),
      errors: [...evaluation.result.errors, ...errors],
    },
    evaluation,
    persisted,
    configVersion: version,
    events,
  }
}
