// Effort as the API shows it beside effort_minutes.

/** Hours shown next to effort_minutes (seed 004: computed, not stored). */
export function hoursOf (minutes: number | null): number | null {
  return minutes === null ? null : Math.round((minutes / 60) * 100) / 100
}
