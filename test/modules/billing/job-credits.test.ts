// The billing module's JobCredits called directly, in PostgreSQL: every move it makes is
// pinned by its ledger rows (kind, amount, key, reason), the hold row and the balance —
// the exact words people read in their credit history, and the boundaries of "enough".
// paid-jobs.test.ts runs the same code through a real worker; this is the quick, exact half.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { sql } from 'kysely'
import { billingJobCredits } from '../../../src/modules/billing/job-credits.ts'
import { insertEntry, readBalance } from '../../../src/modules/billing/billing.repository.ts'
import type { CreditPricing } from '../../../src/modules/billing/pricing.ts'
import type { Db } from '../../../src/platform/db/database.ts'
import { eventually, startedOnce, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'

// 10 credits per 1,000 tokens, at least 1 a job: a 1,000-token estimate holds 10.
const PRICING: CreditPricing = { perThousandTokens: 10, perUsd: 100, minPerJob: 1, model: { provider: 'openai', name: 'test-model' } }
const BUY = 'An owner can buy credits (POST /api/billing/checkout/), or an operator can grant some.'

// One database for the file: each subtest works in a tenant of its own (but the sweep's).
const services = startedOnce(() => startTestServices(t))

async function tenantWith (db: Db, credits: number): Promise<string> {
  const tenantId = await insertTenant(db)
  if (credits > 0) await insertEntry(db, { tenant_id: tenantId, kind: 'grant', amount: credits, reason: 'test', idempotency_key: `grant:${tenantId}` })
  return tenantId
}

async function movesOf (db: Db, jobId: string): Promise<Array<{ kind: string; amount: number; idempotency_key: string; reason: string }>> {
  const rows = await db.selectFrom('credit_entry').select(['kind', 'amount', 'idempotency_key', 'reason']).where('job_id', '=', jobId).orderBy('id').execute()
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }))
}

async function holdOf (db: Db, jobId: string): Promise<{ amount: number; captured: number | null; settled: boolean } | undefined> {
  const row = await db.selectFrom('credit_reservation').select(['amount', 'captured', 'settled_at']).where('job_id', '=', jobId).executeTakeFirst()
  return row === undefined ? undefined : { amount: Number(row.amount), captured: row.captured === null ? null : Number(row.captured), settled: row.settled_at !== null }
}

async function useTokens (db: Db, tenantId: string, jobId: string, tokens: number): Promise<void> {
  await db.insertInto('llm_call').values({ tenant_id: tenantId, user_id: null, job_id: jobId, purpose: 'test.paid', provider: 'openai', model: 'test-model', prompt_tokens: Math.floor(tokens / 2), completion_tokens: Math.ceil(tokens / 2), latency_ms: 1, cost_usd: null, outcome: 'ok', error: null }).execute()
}

t.test('shortfall: enough is exactly enough; otherwise one sentence says what is there, what is needed and how to get more', async (t) => {
  const db = (await services()).database.db
  const credits = billingJobCredits(db, PRICING)
  const tenantId = await tenantWith(db, 100)
  const ask = (count: number, estimatedTokens = 1000) => credits.shortfall(db, { tenantId, type: 'report.generate', estimatedTokens, count })
  t.equal(await ask(1), undefined)
  t.equal(await ask(10), undefined, '10 jobs of 10 credits with 100 available')
  t.equal(await ask(11), `This workspace has 100 credits available and 11 × report.generate needs 110. ${BUY}`)
  t.equal(await ask(1, 20_000), `This workspace has 100 credits available and report.generate needs 200. ${BUY}`)
  t.equal(await credits.shortfall(db, { tenantId: await insertTenant(db), type: 'report.generate', estimatedTokens: 1, count: 1 }), `This workspace has 0 credits available and report.generate needs 1. ${BUY}`, 'a tenant with no ledger has nothing')
})

