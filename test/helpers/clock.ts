// A clock a test moves by hand: stand just before midnight, step past a grace window or
// into the next rate-limit window without sleeping.
import type { Clock } from '../../src/platform/clock.ts'

export interface ManualClock extends Clock {
  /** Move forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void
  set(at: Date): void
}

export function manualClock (start: Date = new Date()): ManualClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance: (ms) => { current += ms },
    set: (at) => { current = at.getTime() },
  }
}
