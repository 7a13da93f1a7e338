// A calendar day (occurred_on, period_start, started_on, …) is written YYYY-MM-DD
// everywhere: in the API, in job payloads, to the agents. Our pool reads a `date` column
// as a Date at midnight UTC (src/platform/db/database.ts), so the first ten characters
// of its ISO form are the stored day whatever the process's time zone; for "today" the
// same gives the UTC day. Imports nothing, so every layer may use it.

/** The day of a Date (its UTC day), or of a string that already starts with one. */
export function isoDay (value: Date | string): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10)
}

export function isoDayOrNull (value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoDay(value)
}
