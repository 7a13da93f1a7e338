import t from 'tap'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { persistPlan } from '../../../src/modules/gamification/gamification.repository.ts'
import { BADGE_DEFINITIONS, CHALLENGE_TEMPLATES, DEFAULT_REWARD_CONFIG, planLedgerEvents } from '../../../src/modules/gamification/rules/index.ts'
import { startTestServices } from '../../helpers/services.ts'
import { evaluate, insertEntry, ledger, prose, tenantWithUser } from './db-fixtures.ts'

const day = (d: string, hour = 12) => new Date(`${d}T${String(hour).padStart(2, '0')}:00:00Z`)

t.test('every tenant gets the seed catalogue equal to the rules module', async (t) => {
  const services = await startTestServices(t)
  const { db } = services.database
  const { tenantId } = await tenantWithUser(db)
  const config = await db.selectFrom('reward_config').selectAll().where('tenant_id', '=', tenantId).execute()
  t.same(config.map((c) => [c.version, c.rules]), [[1, DEFAULT_REWARD_CONFIG]])
  const badges = await db.selectFrom('badge_definition').select(['code', 'name', 'description', 'category', 'trigger', 'threshold']).where('tenant_id', '=', tenantId).orderBy('sort_order').execute()
  t.same(badges, BADGE_DEFINITIONS.map((b) => ({ ...b })))
  const templates = await db.selectFrom('challenge_template').select(['code', 'name', 'description', 'target', 'reward_xp']).where('tenant_id', '=', tenantId).execute()
  t.same(templates.map((c) => ({ code: c.code, name: c.name, description: c.description, target: c.target, rewardXp: c.reward_xp })).sort((a, b) => a.code.localeCompare(b.code)),
    CHALLENGE_TEMPLATES.map((c) => ({ ...c })).sort((a, b) => a.code.localeCompare(b.code)))
})

t.test('the ledger is immutable', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  await evaluate(tenantDb, tenantId, await insertEntry(db, tenantId, userId, { createdAt: day('2026-02-02') }))
  await t.rejects(db.updateTable('xp_event').set({ amount: 1000 }).where('tenant_id', '=', tenantId).execute(), /immutable ledger/)
  await t.rejects(db.deleteFrom('xp_event').where('tenant_id', '=', tenantId).execute(), /immutable ledger/)
  // The ledger outlives the entry it rewarded.
  await db.deleteFrom('worklog').where('tenant_id', '=', tenantId).execute()
  t.equal((await ledger(db, tenantId, userId)).rows.length, 1)
  // …but not its tenant.
  await db.deleteFrom('tenant').where('id', '=', tenantId).execute()
  t.equal((await db.selectFrom('xp_event').select('id').where('tenant_id', '=', tenantId).execute()).length, 0)
})

t.test('the unique keys alone stop a second persist of the same plan', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  const entry = await insertEntry(db, tenantId, userId, { createdAt: day('2026-02-02'), attachments: 1, tags: ['x'] })
  const first = await evaluate(tenantDb, tenantId, entry, '00000000-0000-4000-8000-000000000001')
  const plan = planLedgerEvents(first.evaluation!)
  const again = await withTenant(tenantDb, tenantId, (trx) => persistPlan(trx, { tenantId, userId }, '00000000-0000-4000-8000-000000000002', plan, DEFAULT_REWARD_CONFIG))
  t.same(again.xp, [])
  t.same(again.badges, [])
  t.same(again.challenges, [])
  t.equal(again.streakSaved, false, 'the stale streak is not written back')
  const state = await ledger(db, tenantId, userId)
  t.equal(state.totalXp, state.sum)
  t.equal(state.sum, first.result.xp_awarded)
})

t.test('streaks: consecutive, freeze use, broken', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  const log = async (d: string) => (await evaluate(tenantDb, tenantId, await insertEntry(db, tenantId, userId, { createdAt: day(d), content: prose(50, d) }))).result
  t.match(await log('2026-03-02'), { streak: { current: 1 } })
  t.match(await log('2026-03-03'), { streak: { current: 2 } })
  // 2026-03-04 missed: one freeze bridges it.
  t.match(await log('2026-03-05'), { streak: { current: 3, freeze_used: true, broken: false } })
  t.match((await ledger(db, tenantId, userId)).streak, { current: 3, freezes_remaining: 2, freezes_used: 1 })
  // Two days missed: broken, back to 1; longest kept.
  t.match(await log('2026-03-08'), { streak: { current: 1, longest: 3, broken: true, freeze_used: false } })
  t.match((await ledger(db, tenantId, userId)).streak, { current: 1, longest: 3, last_entry_date: '2026-03-08', freezes_remaining: 2 })
})

