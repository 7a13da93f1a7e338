// Calendar dates (occurred_on, started_on, …) as the API shows them. Our pool reads a
// date column as a Date at midnight UTC (src/platform/db/database.ts), so the ISO form's
// first ten characters are the stored day whatever the process's time zone.
export function dateOut (value: Date | string): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10)
}

export function dateOrNull (value: Date | string | null): string | null {
  return value === null ? null : dateOut(value)
}

/** Hours shown next to effort_minutes (seed 004: computed, not stored). */
export function hoursOf (minutes: number | null): number | null {
  return minutes === null ? null : Math.round((minutes / 60) * 100) / 100
}
