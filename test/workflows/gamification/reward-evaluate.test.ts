import t from 'tap'
import { randomUUID } from 'node:crypto'
import { enqueueRewardEvaluation } from '../../../src/modules/gamification/reward-evaluation.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'
import { evaluate, insertEntry, ledger, prose, tenantWithUser } from '../../modules/gamification/db-fixtures.ts'
import type { Services } from '../../../src/runtime.ts'

async function runJob (services: Services, input: { tenantId: string; userId: string; worklogId: string; trigger: 'created' | 'updated' | 'attachment' }) {
  const { db } = services.database
  const job = await db.transaction().execute((trx) => enqueueRewardEvaluation(services.jobs, trx, input))
  return eventually(async () => {
    const row = await db.selectFrom('job').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow()
    if (row.status === 'failed') throw new Error(`job failed: ${JSON.stringify(row.error)}`)
    return row.status === 'success' ? row : undefined
  }, 20_000, 'reward job')
}

t.test("the seed's worked example, end to end through the real workflow", async (t) => {
  const services = await startTestServices(t, { worker: true })
  const { db } = services.database
  const { tenantId, userId: alice } = await tenantWithUser(db)
  const today = new Date('2025-12-31T15:00:00Z')
  const yesterday = new Date('2025-12-30T15:00:00Z')
  // Yesterday: an entry with evidence, so first_attachment is already earned.
  const first = await insertEntry(db, tenantId, alice, { createdAt: yesterday, content: prose(40, 'Set up the CI cache for the monorepo'), attachments: 1 })
  const firstJob = await runJob(services, { tenantId, userId: alice, worklogId: first, trigger: 'created' })
  t.match(firstJob.result, { valid: true, streak: { current: 1 } })
  t.ok((firstJob.result as { badges_awarded: string[] }).badges_awarded.includes('first_attachment'))

  // Today: 250 characters, 1 attachment, 2 tags, an outcome.
  const entry = await insertEntry(db, tenantId, alice, {
    createdAt: today, content: prose(250), attachments: 1, tags: ['billing', 'testing'], outcome: 'Exports no longer time out for large tenants',
  })
  const job = await runJob(services, { tenantId, userId: alice, worklogId: entry, trigger: 'created' })
  t.match(job.result, {
    entry_id: entry,
    job_id: job.id,
    valid: true,
    xp_awarded: 46,
    streak_updated: true,
    streak: { current: 2, longest: 2, freeze_used: false, broken: false },
    badges_awarded: [],
    errors: [],
  })
  t.same([...(job.result as { challenges_updated: string[] }).challenges_updated].sort(), ['attach_evidence', 'log_days', 'write_outcomes'])

  const state = await ledger(db, tenantId, alice)
  const todays = state.rows.filter((r) => r.worklog_id === entry)
  t.same(todays.map((r) => r.reason).sort(), ['attachment:1', 'entry', 'length', 'outcome', 'tag:1', 'tag:2'])
  t.equal(todays.reduce((s, r) => s + r.amount, 0), 46)
  t.ok(todays.every((r) => r.local_day === '2025-12-31' && r.idempotency_key.startsWith(`xp:${alice}:${entry}:2025-12-31:`)))
  t.equal(state.totalXp, state.sum, 'total XP is the sum of the ledger')
  t.equal(state.level, 1)

  const events = await db.selectFrom('event').select(['message', 'source']).where('job_id', '=', job.id).where('source', '=', 'workflow.reward').orderBy('id').execute()
  t.same(events.map((e) => e.message), [
    'Loading entry', 'Validating entry', 'Computing XP', 'Awarded 46 XP', 'Updating streak', 'Checking badges', 'Updating challenges',
    'Persisted rewards', 'Reward evaluation completed: XP=46, badges=0, challenges=3',
  ])

  // An edit re-evaluates the entry; nothing it already earned is paid again.
  await db.updateTable('worklog').set({ content: prose(260, 'Rewrote the export') }).where('id', '=', entry).execute()
  const edited = await runJob(services, { tenantId, userId: alice, worklogId: entry, trigger: 'updated' })
  t.match(edited.result, { valid: true, xp_awarded: 0, streak_updated: false })
  t.equal((await ledger(db, tenantId, alice)).sum, state.sum)
})

t.test('two requests for the same change collapse; a later edit gets its own job', async (t) => {
  const services = await startTestServices(t)
  const { db } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  const entry = await insertEntry(db, tenantId, userId, { createdAt: new Date() })
  const [a, b] = await db.transaction().execute(async (trx) => [
    await enqueueRewardEvaluation(services.jobs, trx, { tenantId, userId, worklogId: entry, trigger: 'created' }),
    await enqueueRewardEvaluation(services.jobs, trx, { tenantId, userId, worklogId: entry, trigger: 'created' }),
  ])
  t.equal(a.id, b.id)
  t.equal(a.trigger, 'system', 'not counted against the tenant quota')
  const later = await db.transaction().execute((trx) => enqueueRewardEvaluation(services.jobs, trx, { tenantId, userId, worklogId: entry, trigger: 'updated' }))
  t.not(later.id, a.id)
  // Rolled back with the write that caused it: no job.
  await t.rejects(db.transaction().execute(async (trx) => {
    await enqueueRewardEvaluation(services.jobs, trx, { tenantId, userId, worklogId: entry, trigger: 'attachment' })
    throw new Error('worklog write failed')
  }))
  t.equal((await db.selectFrom('job').select('id').where('tenant_id', '=', tenantId).execute()).length, 2)
})

t.test('a retried job and two concurrent evaluations award each unit and badge exactly once', async (t) => {
  const services = await startTestServices(t)
  const { db, tenantDb } = services.database
  const { tenantId, userId } = await tenantWithUser(db)
  const entry = await insertEntry(db, tenantId, userId, { createdAt: new Date('2026-01-05T10:00:00Z'), content: prose(220), attachments: 2, tags: ['a', 'b', 'c'], outcome: 'Cut p95 latency by 40%' })

  const jobId = randomUUID()
  const once = await evaluate(tenantDb, tenantId, entry, jobId)
  const replay = await evaluate(tenantDb, tenantId, entry, jobId)
  t.ok(once.result.xp_awarded > 0)
  t.equal(replay.result.xp_awarded, 0, 'the replay awards nothing')
  t.same(replay.result.badges_awarded, [])

  const other = await insertEntry(db, tenantId, userId, { createdAt: new Date('2026-01-06T10:00:00Z'), content: prose(90, 'Wrote the runbook'), attachments: 1 })
  const racing = await Promise.all([evaluate(tenantDb, tenantId, other), evaluate(tenantDb, tenantId, other), evaluate(tenantDb, tenantId, other)])
  t.equal(racing.filter((r) => r.result.xp_awarded > 0).length, 1, 'only one of the racing evaluations pays')

  const state = await ledger(db, tenantId, userId)
  const keys = state.rows.map((r) => r.idempotency_key)
  t.equal(new Set(keys).size, keys.length)
  for (const id of [entry, other]) {
    const reasons = state.rows.filter((r) => r.worklog_id === id).map((r) => r.reason)
    t.equal(new Set(reasons).size, reasons.length, 'one ledger row per unit')
  }
  t.same(state.badges, ['first_attachment', 'first_entry'])
  t.equal(state.totalXp, state.sum)
  t.match(state.streak, { current: 2 })
})
