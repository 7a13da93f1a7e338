// Property: over random sequences of entries, edits and replays against the real database,
// total XP equals the sum of the ledger, no day exceeds the cap from entry and challenge
// XP, and replaying every job changes nothing.
import t from 'tap'
import fc from 'fast-check'
import { DEFAULT_REWARD_CONFIG } from '../../../src/modules/gamification/rules/index.ts'
import { startTestServices } from '../../helpers/services.ts'
import { evaluate, insertEntry, ledger, prose, tenantWithUser } from './db-fixtures.ts'

const Step = fc.record({
  dayOffset: fc.integer({ min: 0, max: 3 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  length: fc.integer({ min: 5, max: 260 }),
  attachments: fc.integer({ min: 0, max: 4 }),
  tags: fc.integer({ min: 0, max: 6 }),
  outcome: fc.boolean(),
  editAfter: fc.boolean(),
})

t.test('ledger invariants under random entries and replays', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  let runs = 0
  await fc.assert(fc.asyncProperty(fc.array(Step, { minLength: 1, maxLength: 8 }), fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'), async (steps, zone) => {
    runs++
    const { tenantId, userId } = await tenantWithUser(db, zone)
    const base = Date.parse('2026-07-06T00:00:00Z')
    const jobs: Array<{ id: string; job: string }> = []
    for (const [i, step] of steps.entries()) {
      const createdAt = new Date(base + step.dayOffset * 86_400_000 + step.minute * 60_000 + i)
      const id = await insertEntry(db, tenantId, userId, {
        createdAt,
        content: prose(step.length, `step ${i} ${runs} ${step.minute}`),
        attachments: step.attachments,
        tags: Array.from({ length: step.tags }, (_, k) => `tag${k}`),
        outcome: step.outcome ? 'It works now' : '',
      })
      const job = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      await evaluate(tenantDb, tenantId, id, job)
      jobs.push({ id, job })
      if (step.editAfter) {
        await db.updateTable('worklog').set({ content: prose(step.length + 30, `edited ${i}`), tags: JSON.stringify(['x', 'y']) }).where('id', '=', id).execute()
        await evaluate(tenantDb, tenantId, id)
      }
    }
    const before = await ledger(db, tenantId, userId)
    if (before.totalXp !== before.sum) return false
    const perDay = new Map<string, number>()
    for (const row of before.rows) perDay.set(row.local_day, (perDay.get(row.local_day) ?? 0) + row.amount)
    if ([...perDay.values()].some((xp) => xp > DEFAULT_REWARD_CONFIG.max_daily_xp)) return false
    for (const { id, job } of jobs) {
      if ((await evaluate(tenantDb, tenantId, id, job)).result.xp_awarded !== 0) return false
    }
    const after = await ledger(db, tenantId, userId)
    return after.sum === before.sum && after.totalXp === before.totalXp && after.rows.length === before.rows.length &&
      JSON.stringify(after.streak) === JSON.stringify(before.streak) && JSON.stringify(after.badges) === JSON.stringify(before.badges)
  }), { numRuns: 25, seed: 20260706 })
  t.equal(runs >= 25, true)
})
