// Calendar dates (occurred_on, started_on, …) as the API shows them. node-postgres turns
// a date column into a Date at *local* midnight, so the local getters give back the
// stored day whatever the process's time zone; toISOString() would shift it.
export function dateOut (value: Date | string): string {
  if (typeof value === 'string') return value.slice(0, 10)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
}

export function dateOrNull (value: Date | string | null): string | null {
  return value === null ? null : dateOut(value)
}

/** Hours shown next to effort_minutes (seed 004: computed, not stored). */
export function hoursOf (minutes: number | null): number | null {
  return minutes === null ? null : Math.round((minutes / 60) * 100) / 100
}
