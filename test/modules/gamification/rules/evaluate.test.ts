import t from 'tap'
import { evaluateReward, planLedgerEvents, rewardDaysOf, type RewardEvaluationInput } from '../../../../src/modules/gamification/rules/evaluate.ts'
import { InvalidTimeZoneError } from '../../../../src/modules/gamification/rules/local-day.ts'
import { weeklyChallenges } from '../../../../src/modules/gamification/rules/challenges.ts'
import type { RewardEntry } from '../../../../src/modules/gamification/rules/entry.ts'
import { config, entry, MemoryStore, text } from './fixtures.ts'

// The seed's worked example (000 "Example Execution"): alice's WorkLog #123 on 2025-12-31,
// 250 characters, 1 attachment, 2 tags, an outcome; she logged yesterday; first_attachment
// is already hers; log_days goes to 3/5 and write_outcomes to 2/3. The seed does not list
// attach_evidence among the updated challenges although the entry has an attachment, so
// alice's attach_evidence is already complete this week. (The seed's state is taken as
// given: log_days 2/5 with a 1-day streak cannot both come from Mon+Tue entries.)
const alice = '42'
const week = { start: '2025-12-29', end: '2026-01-04' }
const workLog123: RewardEntry = entry({
  id: '123',
  userId: alice,
  occurredOn: '2025-12-31',
  createdAt: new Date('2025-12-31T20:00:00Z'), // 15:00 in New York
  content: text(250),
  attachmentCount: 1,
  tags: ['backend', 'auth'],
  outcome: 'Customers can sign in with SSO again',
})
const [logDays, attachEvidence, writeOutcomes] = weeklyChallenges(week)
const aliceInput: RewardEvaluationInput = {
  jobId: 'job-123',
  entry: workLog123,
  timeZone: 'America/New_York',
  config,
  recentEntries: [{ id: '122', createdAt: new Date('2025-12-30T21:00:00Z'), content: 'Paired on the SSO callback handler and wrote tests' }],
  alreadyAwardedXpReasons: [],
  totalXp: 50,
  dailyXpSoFar: 0,
  streak: { current: 1, longest: 4, lastEntryDate: '2025-12-30', freezesRemaining: 3, freezesUsed: 0 },
  earnedBadges: ['first_entry', 'first_attachment'],
  otherRewardedEntries: 3,
  otherRewardedAttachments: 1,
  challenges: [
    { ...logDays!, progress: 2, countedKeys: ['day:2025-12-29', 'day:2025-12-30'] },
    { ...attachEvidence!, progress: 3, completedAt: new Date('2025-12-30T21:00:00Z'), countedKeys: ['entry:120', 'entry:121', 'entry:122'] },
    { ...writeOutcomes!, progress: 1, countedKeys: ['entry:122'] },
  ],
  quietMode: false,
}

t.test('seed worked example: 46 XP, streak 2, no badge, log_days 3/5, write_outcomes 2/3', async (t) => {
  const evaluation = evaluateReward(aliceInput)
  t.same(evaluation.result, {
    entry_id: '123',
    job_id: 'job-123',
    valid: true,
    xp_awarded: 46,
    streak_updated: true,
    streak: { current: 2, longest: 4, freeze_used: false, broken: false },
    badges_awarded: [],
    challenges_updated: ['log_days', 'write_outcomes'],
    errors: [],
  })
  t.same(evaluation.xp?.breakdown, { base: 10, attachments: 5, tags: 6, length: 10, outcome: 15, metrics: 0, agile: 0 })
  t.equal(evaluation.levelBefore, 1)
  t.equal(evaluation.levelAfter, 1, 'level 1 → 1')
  t.same(evaluation.challenges.map((c) => `${c.code} ${c.progressAfter}/${c.target}`), ['log_days 3/5', 'write_outcomes 2/3'])
  t.same(evaluation.events.map((e) => e.message), [
    'Validating entry',
    'Computing XP',
    'Awarded 46 XP',
    'Updating streak',
    'Checking badges',
    'Updating challenges',
    'Reward evaluation completed: XP=46, badges=0, challenges=2',
  ])

  const plan = planLedgerEvents(evaluation)
  t.equal(plan.xpEvents.reduce((sum, row) => sum + row.amount, 0), 46)
  t.ok(plan.xpEvents.every((row) => /^xp:42:123:2025-12-31:[0-9a-f]{12}$/.test(row.idempotencyKey)), 'seed key format')
  t.equal(new Set(plan.xpEvents.map((row) => row.idempotencyKey)).size, plan.xpEvents.length)
  t.same(plan.xpEvents[0]?.provenance, { job_id: 'job-123', source: 'entry', capped: false })
  t.same(plan.userBadges, [])
  t.same(plan.challengeProgress.map((row) => row.idempotencyKey), ['challenge:42:log_days:2025-12-29:day:2025-12-31', 'challenge:42:write_outcomes:2025-12-29:entry:123'])
  t.same(plan.streak, { current: 2, longest: 4, lastEntryDate: '2025-12-31', freezesRemaining: 3, freezesUsed: 0 })
})

