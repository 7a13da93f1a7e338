import t from 'tap'
import { importGitCommits } from '../../../src/modules/imports/git/git-import.service.ts'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import type { GitCommit } from '../../../src/platform/git/git-repository.ts'
import type { Services } from '../../../src/runtime.ts'
import { signUp } from '../../helpers/auth.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { evaluate, ledger } from '../gamification/db-fixtures.ts'

function commit (day: string, n: number): GitCommit {
  const sha = n.toString(16).padStart(40, '0')
  return { sha, parentCount: 1, authorName: 'Alice', authorEmail: 'alice@example.test', authorDate: `${day}T10:00:00Z`, authorDay: day, committerName: 'Alice', committerEmail: 'alice@example.test', message: `Change number ${n}: reworked part ${n} of the billing export so large tenants stop timing out` }
}

/** The reward evaluation a save of `worklogId` queued, once it has run. */
async function rewardOf (services: Services, worklogId: string, after: Date) {
  return eventually(async () => {
    const row = await services.database.db.selectFrom('job').selectAll().where('type', '=', 'gamification.reward_evaluate')
      .where('created_at', '>=', after).where((eb) => eb(eb.ref('payload', '->>').key('worklog_id'), '=', worklogId)).executeTakeFirst()
    return row?.status === 'success' ? row.result as Record<string, unknown> : undefined
  }, 20_000, `the reward evaluation of ${worklogId}`)
}

t.test('imported drafts earn nothing until confirmed, and then count from the confirmation', async (t) => {
  const services = await startTestServices(t, { worker: true, env: { WORKLOG_AUTO_ANALYZE: 'false' } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const { db, tenantDb } = services.database
  const actor = { tenantId: alice.tenantId, userId: alice.id }
  // Twelve days of commits imported at once: more than the ten entries an hour that count.
  const days = Array.from({ length: 12 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}`)
  const summary = await withTenant(tenantDb, alice.tenantId, (trx) => importGitCommits(trx, actor, {
    repository: { toplevel: '/src/billing', originUrl: null, rootCommit: 'b'.repeat(40) },
    commits: days.map((day, i) => commit(day, i + 1)),
    authorEmail: 'alice@example.test',
    now: new Date(),
  }, {}))
  t.equal(summary.created, 12)
  const [draft, other] = summary.worklog_ids as [string, string]

  const direct = await evaluate(tenantDb, alice.tenantId, draft)
  t.same(direct.result, {
    entry_id: draft,
    job_id: direct.result.job_id,
    valid: false,
    xp_awarded: 0,
    streak_updated: false,
    streak: { current: 0, longest: 0, freeze_used: false, broken: false },
    badges_awarded: [],
    challenges_updated: [],
    errors: ['awaiting_confirmation'],
  })

  // Editing a draft without confirming it earns nothing either.
  const beforeEdit = new Date()
  const edited = await app.inject({ method: 'PATCH', url: `/api/worklogs/${other}/`, headers: alice.headers, payload: { outcome: 'Exports of large tenants finish in 40 s instead of timing out' } })
  t.equal(edited.statusCode, 200)
  t.equal(edited.json().confirmed_at, null)
  t.match(await rewardOf(services, other, beforeEdit), { valid: false, xp_awarded: 0, errors: ['awaiting_confirmation'] })
  t.same((await ledger(db, alice.tenantId, alice.id)).rows, [], 'no XP from drafts')

  // Her own entry right after the import is not taken for a flood of twelve.
  const beforeManual = new Date()
  const manual = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { occurred_on: new Date().toISOString().slice(0, 10), content: 'Paired with Bea on the pricing page and wrote its acceptance tests.' } })
  t.match(await rewardOf(services, manual.json().id, beforeManual), { valid: true, errors: [], streak: { current: 1 } })

  const beforeConfirm = new Date()
  const confirmed = await app.inject({ method: 'PATCH', url: `/api/worklogs/${draft}/`, headers: alice.headers, payload: { status: 'ready' } })
  t.equal(confirmed.statusCode, 200)
  const confirmedAt = confirmed.json().confirmed_at as string
  t.ok(Date.parse(confirmedAt) >= beforeConfirm.getTime() - 1000, 'confirmed_at is the confirmation')
  const reward = await rewardOf(services, draft, beforeConfirm)
  t.match(reward, { valid: true, errors: [], streak: { current: 1, broken: false } }, 'counted for today, where she showed up, not for 2026-02-01')
  const rows = (await ledger(db, alice.tenantId, alice.id)).rows.filter((r) => r.worklog_id === draft)
  t.same([...new Set(rows.map((r) => r.local_day))], [confirmedAt.slice(0, 10)], 'its XP is booked on the day of confirming (UTC profile)')

  // Saving it again neither pays twice nor moves the confirmation.
  const beforeAgain = new Date()
  const again = await app.inject({ method: 'PATCH', url: `/api/worklogs/${draft}/`, headers: alice.headers, payload: { status: 'final', impact: 'Two enterprise renewals unblocked' } })
  t.equal(again.json().confirmed_at, confirmedAt)
  t.match(await rewardOf(services, draft, beforeAgain), { valid: true })
  const reasons = (await ledger(db, alice.tenantId, alice.id)).rows.filter((r) => r.worklog_id === draft).map((r) => r.reason)
  t.same(rows.map((r) => r.reason), ['entry'], 'at confirmation: the entry itself')
  t.equal(reward.xp_awarded, rows[0]!.amount)
  t.same(reasons, ['entry', 'outcome'], 'the later save adds only what it newly earned')
})
