// Builders shared by the gamification rule tests, and an in-memory stand-in for the tables.
import { isDeepStrictEqual } from 'node:util'
import type { RewardEntry } from '../../../../src/modules/gamification/rules/entry.ts'
import { DEFAULT_REWARD_CONFIG, type RewardConfig } from '../../../../src/modules/gamification/rules/reward-config.ts'
import {
  evaluateReward,
  planLedgerEvents,
  rewardDaysOf,
  type ChallengeProgressRow,
  type LedgerPlan,
  type RewardEvaluation,
  type RewardEvaluationInput,
  type UserBadgeRow,
  type XpEventRow,
} from '../../../../src/modules/gamification/rules/evaluate.ts'
import { initialStreakState, type StreakState } from '../../../../src/modules/gamification/rules/streak.ts'
import { weeklyChallenges, type UserChallengeState } from '../../../../src/modules/gamification/rules/challenges.ts'
import { BASE_REASON } from '../../../../src/modules/gamification/rules/xp.ts'

export const config: RewardConfig = DEFAULT_REWARD_CONFIG

/** Exactly `n` visible characters of plausible prose. */
export function text (n: number, seed = 'shipped the release and wrote it up '): string {
  let out = ''
  while (out.length < n) out += seed
  out = out.slice(0, n)
  // A trailing space would be trimmed away by the length rule; keep the count exact.
  return out.endsWith(' ') ? `${out.slice(0, -1)}x` : out
}

export function entry (overrides: Partial<RewardEntry> = {}): RewardEntry {
  return {
    id: '1',
    userId: '7',
    occurredOn: '2025-12-31',
    createdAt: new Date('2025-12-31T15:00:00Z'),
    content: text(40),
    outcome: null,
    impact: null,
    tags: [],
    attachmentCount: 0,
    metrics: null,
    epicId: null,
    featureId: null,
    storyId: null,
    taskId: null,
    sprintId: null,
    ...overrides,
  }
}

// ---- an in-memory stand-in for the gamification tables ---------------------------------
// Each map is keyed by the row's idempotency key and inserts only when the key is new:
// the pure layer's simulation of the SQL unique constraints + ON CONFLICT DO NOTHING.
export class MemoryStore {
  readonly xpEvents = new Map<string, XpEventRow>()
  readonly badges = new Map<string, UserBadgeRow>()
  readonly progress = new Map<string, ChallengeProgressRow>()
  /** weekStart → the user's challenges that week */
  readonly challenges = new Map<string, UserChallengeState[]>()
  /** What the store knows of every entry (latest version), for rate limits and badge counts. */
  readonly entries = new Map<string, RewardEntry>()
  totalXp = 0
  streak: StreakState
  quietMode = false

  readonly timeZone: string
  readonly rules: RewardConfig

  constructor (timeZone: string, rules: RewardConfig = config) {
    this.timeZone = timeZone
    this.rules = rules
    this.streak = initialStreakState(rules)
  }

  save (e: RewardEntry): void {
    this.entries.set(e.id, e)
  }

  /** What the DB layer would read (step 1), for an entry already saved. */
  inputFor (e: RewardEntry, jobId: string): RewardEvaluationInput {
    const days = rewardDaysOf(e, this.timeZone, this.rules)
    const rows = [...this.xpEvents.values()]
    const rewarded = new Set(rows.filter((r) => r.reason === BASE_REASON && r.entryId !== e.id).map((r) => r.entryId))
    let otherRewardedAttachments = 0
    for (const id of rewarded) otherRewardedAttachments += Math.max(0, this.entries.get(id ?? '')?.attachmentCount ?? 0)
    return {
      jobId,
      entry: e,
      timeZone: this.timeZone,
      config: this.rules,
      recentEntries: [...this.entries.values()].filter((other) => other.id !== e.id).map(({ id, createdAt, content }) => ({ id, createdAt, content })),
      alreadyAwardedXpReasons: rows.filter((r) => r.entryId === e.id).map((r) => r.reason),
      totalXp: this.totalXp,
      dailyXpSoFar: this.xpOn(days.xpDay),
      streak: this.streak,
      earnedBadges: [...this.badges.values()].map((b) => b.badgeCode),
      otherRewardedEntries: rewarded.size,
      otherRewardedAttachments,
      challenges: this.challenges.get(days.week.start) ?? weeklyChallenges(days.week),
      quietMode: this.quietMode,
    }
  }

  /**
   * Evaluate and persist. `readFirst: false` skips reading the entry's earlier XP reasons,
   * leaving duplicate protection to the keys alone (as in a race between two jobs).
   */
  evaluate (e: RewardEntry, jobId = `job-${e.id}`, options: { readFirst?: boolean } = {}): { evaluation: RewardEvaluation; plan: LedgerPlan; insertedXp: number } {
    this.save(e)
    const input = this.inputFor(e, jobId)
    const evaluation = evaluateReward(options.readFirst === false ? { ...input, alreadyAwardedXpReasons: [] } : input)
    const plan = planLedgerEvents(evaluation)
    return { evaluation, plan, insertedXp: this.apply(plan) }
  }

  /** persist_events against the in-memory tables; returns the XP actually inserted. */
  apply (plan: LedgerPlan): number {
    let inserted = 0
    for (const row of plan.xpEvents) {
      if (this.xpEvents.has(row.idempotencyKey)) continue
      this.xpEvents.set(row.idempotencyKey, row)
      inserted += row.amount
    }
    this.totalXp += inserted
    for (const row of plan.userBadges) if (!this.badges.has(row.idempotencyKey)) this.badges.set(row.idempotencyKey, row)
    for (const row of plan.challengeProgress) {
      if (this.progress.has(row.idempotencyKey)) continue
      this.progress.set(row.idempotencyKey, row)
      const week = this.challenges.get(row.weekStart) ?? weeklyChallenges({ start: row.weekStart, end: row.weekStart })
      this.challenges.set(
        row.weekStart,
        week.map((c) =>
          c.code !== row.code
            ? c
            : {
                ...c,
                progress: c.progress + 1,
                countedKeys: [...c.countedKeys, row.contributionKey],
                completedAt: c.completedAt ?? (row.completes ? row.completedAt : null),
              }
        )
      )
    }
    if (isDeepStrictEqual(this.streak, plan.streakExpected)) this.streak = plan.streak
    return inserted
  }

  xpOn (day: string): number {
    let sum = 0
    for (const row of this.xpEvents.values()) if (row.localDay === day) sum += row.amount
    return sum
  }

  ledgerTotal (): number {
    let sum = 0
    for (const row of this.xpEvents.values()) sum += row.amount
    return sum
  }

  snapshot (): unknown {
    return structuredClone({
      xp: [...this.xpEvents.entries()],
      badges: [...this.badges.keys()],
      progress: [...this.progress.keys()],
      challenges: [...this.challenges.entries()],
      totalXp: this.totalXp,
      streak: this.streak,
    })
  }
}
