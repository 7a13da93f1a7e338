import t from 'tap'
import { activityDayOf, contentLength, distinctTags, hasAgileLink, hasMetrics, hasOutcome, xpDayOf } from '../../../../src/modules/gamification/rules/entry.ts'
import { entry } from './fixtures.ts'

t.test('content length counts visible characters', async (t) => {
  t.equal(contentLength('abc'), 3)
  t.equal(contentLength('   padded   '), 6, 'surrounding whitespace does not count')
  t.equal(contentLength('a\n\n\n\n\tb'), 3, 'a whitespace run counts as one space')
  t.equal(contentLength('café 👍🏽'), 6, 'accents and emoji with skin tone are one character each')
  t.equal(contentLength(''), 0)
})

t.test('tags are distinct, trimmed, case-insensitive', async (t) => {
  t.same(distinctTags(['API', 'api ', ' ', 'Infra']), ['api', 'infra'])
})

t.test('outcome, metrics and agile signals', async (t) => {
  t.equal(hasOutcome({ outcome: 'Cut build time', impact: null }), true)
  t.equal(hasOutcome({ outcome: '  ', impact: null }), false)
  t.equal(hasOutcome({ outcome: null, impact: 'Unblocked the team' }), true)
  t.equal(hasMetrics({ metrics: { latency_ms: 120 }, outcome: null, impact: null }), true)
  t.equal(hasMetrics({ metrics: { latency_ms: null, note: '' }, outcome: null, impact: null }), false)
  t.equal(hasMetrics({ metrics: null, outcome: 'Reduced p95 latency by 40%', impact: null }), true)
  t.equal(hasMetrics({ metrics: null, outcome: 'Closed 3 tickets', impact: null }), true)
  t.equal(hasMetrics({ metrics: null, outcome: null, impact: '2.5x faster deploys' }), true)
  t.equal(hasMetrics({ metrics: null, outcome: 'Planned Q4 and fixed p95 OAuth2 flow', impact: null }), false, 'identifiers are not quantities')
  t.equal(hasAgileLink(entry()), false)
  t.equal(hasAgileLink(entry({ sprintId: '3' })), true)
  t.equal(hasAgileLink(entry({ storyId: '9' })), true)
})

t.test('XP day is the local creation day', async (t) => {
  const e = entry({ createdAt: new Date('2025-12-31T23:30:00Z'), occurredOn: '2025-12-20' })
  t.equal(xpDayOf(e, 'UTC'), '2025-12-31')
  t.equal(xpDayOf(e, 'Asia/Tokyo'), '2026-01-01')
})

t.test('activity day: occurred_on within the backfill grace, else the creation day', async (t) => {
  const createdAt = new Date('2025-12-31T09:00:00Z')
  t.equal(activityDayOf({ occurredOn: '2025-12-31', createdAt }, 'UTC', 1), '2025-12-31', 'same day')
  t.equal(activityDayOf({ occurredOn: '2025-12-30', createdAt }, 'UTC', 1), '2025-12-30', 'logged the next morning (or after an outage)')
  t.equal(activityDayOf({ occurredOn: '2025-12-29', createdAt }, 'UTC', 1), '2025-12-31', 'older backfill counts for today only')
  t.equal(activityDayOf({ occurredOn: '2026-01-03', createdAt }, 'UTC', 1), '2025-12-31', 'future-dated counts for today')
  t.equal(activityDayOf({ occurredOn: '2025-12-30', createdAt }, 'UTC', 0), '2025-12-31', 'grace 0 means the creation day')
  // 00:30 on Jan 1 in Paris is still Dec 31 in UTC: the zone decides what "today" is.
  const parisNewYear = new Date('2025-12-31T23:30:00Z')
  t.equal(activityDayOf({ occurredOn: '2025-12-30', createdAt: parisNewYear }, 'Europe/Paris', 1), '2026-01-01')
  t.equal(activityDayOf({ occurredOn: '2025-12-30', createdAt: parisNewYear }, 'UTC', 1), '2025-12-30')
})
