// Calendar days as the user lives them. Streaks, the daily XP cap and weekly challenges
// all count the user's local days (profile time zone), never UTC days: someone in
// Auckland logging at 08:00 must not see it land on "yesterday".
//
// A local day is an ISO date string 'YYYY-MM-DD'. Day arithmetic runs on the date alone
// (through UTC midnights), so daylight-saving changes cannot make a day 23 or 25 hours.

import { isoDay } from '../../../vocabulary/calendar-day.ts'

export type LocalDay = string

export interface LocalWeek {
  /** Monday */
  readonly start: LocalDay
  /** Sunday */
  readonly end: LocalDay
}

export class InvalidTimeZoneError extends RangeError {
  override readonly name = 'InvalidTimeZoneError'
}

export class InvalidLocalDayError extends RangeError {
  override readonly name = 'InvalidLocalDayError'
}

const MS_PER_DAY = 86_400_000
const LOCAL_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

// Building a DateTimeFormat is costly next to formatting, and evaluation formats often.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor (timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone)
  if (cached) return cached
  let formatter: Intl.DateTimeFormat
  try {
    // An empty string would silently mean "the host's zone"; that is never what a profile means.
    if (timeZone.trim() === '') throw new RangeError('empty')
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    })
  } catch {
    throw new InvalidTimeZoneError(`invalid IANA time zone: ${JSON.stringify(timeZone)}`)
  }
  formatters.set(timeZone, formatter)
  return formatter
}

export function assertTimeZone (timeZone: string): void {
  formatterFor(timeZone)
}

export function isValidTimeZone (timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** The calendar day an instant falls on in `timeZone`. */
export function localDayOf (instant: Date, timeZone: string): LocalDay {
  const formatter = formatterFor(timeZone)
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid instant')
  let year = ''
  let month = ''
  let day = ''
  for (const part of formatter.formatToParts(instant)) {
    if (part.type === 'year') year = part.value
    else if (part.type === 'month') month = part.value
    else if (part.type === 'day') day = part.value
  }
  return `${year.padStart(4, '0')}-${month}-${day}`
}

export function isLocalDay (value: string): boolean {
  const match = LOCAL_DAY.exec(value)
  if (!match) return false
  const [, y, m, d] = match
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
}

function dayNumber (day: LocalDay): number {
  if (!isLocalDay(day)) throw new InvalidLocalDayError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`)
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return Date.UTC(y, m - 1, d) / MS_PER_DAY
}

function fromDayNumber (n: number): LocalDay {
  return isoDay(new Date(n * MS_PER_DAY))
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween (from: LocalDay, to: LocalDay): number {
  return dayNumber(to) - dayNumber(from)
}

export function addDays (day: LocalDay, days: number): LocalDay {
  return fromDayNumber(dayNumber(day) + days)
}

/** The Monday–Sunday week containing `day` (the seed's weekly challenges reset on Monday). */
export function weekContaining (day: LocalDay): LocalWeek {
  const n = dayNumber(day)
  // 1970-01-01 was a Thursday: day number 0 → weekday index 3 when Monday is 0.
  const mondayOffset = (((n + 3) % 7) + 7) % 7
  const start = n - mondayOffset
  return { start: fromDayNumber(start), end: fromDayNumber(start + 6) }
}
