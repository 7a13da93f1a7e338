import t from 'tap'
import {
  addDays,
  daysBetween,
  InvalidLocalDayError,
  InvalidTimeZoneError,
  isLocalDay,
  isValidTimeZone,
  localDayOf,
  weekContaining,
} from '../../../../src/modules/gamification/rules/local-day.ts'

t.test('localDayOf uses the user zone, not UTC', async (t) => {
  const instant = new Date('2025-12-31T23:30:00Z')
  t.equal(localDayOf(instant, 'UTC'), '2025-12-31')
  t.equal(localDayOf(instant, 'Europe/Paris'), '2026-01-01', 'Paris is already in the new year')
  t.equal(localDayOf(instant, 'America/Los_Angeles'), '2025-12-31')
  t.equal(localDayOf(new Date('2025-12-31T07:59:00Z'), 'America/Los_Angeles'), '2025-12-30')
  t.equal(localDayOf(new Date('2025-06-30T12:30:00Z'), 'Pacific/Auckland'), '2025-07-01')
  t.equal(localDayOf(new Date('2025-06-30T11:59:00Z'), 'Pacific/Auckland'), '2025-06-30', 'one minute before local midnight (UTC+12)')
  t.equal(localDayOf(new Date('2025-03-15T18:40:00Z'), 'Asia/Kolkata'), '2025-03-16', 'half-hour offsets')
})

t.test('day boundaries around a DST change stay calendar days', async (t) => {
  // Europe/Berlin springs forward on 2025-03-30: the day has 23 hours.
  t.equal(localDayOf(new Date('2025-03-29T22:59:00Z'), 'Europe/Berlin'), '2025-03-29')
  t.equal(localDayOf(new Date('2025-03-29T23:00:00Z'), 'Europe/Berlin'), '2025-03-30')
  t.equal(localDayOf(new Date('2025-03-30T21:59:00Z'), 'Europe/Berlin'), '2025-03-30')
  t.equal(localDayOf(new Date('2025-03-30T22:00:00Z'), 'Europe/Berlin'), '2025-03-31')
  t.equal(daysBetween('2025-03-29', '2025-03-31'), 2)
})

t.test('invalid zones fail clearly', async (t) => {
  t.throws(() => localDayOf(new Date(), 'Mars/Olympus_Mons'), InvalidTimeZoneError)
  t.throws(() => localDayOf(new Date(), ''), /invalid IANA time zone/)
  t.equal(isValidTimeZone('Europe/Paris'), true)
  t.equal(isValidTimeZone('Not/AZone'), false)
  t.throws(() => localDayOf(new Date('nope'), 'UTC'), RangeError)
})

t.test('day arithmetic', async (t) => {
  t.equal(daysBetween('2025-12-30', '2025-12-31'), 1)
  t.equal(daysBetween('2025-12-31', '2026-01-02'), 2)
  t.equal(daysBetween('2026-01-02', '2025-12-31'), -2)
  t.equal(daysBetween('2024-02-28', '2024-03-01'), 2, 'leap year')
  t.equal(addDays('2025-12-31', 1), '2026-01-01')
  t.equal(addDays('2025-03-01', -1), '2025-02-28')
  t.equal(isLocalDay('2025-02-29'), false)
  t.equal(isLocalDay('2025-2-3'), false)
  t.throws(() => daysBetween('2025-13-01', '2025-12-01'), InvalidLocalDayError)
})

t.test('weeks run Monday to Sunday', async (t) => {
  t.same(weekContaining('2025-12-31'), { start: '2025-12-29', end: '2026-01-04' }, 'Wednesday')
  t.same(weekContaining('2025-12-29'), { start: '2025-12-29', end: '2026-01-04' }, 'Monday starts its own week')
  t.same(weekContaining('2026-01-04'), { start: '2025-12-29', end: '2026-01-04' }, 'Sunday ends it')
  t.same(weekContaining('2026-01-05'), { start: '2026-01-05', end: '2026-01-11' })
  t.same(weekContaining('1970-01-01'), { start: '1969-12-29', end: '1970-01-04' }, 'before the epoch arithmetic')
})