t.test('reserve: one hold per job, written as a reserve row; a retry holds nothing more; too little is refused with nothing written', async (t) => {
  const db = (await services()).database.db
  const credits = billingJobCredits(db, PRICING)
  const tenantId = await tenantWith(db, 25)
  const job = (estimatedTokens = 1000) => ({ jobId: randomUUID(), tenantId, type: 'test.paid', estimatedTokens })

  const first = job()
  t.equal(await credits.reserve(first), undefined)
  t.same(await movesOf(db, first.jobId), [{ kind: 'reserve', amount: 10, idempotency_key: `reserve:${first.jobId}`, reason: 'test.paid: held before it runs (up to 1000 tokens)' }])
  t.same(await holdOf(db, first.jobId), { amount: 10, captured: null, settled: false })
  t.same(await readBalance(db, tenantId), { available: 15, reserved: 10 })

  t.equal(await credits.reserve(first), undefined, 'a retry of the job')
  t.equal((await movesOf(db, first.jobId)).length, 1, 'holds nothing more')
  t.same(await readBalance(db, tenantId), { available: 15, reserved: 10 })

  const tooBig = job(1600)
  t.equal(await credits.reserve(tooBig), `This workspace has 15 credits available and test.paid needs 16. ${BUY}`)
  t.same([await movesOf(db, tooBig.jobId), await holdOf(db, tooBig.jobId)], [[], undefined], 'a refusal writes nothing')

  const exact = job(1500)
  t.equal(await credits.reserve(exact), undefined, 'the last 15 credits can be held')
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 25 })
  t.equal(await credits.reserve(first), undefined, 'a retry finds its hold, with nothing left available')
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 25 })
})

t.test('settle: a success is charged its calls, at most its hold, and the rest released; any other ending is charged nothing; twice is once', async (t) => {
  const db = (await services()).database.db
  const credits = billingJobCredits(db, PRICING)
  const tenantId = await tenantWith(db, 100)
  const later = new Date(Date.now() + 86_400_000)
  // A real (queued, never run) job: its model calls refer to it.
  const held = async (): Promise<string> => {
    const { job: { id: jobId } } = await (await services()).jobs.enqueue(db, { type: 'system.echo', tenantId, payload: {}, runAt: later })
    t.equal(await credits.reserve({ jobId, tenantId, type: 'test.paid', estimatedTokens: 1000 }), undefined)
    return jobId
  }

  const used = await held()
  await useTokens(db, tenantId, used, 300)
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: used, tenantId }, 'success'))
  t.same(await movesOf(db, used), [
    { kind: 'reserve', amount: 10, idempotency_key: `reserve:${used}`, reason: 'test.paid: held before it runs (up to 1000 tokens)' },
    { kind: 'capture', amount: 3, idempotency_key: `capture:${used}`, reason: 'test.paid: used 3 of 10 reserved' },
    { kind: 'release', amount: 7, idempotency_key: `release:${used}`, reason: 'test.paid: unused part of the reservation' },
  ])
  t.same(await holdOf(db, used), { amount: 10, captured: 3, settled: true })
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: used, tenantId }, 'success'))
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: used, tenantId }, 'ended'))
  t.equal((await movesOf(db, used)).length, 3, 'settling again, in either way, moves nothing')

  const greedy = await held()
  await useTokens(db, tenantId, greedy, 4000)
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: greedy, tenantId }, 'success'))
  t.same((await movesOf(db, greedy)).slice(1).map((m) => [m.kind, m.amount, m.reason]), [['capture', 10, 'test.paid: used 10 of 10 reserved']], 'charged its whole hold and no more; nothing left to release')
  t.same(await holdOf(db, greedy), { amount: 10, captured: 10, settled: true })

  const failed = await held()
  await useTokens(db, tenantId, failed, 800)
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: failed, tenantId }, 'ended'))
  t.same((await movesOf(db, failed)).slice(1), [{ kind: 'release', amount: 10, idempotency_key: `release:${failed}`, reason: 'test.paid: the job did not succeed; nothing charged' }])
  t.same(await holdOf(db, failed), { amount: 10, captured: 0, settled: true })

  const free = randomUUID()
  await db.transaction().execute((trx) => credits.settle(trx, { jobId: free, tenantId }, 'success'))
  t.same([await movesOf(db, free), await holdOf(db, free)], [[], undefined], 'a job without a hold is left alone')
  // 100 - 3 - 10 (the greedy job); the failed job's hold came back whole.
  t.same(await readBalance(db, tenantId), { available: 87, reserved: 0 })
})