t.test('daily cap and level-up', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  // Each entry is worth 10+15+15+10+15 = 65 XP; four of them on one day hit the 200 cap.
  const results = []
  for (let i = 0; i < 4; i++) {
    const entry = await insertEntry(db, tenantId, userId, {
      createdAt: new Date(Date.parse('2026-04-01T08:00:00Z') + i * 600_000),
      content: prose(210, `Task number ${i} was about ${'xyzw'[i]}`),
      attachments: 3,
      tags: ['a', 'b', 'c', 'd', 'e'],
      outcome: 'Customers can export again',
    })
    results.push((await evaluate(tenantDb, tenantId, entry)).result)
  }
  // The third completes attach_evidence (3 entries with evidence): its 30 XP reward shares
  // the cap and only 5 fit; the fourth entry is valid but the day is full.
  t.same(results.map((r) => r.xp_awarded), [65, 65, 70, 0])
  t.equal(results[3]?.valid, true)
  const state = await ledger(db, tenantId, userId)
  t.equal(state.sum, 200)
  t.equal(state.totalXp, 200)
  t.equal(state.level, 3, 'level = floor(200 / 100) + 1')
  const xp = await db.selectFrom('user_xp').select(['daily_xp']).select((eb) => eb.cast<string>('daily_xp_date', 'text').as('daily_xp_date')).where('user_id', '=', userId).executeTakeFirstOrThrow()
  t.same(xp, { daily_xp: 200, daily_xp_date: '2026-04-01' })
  // The capped entry does not get its missing units later by being edited.
  const last = state.rows.at(-1)!.worklog_id!
  await db.updateTable('worklog').set({ impact: 'and more' }).where('id', '=', last).execute()
  t.equal((await evaluate(tenantDb, tenantId, last)).result.xp_awarded, 0, 'the day is still full')
})

t.test('a weekly challenge completes once and pays once', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  // write_outcomes: 3 entries with an outcome in the week of Monday 2026-05-04.
  const ids = []
  for (const [i, d] of ['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07'].entries()) {
    const id = await insertEntry(db, tenantId, userId, { createdAt: day(d), content: prose(30, `entry ${i} ${d}`), outcome: `Outcome ${'abcd'[i]}` })
    ids.push(id)
    await evaluate(tenantDb, tenantId, id)
  }
  await evaluate(tenantDb, tenantId, ids[2]!)
  const challenge = await db.selectFrom('user_challenge').selectAll().where('user_id', '=', userId).where('code', '=', 'write_outcomes').executeTakeFirstOrThrow()
  t.equal(challenge.progress, 3, 'stops counting once complete')
  t.ok(challenge.completed_at)
  const rewards = (await ledger(db, tenantId, userId)).rows.filter((r) => r.reason === 'challenge:write_outcomes')
  t.equal(rewards.length, 1)
  t.equal(rewards[0]?.amount, 30)
  const state = await ledger(db, tenantId, userId)
  t.equal(state.totalXp, state.sum)
})

t.test('local days follow the user\'s time zone', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db, 'Pacific/Auckland')
  // 2026-06-01 21:00 UTC is already 2026-06-02 09:00 in Auckland (UTC+12).
  const a = await insertEntry(db, tenantId, userId, { createdAt: new Date('2026-06-01T21:00:00Z'), occurredOn: '2026-06-02', content: prose(40, 'auckland morning') })
  const first = await evaluate(tenantDb, tenantId, a)
  t.equal(first.evaluation?.days.xpDay, '2026-06-02')
  // 2026-06-02 11:30 UTC is 23:30 the same local day: no new streak day.
  const b = await insertEntry(db, tenantId, userId, { createdAt: new Date('2026-06-02T11:30:00Z'), occurredOn: '2026-06-02', content: prose(40, 'auckland late night') })
  t.match((await evaluate(tenantDb, tenantId, b)).result, { streak: { current: 1 }, streak_updated: false })
  // 2026-06-02 12:30 UTC is 00:30 on 2026-06-03 there: the next day.
  const c = await insertEntry(db, tenantId, userId, { createdAt: new Date('2026-06-02T12:30:00Z'), occurredOn: '2026-06-03', content: prose(40, 'auckland past midnight') })
  t.match((await evaluate(tenantDb, tenantId, c)).result, { streak: { current: 2 }, streak_updated: true })
  const days = (await ledger(db, tenantId, userId)).rows.filter((r) => r.reason === 'entry').map((r) => r.local_day)
  t.same(days, ['2026-06-02', '2026-06-02', '2026-06-03'])
})

t.test('an entry deleted before its job runs is not an error', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId } = await tenantWithUser(db)
  const outcome = await evaluate(tenantDb, tenantId, '00000000-0000-4000-8000-000000000000')
  t.match(outcome.result, { valid: false, xp_awarded: 0, errors: ['entry_not_found'] })
})
