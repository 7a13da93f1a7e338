// The credits ledger under random histories, in PostgreSQL, through the real code: Stripe
// purchases and refunds (in and out of order) through the webhook service, staff grants
// and adjustments, and paid jobs that reserve, retry, succeed (capturing their recorded
// usage), fail, are abandoned for the sweep or vanish. Whatever happens:
//  1. available and reserved are never negative;
//  2. the balance equals the ledger's sums, and reserved equals the open holds;
//  3. every hold is reserved once and, once settled, captured and released to exactly its
//     amount;
//  4. replaying a step (the same webhook event, the same purchase in another event, a
//     job's retry, a second settle or sweep, a staff command with its key) changes nothing.
// Each run has a tenant of its own in one database. PROPERTY_RUNS sets the number of runs
// (default 40, about 10 s on two shared cores), PROPERTY_SEED replays a reported failure.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import fc from 'fast-check'
import { sql } from 'kysely'
import type Stripe from 'stripe'
import { changeCredits } from '../../../src/modules/billing/billing.service.ts'
import { receiveStripeEvent } from '../../../src/modules/billing/webhook.service.ts'
import { NO_REQUEST } from '../../../src/modules/identity/audit.ts'
import { AppError } from '../../../src/platform/errors.ts'
import type { Services } from '../../../src/runtime.ts'
import { startTestServices } from '../../helpers/services.ts'
import { chargeRefunded, checkoutCompleted } from '../../helpers/stripe.ts'
import { insertTenant } from '../../helpers/tenants.ts'

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40)
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED)

type Op =
  | { kind: 'purchase'; credits: number; replay: boolean }
  | { kind: 'refund'; target: number; quarters: number; replay: boolean }
  | { kind: 'grant'; credits: number; replay: boolean }
  | { kind: 'adjust'; credits: number; replay: boolean }
  | { kind: 'start'; tokens: number; replay: boolean }
  | { kind: 'succeed'; target: number; tokens: number; replay: boolean }
  | { kind: 'fail'; target: number; replay: boolean }
  | { kind: 'abandon'; target: number }
  | { kind: 'vanish'; target: number }

const replay = fc.boolean()
// Weighted so that histories buy before they spend and most jobs get to an ending.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('purchase' as const), credits: fc.integer({ min: 1, max: 40 }), replay }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), target: fc.nat(), quarters: fc.integer({ min: 1, max: 4 }), replay }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('grant' as const), credits: fc.integer({ min: 1, max: 20 }), replay }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), credits: fc.integer({ min: -25, max: 25 }).filter((n) => n !== 0), replay }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('start' as const), tokens: fc.integer({ min: 500, max: 9000 }), replay }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('succeed' as const), target: fc.nat(), tokens: fc.integer({ min: 0, max: 12_000 }), replay }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), target: fc.nat(), replay }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abandon' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('vanish' as const), target: fc.nat() }) }
)

interface Entry { kind: string; amount: number; available_delta: number; reserved_delta: number; job_id: string | null; payment_intent: string | null; idempotency_key: string }
interface Hold { job_id: string; amount: number; captured: number | null; settled_at: Date | null }
interface Snapshot { balance: { available: number; reserved: number } | null; entries: Entry[]; holds: Hold[]; purchases: Record<string, number> }

async function snapshot (services: Services, tenantId: string): Promise<Snapshot> {
  const db = services.database.db
  const balance = await db.selectFrom('credit_balance').select(['available', 'reserved']).where('tenant_id', '=', tenantId).executeTakeFirst() ?? null
  const entries = await db.selectFrom('credit_entry').select(['kind', 'amount', 'available_delta', 'reserved_delta', 'job_id', 'payment_intent', 'idempotency_key']).where('tenant_id', '=', tenantId).orderBy('id').execute()
  const holds = await db.selectFrom('credit_reservation').select(['job_id', 'amount', 'captured', 'settled_at']).where('tenant_id', '=', tenantId).orderBy('job_id').execute()
  const purchases = Object.fromEntries(entries.filter((e) => e.kind === 'purchase' && e.payment_intent !== null).map((e) => [e.payment_intent!, e.amount]))
  return { balance, entries, holds, purchases }
}