t.test('two settles of one job at once: the second waits for the first and finds the hold settled', async (t) => {
  const { database: { db }, jobs } = await services()
  const credits = billingJobCredits(db, PRICING)
  const tenantId = await tenantWith(db, 100)
  const { job } = await jobs.enqueue(db, { type: 'system.echo', tenantId, payload: {}, runAt: new Date(Date.now() + 86_400_000) })
  t.equal(await credits.reserve({ jobId: job.id, tenantId, type: 'test.paid', estimatedTokens: 1000 }), undefined)
  await useTokens(db, tenantId, job.id, 300)

  let second: Promise<void> | undefined
  await db.transaction().execute(async (trx) => {
    await credits.settle(trx, { jobId: job.id, tenantId }, 'success')
    // A sweep (or a late failure) settles the same job while the success is uncommitted.
    second = db.transaction().execute((other) => credits.settle(other, { jobId: job.id, tenantId }, 'ended'))
    await eventually(async () => {
      const { rows } = await sql<{ waiting: number }>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db)
      return rows[0]!.waiting > 0 ? true : undefined
    }, 10_000, 'the second settle to wait for the first')
  })
  await second
  t.same((await movesOf(db, job.id)).map((m) => [m.kind, m.amount]), [['reserve', 10], ['capture', 3], ['release', 7]])
  t.same(await holdOf(db, job.id), { amount: 10, captured: 3, settled: true }, 'the hold says what was captured')
})

t.test('releaseAbandoned settles the holds of ended or vanished jobs (a success is charged), leaves running ones, and counts what it settled', async (t) => {
  // A database of its own: the sweep looks at every tenant's holds.
  const own = await startTestServices(t)
  const db = own.database.db
  const credits = billingJobCredits(db, PRICING)
  const tenantId = await tenantWith(db, 100)
  const later = new Date(Date.now() + 86_400_000)
  const paidJob = async (): Promise<string> => {
    const { job } = await own.jobs.enqueue(db, { type: 'system.echo', tenantId, payload: {}, runAt: later })
    t.equal(await credits.reserve({ jobId: job.id, tenantId, type: 'test.paid', estimatedTokens: 1000 }), undefined)
    return job.id
  }
  const end = (jobId: string, status: 'success' | 'failed') => db.updateTable('job').set({ status, finished_at: new Date(), updated_at: new Date() }).where('id', '=', jobId).execute()

  const succeeded = await paidJob()
  await useTokens(db, tenantId, succeeded, 200)
  await end(succeeded, 'success')
  const failed = await paidJob()
  await end(failed, 'failed')
  const queued = await paidJob()
  const vanished = randomUUID()
  t.equal(await credits.reserve({ jobId: vanished, tenantId, type: 'test.paid', estimatedTokens: 1000 }), undefined)

  t.equal(await credits.releaseAbandoned(), 3)
  t.same((await movesOf(db, succeeded)).slice(1).map((m) => [m.kind, m.amount]), [['capture', 2], ['release', 8]], 'a success nobody settled is charged its use')
  t.same((await movesOf(db, failed)).slice(1).map((m) => [m.kind, m.amount]), [['release', 10]])
  t.same((await movesOf(db, vanished)).slice(1).map((m) => [m.kind, m.amount, m.reason]), [['release', 10, 'test.paid: the job did not succeed; nothing charged']], 'a job that exists nowhere')
  t.same(await holdOf(db, queued), { amount: 10, captured: null, settled: false }, 'a queued job keeps its hold')
  t.equal(await credits.releaseAbandoned(), 0, 'a second sweep finds nothing')
  t.same(await readBalance(db, tenantId), { available: 88, reserved: 10 })
})
