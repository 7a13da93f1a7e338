// The XP ledger's writes, called directly with plans written by hand, on the real
// database: what persistPlan stores (every column of every row), what it says it stored,
// and the streak's compare-and-set. The reward rules are tested in rules/; here the plan
// is given, so each write can be pinned on its own.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { lockUserState, persistPlan, type PersistedPlan } from '../../../src/modules/gamification/gamification.repository.ts'
import { BADGE_DEFINITIONS, CHALLENGE_TEMPLATES, DEFAULT_REWARD_CONFIG, type LedgerPlan, type StreakState } from '../../../src/modules/gamification/rules/index.ts'
import type { Services } from '../../../src/runtime.ts'
import { startedOnce, startTestServices } from '../../helpers/services.ts'
import { insertEntry, tenantWithUser } from './db-fixtures.ts'

const services = startedOnce(() => startTestServices(t))

const NO_STREAK: StreakState = { current: 0, longest: 0, lastEntryDate: null, freezesRemaining: DEFAULT_REWARD_CONFIG.max_freezes, freezesUsed: 0 }
const EMPTY = { xpEvents: [], userBadges: [], challengeProgress: [], streak: NO_STREAK, streakExpected: NO_STREAK }

async function persist (s: Services, key: { tenantId: string; userId: string }, plan: LedgerPlan, jobId = randomUUID()): Promise<PersistedPlan> {
  return withTenant(s.database.tenantDb, key.tenantId, async (trx) => {
    await lockUserState(trx, key, DEFAULT_REWARD_CONFIG.max_freezes)
    return persistPlan(trx, key, jobId, plan, DEFAULT_REWARD_CONFIG)
  })
}

async function userXp (s: Services, key: { tenantId: string; userId: string }) {
  return s.database.db.selectFrom('user_xp').select(['total_xp', 'level', 'daily_xp', sql<string>`daily_xp_date::text`.as('daily_xp_date')])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirstOrThrow()
}

async function streakRow (s: Services, key: { tenantId: string; userId: string }) {
  return s.database.db.selectFrom('user_streak').select(['current', 'longest', sql<string | null>`last_entry_date::text`.as('last_entry_date'), 'freezes_remaining', 'freezes_used'])
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).executeTakeFirstOrThrow()
}

t.test('XP rows are stored whole, the totals move by what was inserted, and the daily figure follows the latest day', async (t) => {
  const s = await services()
  const key = await tenantWithUser(s.database.db)
  const entryId = await insertEntry(s.database.db, key.tenantId, key.userId, { createdAt: new Date('2026-03-04T12:00:00Z') })
  const jobId = randomUUID()
  const row = (localDay: string, amount: number, reason: string, entry: string | null, source: 'entry' | 'challenge') => ({
    idempotencyKey: `${reason}:${localDay}`,
    userId: key.userId,
    entryId: entry,
    localDay,
    amount,
    reason,
    breakdown: { [source === 'entry' ? 'base' : 'challenge']: amount },
    provenance: { job_id: jobId, source, capped: amount === 3 },
  })
  // The latest day is first, not last: the daily figure must not depend on the order.
  const plan: LedgerPlan = { ...EMPTY, xpEvents: [row('2026-03-04', 7, 'base', entryId, 'entry'), row('2026-03-02', 3, 'weekly', null, 'challenge'), row('2026-03-03', 5, 'detail', entryId, 'entry')] }
  const persisted = await persist(s, key, plan, jobId)
  t.same(persisted, {
    xp: [{ reason: 'base', amount: 7, source: 'entry' }, { reason: 'weekly', amount: 3, source: 'challenge' }, { reason: 'detail', amount: 5, source: 'entry' }],
    badges: [],
    challenges: [],
    streakSaved: false,
  })
  const stored = await s.database.db.selectFrom('xp_event')
    .select(['user_id', 'worklog_id', sql<string>`local_day::text`.as('local_day'), 'amount', 'source', 'reason', 'breakdown', 'provenance', 'idempotency_key'])
    .where('tenant_id', '=', key.tenantId).orderBy('id').execute()
  t.same(stored, [
    { user_id: key.userId, worklog_id: entryId, local_day: '2026-03-04', amount: 7, source: 'entry', reason: 'base', breakdown: { base: 7 }, provenance: { job_id: jobId, source: 'entry', capped: false }, idempotency_key: 'base:2026-03-04' },
    { user_id: key.userId, worklog_id: null, local_day: '2026-03-02', amount: 3, source: 'challenge', reason: 'weekly', breakdown: { challenge: 3 }, provenance: { job_id: jobId, source: 'challenge', capped: true }, idempotency_key: 'weekly:2026-03-02' },
    { user_id: key.userId, worklog_id: entryId, local_day: '2026-03-03', amount: 5, source: 'entry', reason: 'detail', breakdown: { base: 5 }, provenance: { job_id: jobId, source: 'entry', capped: false }, idempotency_key: 'detail:2026-03-03' },
  ])
  t.same(await userXp(s, key), { total_xp: 15, level: 1, daily_xp: 7, daily_xp_date: '2026-03-04' })

  // Again, with one new row on an earlier day: only it counts, and the daily figure stays on the latest day.
  const again = await persist(s, key, { ...plan, xpEvents: [...plan.xpEvents, row('2026-03-03', DEFAULT_REWARD_CONFIG.xp_per_level, 'bonus', entryId, 'entry')] })
  t.same(again.xp, [{ reason: 'bonus', amount: DEFAULT_REWARD_CONFIG.xp_per_level, source: 'entry' }])
  t.same(await userXp(s, key), { total_xp: 15 + DEFAULT_REWARD_CONFIG.xp_per_level, level: 2, daily_xp: 7, daily_xp_date: '2026-03-04' })
})

