// The time decisions are made at: grace windows, expiries, rate-limit and lockout windows,
// "today" for streaks. One `Clock` is handed to whatever decides, so a test can stand at
// any instant (just before midnight, 2 s after a refresh) instead of sleeping or racing.
// A decision that SQL makes passes `clock.now()` into the query as a parameter rather
// than reading the database's now(), so the same instant is used on both sides.
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
