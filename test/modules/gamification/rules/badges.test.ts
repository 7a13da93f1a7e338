import t from 'tap'
import { awardBadges, BADGE_DEFINITIONS, badgeIdempotencyKey, type BadgeStats } from '../../../../src/modules/gamification/rules/badges.ts'

const none: BadgeStats = { entryCount: 0, currentStreak: 0, attachmentCount: 0, level: 1 }
const codes = (stats: Partial<BadgeStats>, earned: string[] = []) => awardBadges({ ...none, ...stats }, earned).map((b) => b.code)

t.test('exactly the ten seed badges', async (t) => {
  t.same(
    BADGE_DEFINITIONS.map((b) => b.code),
    ['first_entry', 'streak_7', 'streak_30', 'streak_100', 'total_entries_10', 'total_entries_50', 'total_entries_100', 'first_attachment', 'level_5', 'level_10']
  )
  t.equal(new Set(BADGE_DEFINITIONS.map((b) => b.code)).size, 10)
  t.ok(Object.isFrozen(BADGE_DEFINITIONS) && Object.isFrozen(BADGE_DEFINITIONS[0]))
  for (const b of BADGE_DEFINITIONS) t.ok(b.name && b.description && b.threshold >= 1, `${b.code} is complete`)
})

t.test('thresholds', async (t) => {
  t.same(codes({}), [])
  t.same(codes({ entryCount: 1 }), ['first_entry'])
  t.same(codes({ entryCount: 10 }, ['first_entry']), ['total_entries_10'])
  t.same(codes({ entryCount: 9 }, ['first_entry']), [])
  t.same(codes({ entryCount: 100 }, ['first_entry', 'total_entries_10']), ['total_entries_50', 'total_entries_100'], 'missed milestones are caught up')
  t.same(codes({ currentStreak: 6 }), [])
  t.same(codes({ currentStreak: 7 }), ['streak_7'])
  t.same(codes({ currentStreak: 30 }, ['streak_7']), ['streak_30'])
  t.same(codes({ currentStreak: 100 }, ['streak_7', 'streak_30']), ['streak_100'])
  t.same(codes({ attachmentCount: 2 }), ['first_attachment'], 'two files in the first upload still earn it')
  t.same(codes({ level: 4 }), [])
  t.same(codes({ level: 5 }), ['level_5'])
  t.same(codes({ level: 12 }), ['level_5', 'level_10'])
})

t.test('never awarded twice', async (t) => {
  t.same(codes({ entryCount: 1, attachmentCount: 1 }, ['first_entry', 'first_attachment']), [])
})

t.test('provenance and key', async (t) => {
  t.same(awardBadges({ ...none, currentStreak: 7 }, []), [{ code: 'streak_7', provenance: { trigger: 'current_streak', threshold: 7 } }])
  t.equal(badgeIdempotencyKey('7', 'streak_7'), 'badge:7:streak_7')
})