/** What must hold of any state the code can reach; null when it does. */
function brokenInvariant (state: Snapshot): string | null {
  const { available, reserved } = state.balance ?? { available: 0, reserved: 0 }
  if (available < 0 || reserved < 0) return `negative balance: ${available} available, ${reserved} reserved`
  const sumAvailable = state.entries.reduce((sum, e) => sum + e.available_delta, 0)
  const sumReserved = state.entries.reduce((sum, e) => sum + e.reserved_delta, 0)
  if (available !== sumAvailable || reserved !== sumReserved) return `balance ${available}/${reserved} ≠ ledger ${sumAvailable}/${sumReserved}`
  const open = state.holds.filter((h) => h.settled_at === null).reduce((sum, h) => sum + h.amount, 0)
  if (reserved !== open) return `reserved ${reserved} ≠ open holds ${open}`
  for (const hold of state.holds) {
    const moves = state.entries.filter((e) => e.job_id === hold.job_id)
    const of = (kind: string) => moves.filter((e) => e.kind === kind)
    if (of('reserve').length !== 1 || of('reserve')[0]!.amount !== hold.amount) return `hold ${hold.job_id}: not reserved exactly once for ${hold.amount}`
    const captured = of('capture').reduce((sum, e) => sum + e.amount, 0)
    const released = of('release').reduce((sum, e) => sum + e.amount, 0)
    if (of('capture').length > 1 || of('release').length > 1) return `hold ${hold.job_id}: settled twice`
    if (hold.settled_at === null && captured + released !== 0) return `hold ${hold.job_id}: open but already settled`
    if (hold.settled_at !== null && (captured + released !== hold.amount || captured !== hold.captured)) return `hold ${hold.job_id}: settled ${captured} + ${released} of ${hold.amount}`
  }
  for (const [intent, bought] of Object.entries(state.purchases)) {
    const refunded = state.entries.filter((e) => e.kind === 'refund' && e.payment_intent === intent).reduce((sum, e) => sum + e.amount, 0)
    if (refunded > bought) return `${intent}: ${refunded} refunded of ${bought} bought`
  }
  return null
}

t.test('the credits ledger holds its invariants over random histories, in PostgreSQL', async (t) => {
  const services = await startTestServices(t, { env: { BILLING_ENABLED: 'true', CREDITS_PER_1K_TOKENS: '1' } })
  const db = services.database.db
  const credits = services.jobs.credits
  const later = new Date(Date.now() + 86_400_000)
  let runs = 0
  let steps = 0
  let replays = 0
  const seen = { refused: 0, held: 0, captured: 0, waitingRefunds: 0, sweptJobs: 0 }

  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40 }), async (ops) => {
    runs++
    const tenantId = await insertTenant(db)
    const run = randomUUID().slice(0, 8)
    const intents: string[] = []
    const jobs: string[] = []
    let events = 0
    const state = async (): Promise<string> => JSON.stringify(await snapshot(services, tenantId))
    const deliver = async (event: object): Promise<void> => {
      await receiveStripeEvent(db, event as Stripe.Event, JSON.stringify(event))
    }
    const settleAs = async (jobId: string, status: 'success' | 'failed', settle: boolean): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('job').set({ status, finished_at: new Date(), updated_at: new Date() }).where('id', '=', jobId).where('finished_at', 'is', null).execute()
        if (settle) await credits.settle(trx, { jobId, tenantId }, status === 'success' ? 'success' : 'ended')
      })
    }

    for (const op of ops) {
      steps++
      const before = await state()
      let again: (() => Promise<void>) | undefined
      switch (op.kind) {
        case 'purchase': {
          const intent = `pi_${run}_${intents.length}`
          intents.push(intent)
          const session = `cs_${run}_${intents.length}`
          const event = checkoutCompleted(`evt_${run}_${++events}`, { id: session, tenantId, credits: op.credits, paymentIntent: intent })
          await deliver(event)
          // Both a redelivery of the event and the same purchase reported by another event.
          again = async () => {
            await deliver(event)
            await deliver(checkoutCompleted(`evt_${run}_${++events}`, { id: session, tenantId, credits: op.credits, paymentIntent: intent, type: 'checkout.session.async_payment_succeeded' }))
          }
          break
        }
        case 'refund': {
          // Any purchase so far, or the next one: a refund arriving before its purchase.
          const index = op.target % (intents.length + 1)
          const intent = intents[index] ?? `pi_${run}_${index}`
          if (intents[index] === undefined) seen.waitingRefunds++
          const event = chargeRefunded(`evt_${run}_${++events}`, { id: `ch_${run}_${index}`, paymentIntent: intent, amount: 1000, refunded: op.quarters * 250 })
          await deliver(event)
          again = () => deliver(event)
          break
        }
        case 'grant':
        case 'adjust': {
          const change = { tenantId, kind: op.kind === 'grant' ? 'grant' as const : 'adjustment' as const, credits: op.credits, reason: op.kind, staffUserId: null, idempotencyKey: `${run}-${steps}`, actor: { by: 'property' } }
          const apply = async (): Promise<void> => {
            try {
              await changeCredits(db, change, NO_REQUEST)
            } catch (error) {
              if (!(error instanceof AppError && error.code === 'insufficient_credits')) throw error
              seen.refused++
              if (await state() !== before) throw new Error('a refused adjustment changed the state')
            }
          }
          await apply()
          again = apply
          break
        }
        case 'start': {
          const { job } = await services.jobs.enqueue(db, { type: 'system.echo', tenantId, payload: {}, runAt: later })
          jobs.push(job.id)
          const reserve = () => credits.reserve({ jobId: job.id, tenantId, type: 'test.paid', estimatedTokens: op.tokens })
          const refusal = await reserve()
          if (refusal === undefined) seen.held++
          else if (await state() !== before) throw new Error('a refused reserve changed the state')
          // A retried attempt (or a second delivery) of the same job.
          again = async () => { await reserve() }
          break
        }
        case 'succeed':
        case 'fail': {
          const jobId = jobs[op.target % Math.max(1, jobs.length)]
          if (jobId === undefined) break
          if (op.kind === 'succeed' && op.tokens > 0) {
            await db.insertInto('llm_call').values({ tenant_id: tenantId, user_id: null, job_id: jobId, purpose: 'test.paid', provider: 'openai', model: 'test-model', prompt_tokens: Math.floor(op.tokens / 2), completion_tokens: Math.ceil(op.tokens / 2), latency_ms: 1, cost_usd: null, outcome: 'ok', error: null }).execute()
          }
          await settleAs(jobId, op.kind === 'succeed' ? 'success' : 'failed', true)
          if (op.kind === 'succeed') seen.captured++
          again = async () => {
            await db.transaction().execute((trx) => credits.settle(trx, { jobId, tenantId }, op.kind === 'succeed' ? 'success' : 'ended'))
            await credits.releaseAbandoned()
          }
          break
        }
        case 'abandon':
        case 'vanish': {
          // The job ended where nobody settled it (a crashed worker), or its row is gone.
          const jobId = jobs[op.target % Math.max(1, jobs.length)]
          if (jobId === undefined) break
          if (op.kind === 'abandon') {
            await settleAs(jobId, 'failed', false)
          } else {
            await sql`DELETE FROM job WHERE id = ${jobId}`.execute(db)
            jobs.splice(jobs.indexOf(jobId), 1)
          }
          seen.sweptJobs += await credits.releaseAbandoned()
          break
        }
      }
      const broken = brokenInvariant(await snapshot(services, tenantId))
      if (broken !== null) throw new Error(`after ${op.kind}: ${broken}`)
      if (again !== undefined && 'replay' in op && op.replay) {
        replays++
        const settled = await state()
        await again()
        if (await state() !== settled) throw new Error(`replaying ${op.kind} changed the state`)
      }
    }
  }), { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) })

  t.equal(runs, RUNS, `${RUNS} random histories (${steps} steps, ${replays} replays), PROPERTY_RUNS for more`)
  // Not vacuous: the histories reached every kind of outcome.
  for (const [what, count] of Object.entries(seen)) t.ok(count > 0, `${what}: ${count}`)
})

