// Step 5 of reward evaluation (seed: update_streak). A streak counts consecutive local
// days with at least one meaningful entry.
//
// Seed rules, in order:
//  - same day: no change;
//  - consecutive day: +1;
//  - exactly one missed day and a freeze left: the freeze covers the missed day and the
//    streak survives — today still counts, as in Duolingo, so 5 → (missed day) → 6;
//  - more than one missed day, or no freeze: reset to 1 (only one freeze per missed day,
//    and a gap of two days is never bridged);
//  - longest streak is kept.
// An entry for a day before the last counted day (a late backfill) changes nothing: the
// streak only ever moves forward, and losing nothing is the only "penalty" of backfills.
//
// Freezes: the seed caps them at 3 and says they are "earnable", without saying how. We
// follow Duolingo: everyone starts with the maximum, and each time the streak reaches a
// multiple of `freeze_earned_every_streak_days` (7) one freeze comes back, up to the cap.
import { daysBetween, type LocalDay } from './local-day.ts'
import type { RewardConfig } from './reward-config.ts'

export interface StreakState {
  readonly current: number
  readonly longest: number
  readonly lastEntryDate: LocalDay | null
  readonly freezesRemaining: number
  readonly freezesUsed: number
}

export interface StreakUpdate {
  readonly state: StreakState
  /** The state changed: this entry counted a new day. */
  readonly updated: boolean
  readonly freezeUsed: boolean
  /** The previous streak was lost and a new one started at 1. */
  readonly broken: boolean
  readonly freezeEarned: boolean
}

export function initialStreakState (config: RewardConfig): StreakState {
  return { current: 0, longest: 0, lastEntryDate: null, freezesRemaining: config.max_freezes, freezesUsed: 0 }
}

export function updateStreak (state: StreakState, entryLocalDay: LocalDay, config: RewardConfig): StreakUpdate {
  const unchanged: StreakUpdate = { state, updated: false, freezeUsed: false, broken: false, freezeEarned: false }
  if (state.lastEntryDate === null) return extend(state, 0, entryLocalDay, false, false, config)

  const gap = daysBetween(state.lastEntryDate, entryLocalDay)
  if (gap <= 0) return unchanged
  if (gap === 1) return extend(state, state.current, entryLocalDay, false, false, config)
  if (gap === 2 && state.freezesRemaining > 0) {
    const frozen = { ...state, freezesRemaining: state.freezesRemaining - 1, freezesUsed: state.freezesUsed + 1 }
    return extend(frozen, state.current, entryLocalDay, true, false, config)
  }
  // A streak of 0 (never started) cannot be "broken".
  return extend(state, 0, entryLocalDay, false, state.current > 0, config)
}

function extend (
  state: StreakState,
  carried: number,
  day: LocalDay,
  freezeUsed: boolean,
  broken: boolean,
  config: RewardConfig
): StreakUpdate {
  const current = carried + 1
  const earns = current % config.freeze_earned_every_streak_days === 0 && state.freezesRemaining < config.max_freezes
  return {
    state: {
      current,
      longest: Math.max(state.longest, current),
      lastEntryDate: day,
      freezesRemaining: earns ? state.freezesRemaining + 1 : Math.min(state.freezesRemaining, config.max_freezes),
      freezesUsed: state.freezesUsed,
    },
    updated: true,
    freezeUsed,
    broken,
    freezeEarned: earns,
  }
}