t.test('a plan with nothing new says so: no rows, no badges, no challenges, no streak', async (t) => {
  const s = await services()
  const key = await tenantWithUser(s.database.db)
  t.same(await persist(s, key, EMPTY), { xp: [], badges: [], challenges: [], streakSaved: false })
  t.same(await userXp(s, key), { total_xp: 0, level: 1, daily_xp: 0, daily_xp_date: null })
})

t.test('badges are stored with their provenance and returned once', async (t) => {
  const s = await services()
  const key = await tenantWithUser(s.database.db)
  const [first, second] = BADGE_DEFINITIONS.map((b) => b.code)
  const provenance = { job_id: randomUUID(), trigger: 'entry_count' as const, threshold: 1 }
  const plan: LedgerPlan = { ...EMPTY, userBadges: [first!, second!].map((code) => ({ idempotencyKey: `badge:${code}`, userId: key.userId, badgeCode: code, provenance: { ...provenance } })) }
  t.same(await persist(s, key, plan), { xp: [], badges: [first, second], challenges: [], streakSaved: false })
  const stored = await s.database.db.selectFrom('user_badge').select(['user_id', 'badge_code', 'idempotency_key', 'provenance']).where('tenant_id', '=', key.tenantId).orderBy('badge_code').execute()
  t.same(stored, [first!, second!].sort().map((code) => ({ user_id: key.userId, badge_code: code, idempotency_key: `badge:${code}`, provenance })))
  t.same((await persist(s, key, plan)).badges, [], 'a second award of the same badges inserts nothing')
})