t.test('the invariant check catches a balance off its ledger, an open hold, a hold settled twice and an over-refund', async (t) => {
  // Guard against a vacuous property: states the database would refuse, checked in memory.
  const hold = { job_id: 'j1', amount: 5, captured: 2, settled_at: new Date() }
  const move = (kind: string, amount: number, available: number, reserved: number, extra: Partial<Entry> = {}): Entry =>
    ({ kind, amount, available_delta: available, reserved_delta: reserved, job_id: null, payment_intent: null, idempotency_key: `${kind}:${amount}`, ...extra })
  const purchase = move('purchase', 10, 10, 0, { payment_intent: 'pi_1' })
  const reserve = move('reserve', 5, -5, 5, { job_id: 'j1' })
  const capture = move('capture', 2, 0, -2, { job_id: 'j1' })
  const release = move('release', 3, 3, -3, { job_id: 'j1' })
  const good: Snapshot = { balance: { available: 8, reserved: 0 }, entries: [purchase, reserve, capture, release], holds: [hold], purchases: { pi_1: 10 } }
  t.equal(brokenInvariant(good), null)
  t.equal(brokenInvariant({ ...good, balance: { available: 9, reserved: 0 } }), 'balance 9/0 ≠ ledger 8/0')
  t.equal(brokenInvariant({ ...good, balance: { available: -1, reserved: 0 }, entries: [purchase, reserve, capture, release, move('refund', 9, -9, 0)] }), 'negative balance: -1 available, 0 reserved')
  t.equal(brokenInvariant({ ...good, balance: { available: 5, reserved: 5 }, entries: [purchase, reserve] }), 'reserved 5 ≠ open holds 0', 'a settled hold whose credits are still reserved')
  t.equal(brokenInvariant({ ...good, holds: [{ ...hold, settled_at: null, captured: null }] }), 'reserved 0 ≠ open holds 5')
  const split = [purchase, reserve, move('capture', 1, 0, -1, { job_id: 'j1' }), move('capture', 1, 0, -1, { job_id: 'j1' }), release]
  t.equal(brokenInvariant({ ...good, entries: split }), 'hold j1: settled twice')
  t.equal(brokenInvariant({ ...good, entries: [purchase, reserve, move('capture', 1, 0, -1, { job_id: 'j1' }), move('release', 4, 4, -4, { job_id: 'j1' })], balance: { available: 9, reserved: 0 } }), 'hold j1: settled 1 + 4 of 5')
  const overRefund = [...good.entries, move('refund', 11, -11, 0, { payment_intent: 'pi_1' }), move('grant', 11, 11, 0)]
  t.equal(brokenInvariant({ ...good, entries: overRefund }), 'pi_1: 11 refunded of 10 bought')
})