t.test('the same job again, after its commit, awards nothing', async (t) => {
  const store = new MemoryStore('America/New_York')
  const first = store.evaluate(workLog123, 'job-123')
  t.equal(first.insertedXp, 46)
  const before = store.snapshot()
  const retry = store.evaluate(workLog123, 'job-123')
  t.equal(retry.evaluation.result.xp_awarded, 0)
  t.equal(retry.evaluation.result.streak_updated, false)
  t.same(retry.evaluation.result.challenges_updated, [])
  t.same(retry.evaluation.result.badges_awarded, [])
  t.equal(store.apply(first.plan), 0, 'a duplicate delivery of the old plan inserts nothing')
  t.same(store.snapshot(), before)
})

t.test('an edit adding evidence pays only the new units', async (t) => {
  const store = new MemoryStore('UTC')
  const draft = entry({ id: '5', content: text(60), tags: ['api'] })
  t.equal(store.evaluate(draft).insertedXp, 13)
  const edited = { ...draft, attachmentCount: 1, tags: ['infra'], occurredOn: '2025-12-30' }
  const after = store.evaluate(edited, 'job-5-upload')
  t.equal(after.evaluation.result.xp_awarded, 5, 'the attachment; the swapped tag and moved date earn nothing')
  t.same(after.evaluation.result.badges_awarded, ['first_attachment'])
  // Dec 30 is within the backfill grace of its creation day, so it now also counts as a
  // logged day — exactly what a second entry for Dec 30 made on Dec 31 would do.
  t.same(after.evaluation.result.challenges_updated, ['log_days', 'attach_evidence'])
  t.equal(after.evaluation.result.streak_updated, false, 'the streak only moves forward')
  t.equal(store.totalXp, 18)
})

t.test('rejected entries get nothing and say why', async (t) => {
  const evaluation = evaluateReward({ ...aliceInput, entry: { ...workLog123, content: 'fixed it' } })
  t.equal(evaluation.result.valid, false)
  t.same(evaluation.result.errors, ['too_short'])
  t.equal(evaluation.result.xp_awarded, 0)
  t.same(evaluation.result.streak, { current: 1, longest: 4, freeze_used: false, broken: false })
  const plan = planLedgerEvents(evaluation)
  t.same([plan.xpEvents, plan.userBadges, plan.challengeProgress], [[], [], []])
  t.equal(plan.streak, aliceInput.streak)
})

t.test('freeze use and broken streak through the workflow', async (t) => {
  const frozen = evaluateReward({ ...aliceInput, streak: { current: 6, longest: 6, lastEntryDate: '2025-12-29', freezesRemaining: 2, freezesUsed: 1 } })
  t.same(frozen.result.streak, { current: 7, longest: 7, freeze_used: true, broken: false })
  t.same(frozen.result.badges_awarded, ['streak_7'])
  t.same(planLedgerEvents(frozen).userBadges, [
    { idempotencyKey: 'badge:42:streak_7', userId: '42', badgeCode: 'streak_7', provenance: { job_id: 'job-123', trigger: 'current_streak', threshold: 7 } },
  ])
  const broken = evaluateReward({ ...aliceInput, streak: { current: 6, longest: 6, lastEntryDate: '2025-12-27', freezesRemaining: 3, freezesUsed: 0 } })
  t.same(broken.result.streak, { current: 1, longest: 6, freeze_used: false, broken: true })
  t.equal(broken.result.xp_awarded, 46, 'no penalty beyond the streak: XP is unaffected')
})

t.test('daily cap', async (t) => {
  const evaluation = evaluateReward({ ...aliceInput, dailyXpSoFar: 180 })
  t.equal(evaluation.result.xp_awarded, 20)
  t.equal(evaluation.xp?.capped, true)
  t.equal(evaluation.xp?.uncappedAmount, 46)
  t.ok(planLedgerEvents(evaluation).xpEvents.some((row) => row.provenance.capped))
})

t.test('level-up awards the level badge', async (t) => {
  const evaluation = evaluateReward({ ...aliceInput, totalXp: 380 })
  t.equal(evaluation.levelBefore, 4)
  t.equal(evaluation.levelAfter, 5)
  t.same(evaluation.result.badges_awarded, ['level_5'])
})