t.test('challenge progress moves once per contribution; completion is stamped with the plan\'s time, or now', async (t) => {
  const s = await services()
  const key = await tenantWithUser(s.database.db)
  const week = '2026-03-02'
  const [quick, slow] = CHALLENGE_TEMPLATES.map((c) => c.code)
  await s.database.db.insertInto('user_challenge').values([
    { tenant_id: key.tenantId, user_id: key.userId, week_start: week, code: quick!, target: 1, reward_xp: 10 },
    { tenant_id: key.tenantId, user_id: key.userId, week_start: week, code: slow!, target: 2, reward_xp: 10 },
  ]).execute()
  const entryId = await insertEntry(s.database.db, key.tenantId, key.userId, { createdAt: new Date('2026-03-03T12:00:00Z') })
  const jobId = randomUUID()
  const completedAt = new Date('2026-03-03T12:00:00.123Z')
  const contribution = (code: string, when: Date | null) => ({ idempotencyKey: `challenge:${code}`, userId: key.userId, code, weekStart: week, contributionKey: entryId, entryId, completes: when !== null, completedAt: when })
  const before = Date.now()
  const persisted = await persist(s, key, { ...EMPTY, challengeProgress: [contribution(quick!, completedAt), contribution(slow!, null)] }, jobId)
  t.same(persisted, {
    xp: [],
    badges: [],
    challenges: [{ code: quick, completed: true }, { code: slow, completed: false }],
    streakSaved: false,
  })
  const rows = await s.database.db.selectFrom('user_challenge').select(['code', 'progress', 'completed_at']).where('tenant_id', '=', key.tenantId).execute()
  const byCode = new Map(rows.map((r) => [r.code, r]))
  t.same(byCode.get(quick!), { code: quick, progress: 1, completed_at: completedAt }, 'completed at the plan\'s time')
  t.same(byCode.get(slow!), { code: slow, progress: 1, completed_at: null })
  const progress = await s.database.db.selectFrom('user_challenge_progress').select(['code', 'job_id', 'worklog_id', 'contribution_key']).where('tenant_id', '=', key.tenantId).orderBy('code').execute()
  t.same(progress, [quick!, slow!].sort().map((code) => ({ code, job_id: jobId, worklog_id: entryId, contribution_key: entryId })))

  // The second contribution to the slower one completes it; without a time in the plan, now.
  const next = { ...contribution(slow!, null), idempotencyKey: `challenge:${slow!}:2`, contributionKey: `${entryId}:2` }
  t.same((await persist(s, key, { ...EMPTY, challengeProgress: [next, contribution(quick!, completedAt)] })).challenges, [{ code: slow, completed: true }], 'the repeated contribution is skipped')
  const done = await s.database.db.selectFrom('user_challenge').select(['progress', 'completed_at']).where('tenant_id', '=', key.tenantId).where('code', '=', slow!).executeTakeFirstOrThrow()
  t.equal(done.progress, 2)
  t.ok(done.completed_at !== null && done.completed_at.getTime() >= before - 1000 && done.completed_at.getTime() <= Date.now() + 1000, 'completed now')
})

t.test('the streak is saved only over the state the evaluation read', async (t) => {
  const s = await services()
  const key = await tenantWithUser(s.database.db)
  const first: StreakState = { ...NO_STREAK, current: 1, longest: 1, lastEntryDate: '2026-03-02' }
  t.equal((await persist(s, key, { ...EMPTY, streak: first, streakExpected: NO_STREAK })).streakSaved, true)
  t.same(await streakRow(s, key), { current: 1, longest: 1, last_entry_date: '2026-03-02', freezes_remaining: NO_STREAK.freezesRemaining, freezes_used: 0 })

  const unchanged = await persist(s, key, { ...EMPTY, streak: first, streakExpected: first })
  t.equal(unchanged.streakSaved, false, 'a plan that keeps the streak writes nothing')

  // A stale delivery: it read the empty streak and would move it back.
  const stale: StreakState = { ...NO_STREAK, current: 1, longest: 1, lastEntryDate: '2026-03-01' }
  t.equal((await persist(s, key, { ...EMPTY, streak: stale, streakExpected: NO_STREAK })).streakSaved, false)
  t.same(await streakRow(s, key), { current: 1, longest: 1, last_entry_date: '2026-03-02', freezes_remaining: NO_STREAK.freezesRemaining, freezes_used: 0 }, 'the newer streak stands')

  const frozen: StreakState = { current: 3, longest: 3, lastEntryDate: '2026-03-05', freezesRemaining: NO_STREAK.freezesRemaining - 1, freezesUsed: 1 }
  t.equal((await persist(s, key, { ...EMPTY, streak: frozen, streakExpected: first })).streakSaved, true)
  t.same(await streakRow(s, key), { current: 3, longest: 3, last_entry_date: '2026-03-05', freezes_remaining: NO_STREAK.freezesRemaining - 1, freezes_used: 1 })
  for (const [field, wrong] of [['current', { ...frozen, current: 2 }], ['longest', { ...frozen, longest: 4 }], ['freezesRemaining', { ...frozen, freezesRemaining: 9 }], ['freezesUsed', { ...frozen, freezesUsed: 0 }], ['lastEntryDate', { ...frozen, lastEntryDate: '2026-03-04' }]] as const) {
    t.equal((await persist(s, key, { ...EMPTY, streak: { ...frozen, current: 4, longest: 4 }, streakExpected: wrong })).streakSaved, false, `an expected ${field} that differs saves nothing`)
  }
  t.same((await streakRow(s, key)).current, 3)
})
