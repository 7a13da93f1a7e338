import t from 'tap'
import {
  CHALLENGE_TEMPLATES,
  challengeProgressKey,
  updateChallenges,
  weeklyChallenges,
  type ChallengeEntryFacts,
  type UserChallengeState,
} from '../../../../src/modules/gamification/rules/challenges.ts'
import { weekContaining } from '../../../../src/modules/gamification/rules/local-day.ts'

const week = weekContaining('2025-12-31')
const facts = (overrides: Partial<ChallengeEntryFacts> = {}): ChallengeEntryFacts => ({
  entryId: '1',
  activityDay: '2025-12-31',
  createdAt: new Date('2025-12-31T10:00:00Z'),
  hasAttachment: false,
  hasOutcome: false,
  ...overrides,
})

t.test('three weekly templates', async (t) => {
  t.same(CHALLENGE_TEMPLATES.map((c) => [c.code, c.target]), [['log_days', 5], ['attach_evidence', 3], ['write_outcomes', 3]])
  const fresh = weeklyChallenges(week)
  t.equal(fresh.length, 3)
  t.ok(fresh.every((c) => c.weekStart === '2025-12-29' && c.progress === 0 && c.completedAt === null))
})

t.test('each goal counts what it says', async (t) => {
  const { changes } = updateChallenges(weeklyChallenges(week), facts({ hasAttachment: true }), week)
  t.same(changes.map((c) => [c.code, c.contributionKey, c.progressAfter]), [['log_days', 'day:2025-12-31', 1], ['attach_evidence', 'entry:1', 1]])
  const outcome = updateChallenges(weeklyChallenges(week), facts({ hasOutcome: true }), week)
  t.same(outcome.changes.map((c) => c.code), ['log_days', 'write_outcomes'])
})

t.test('log_days counts distinct days only', async (t) => {
  let challenges: readonly UserChallengeState[] = weeklyChallenges(week)
  const apply = (f: ChallengeEntryFacts) => {
    const { changes } = updateChallenges(challenges, f, week)
    challenges = challenges.map((c) => changes.find((x) => x.code === c.code)?.state ?? c)
    return changes
  }
  t.equal(apply(facts({ entryId: '1' })).length, 1)
  t.equal(apply(facts({ entryId: '2' })).length, 0, 'a second entry on the same day adds nothing')
  t.equal(apply(facts({ entryId: '1' })).length, 0, 're-evaluating an entry adds nothing')
  t.equal(challenges.find((c) => c.code === 'log_days')?.progress, 1)
})

t.test('completion once, with its reward', async (t) => {
  const logDays: UserChallengeState = {
    code: 'log_days',
    weekStart: week.start,
    target: 5,
    progress: 4,
    rewardXp: 50,
    completedAt: null,
    countedKeys: ['day:2025-12-29', 'day:2025-12-30', 'day:2026-01-01', 'day:2026-01-02'],
  }
  const done = updateChallenges([logDays], facts({ activityDay: '2025-12-31' }), week)
  const change = done.changes[0]
  t.equal(change?.completed, true)
  t.equal(change?.rewardXp, 50)
  t.same(change?.state.completedAt, new Date('2025-12-31T10:00:00Z'), 'completed when the completing entry was made')
  t.equal(change?.state.progress, 5)
  const after = change?.state ?? logDays
  t.same(updateChallenges([after], facts({ activityDay: '2026-01-03', entryId: '9' }), week).changes, [], 'a completed challenge no longer moves')
})

t.test('other weeks and unknown codes', async (t) => {
  const lastWeek = weeklyChallenges(weekContaining('2025-12-22'))
  t.same(updateChallenges(lastWeek, facts(), week).changes, [], 'challenges of another week are untouched')
  t.match(updateChallenges(weeklyChallenges(week), facts({ activityDay: '2026-01-05' }), week).errors, [/outside the week/])
  const odd: UserChallengeState = { code: 'read_books', weekStart: week.start, target: 1, progress: 0, rewardXp: 5, completedAt: null, countedKeys: [] }
  t.match(updateChallenges([odd], facts(), week).errors, ['unknown challenge: read_books'])
})

t.test('progress key', async (t) => {
  t.equal(challengeProgressKey({ userId: '7', code: 'log_days', weekStart: '2025-12-29', contributionKey: 'day:2025-12-31' }), 'challenge:7:log_days:2025-12-29:day:2025-12-31')
})