t.test('completing a weekly challenge pays its reward once, within the daily cap', async (t) => {
  const almost = [{ ...logDays!, progress: 4, countedKeys: ['day:2025-12-27', 'day:2025-12-28', 'day:2025-12-29', 'day:2025-12-30'] }]
  const done = evaluateReward({ ...aliceInput, challenges: almost })
  t.same(done.challengeRewards, [{ code: 'log_days', weekStart: '2025-12-29', amount: 50, capped: false }])
  t.equal(done.result.xp_awarded, 96)
  const rewardRow = planLedgerEvents(done).xpEvents.find((row) => row.provenance.source === 'challenge')
  t.match(rewardRow, { entryId: null, localDay: '2025-12-31', amount: 50, reason: 'challenge:log_days' })
  t.match(rewardRow?.idempotencyKey, /^xp:42:challenge:2025-12-29:[0-9a-f]{12}$/)

  const nearCap = evaluateReward({ ...aliceInput, challenges: almost, dailyXpSoFar: 130 })
  t.equal(nearCap.result.xp_awarded, 70, '46 for the entry, 24 of the 50 reward: the day never passes 200')
  t.same(nearCap.challengeRewards, [{ code: 'log_days', weekStart: '2025-12-29', amount: 24, capped: true }])

  const reward = evaluateReward({ ...aliceInput, challenges: almost, totalXp: 390 })
  t.same(reward.result.badges_awarded, ['level_5'], 'level reached through the reward earns its badge now')
})

t.test('quiet mode hides, it does not withhold', async (t) => {
  const loud = evaluateReward(aliceInput)
  const quiet = evaluateReward({ ...aliceInput, quietMode: true })
  t.equal(quiet.quietMode, true)
  t.same(quiet.result, loud.result)
  t.same(planLedgerEvents(quiet), planLedgerEvents(loud))
})

t.test('time zones decide the day', async (t) => {
  // 01:00 on Jan 1 in Tokyo is still Dec 31 in UTC.
  const tokyo = { ...workLog123, occurredOn: '2026-01-01', createdAt: new Date('2025-12-31T16:00:00Z') }
  const streak = { current: 3, longest: 3, lastEntryDate: '2025-12-31', freezesRemaining: 3, freezesUsed: 0 }
  const local = evaluateReward({ ...aliceInput, entry: tokyo, timeZone: 'Asia/Tokyo', streak })
  t.equal(local.days.xpDay, '2026-01-01')
  t.equal(local.result.streak.current, 4, 'a new local day extends the streak')
  t.ok(planLedgerEvents(local).xpEvents.every((row) => row.idempotencyKey.includes(':2026-01-01:')))
  const utc = evaluateReward({ ...aliceInput, entry: tokyo, timeZone: 'UTC', streak })
  t.equal(utc.result.streak_updated, false, 'judged in UTC it would be the same day')

  // Sunday 23:30 in Los Angeles is Monday in UTC: the entry belongs to the week that is ending.
  const sundayNight = { occurredOn: '2026-01-04', createdAt: new Date('2026-01-05T07:30:00Z') }
  t.same(rewardDaysOf(sundayNight, 'America/Los_Angeles', config), { xpDay: '2026-01-04', activityDay: '2026-01-04', week })
  t.throws(() => evaluateReward({ ...aliceInput, timeZone: 'Nowhere/Special' }), InvalidTimeZoneError)
})

t.test('an outage does not break streaks', async (t) => {
  // Nothing reads a clock: a job run days late sees the same days as one run at once.
  const late = evaluateReward(aliceInput)
  t.same(late.days, { xpDay: '2025-12-31', activityDay: '2025-12-31', week })
  // If users could not log at all on Dec 31, the entry they make on Jan 1 for Dec 31
  // still counts for Dec 31, and the next day's entry continues the streak.
  const store = new MemoryStore('UTC')
  store.streak = { current: 10, longest: 10, lastEntryDate: '2025-12-30', freezesRemaining: 0, freezesUsed: 3 }
  const catchUp = store.evaluate(entry({ id: '1', occurredOn: '2025-12-31', createdAt: new Date('2026-01-01T08:00:00Z') }))
  t.same(catchUp.evaluation.result.streak, { current: 11, longest: 11, freeze_used: false, broken: false })
  const today = store.evaluate(entry({ id: '2', occurredOn: '2026-01-01', content: text(80, 'reviewed the incident timeline '), createdAt: new Date('2026-01-01T09:00:00Z') }))
  t.equal(today.evaluation.result.streak.current, 12)
  // Older backfills cannot rebuild a broken streak.
  const gap = new MemoryStore('UTC')
  gap.streak = { current: 10, longest: 10, lastEntryDate: '2025-12-27', freezesRemaining: 0, freezesUsed: 3 }
  const backfill = gap.evaluate(entry({ id: '3', occurredOn: '2025-12-28', createdAt: new Date('2026-01-01T08:00:00Z') }))
  t.same(backfill.evaluation.result.streak, { current: 1, longest: 10, freeze_used: false, broken: true })
})
