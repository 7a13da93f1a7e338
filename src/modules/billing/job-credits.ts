// Reserve → capture → release around paid jobs: the billing module's implementation of
// the platform's JobCredits (src/platform/jobs/credits.ts), wired by src/runtime.ts when
// billing is on. Every move is a ledger row keyed by the job (reserve:, capture:,
// release:<job id>), so a retried job, a duplicate delivery or a second sweep writes
// nothing twice; the hold row says whether the job still holds anything.
import type { Db, Executor } from '../../platform/db/database.ts'
import type { JobCredits, PaidJob } from '../../platform/jobs/credits.ts'
import {
  abandonedReservations, callsOfJob, findReservation, insertEntry, insertReservation, lockBalance, markSettled, readBalance,
} from './billing.repository.ts'
import { chargeFor, reservationFor, type CreditPricing } from './pricing.ts'

/** Holds settled per sweep transaction; the next sweep continues. */
const SWEEP_BATCH = 200

function shortOf (available: number, needed: number, what: string): string {
  return `This workspace has ${available} credits available and ${what} needs ${needed}. ` +
    'An owner can buy credits (POST /api/billing/checkout/), or an operator can grant some.'
}

export function billingJobCredits (db: Db, pricing: CreditPricing): JobCredits {
  const settle = async (executor: Executor, job: { jobId: string; tenantId: string }, ending: 'success' | 'ended'): Promise<void> => {
    const hold = await findReservation(executor, job.jobId, { lock: true })
    if (hold === undefined || hold.settled_at !== null) return
    // Capped at the hold: the estimate is sized as an upper bound, and a job that used
    // more is charged what was held rather than overdrawing a balance nobody checked.
    const charge = ending === 'success' ? Math.min(hold.amount, chargeFor(pricing, await callsOfJob(executor, job.jobId))) : 0
    const rest = hold.amount - charge
    const common = { tenant_id: hold.tenant_id, job_id: hold.job_id }
    if (charge > 0) {
      await insertEntry(executor, { ...common, kind: 'capture', amount: charge, idempotency_key: `capture:${hold.job_id}`, reason: `${hold.job_type}: used ${charge} of ${hold.amount} reserved` })
    }
    if (rest > 0) {
      const why = ending === 'success' ? 'unused part of the reservation' : 'the job did not succeed; nothing charged'
      await insertEntry(executor, { ...common, kind: 'release', amount: rest, idempotency_key: `release:${hold.job_id}`, reason: `${hold.job_type}: ${why}` })
    }
    await markSettled(executor, { tenantId: hold.tenant_id, jobId: hold.job_id }, charge)
  }

  return {
    async shortfall (executor, request) {
      const needed = reservationFor(pricing, request.estimatedTokens) * request.count
      const { available } = await readBalance(executor, request.tenantId)
      return available < needed ? shortOf(available, needed, request.count === 1 ? request.type : `${request.count} × ${request.type}`) : undefined
    },

    async reserve (job: PaidJob) {
      const amount = reservationFor(pricing, job.estimatedTokens)
      return db.transaction().execute(async (trx) => {
        // A retry (or a second delivery) of the job finds its hold: nothing more is held,
        // and a hold already settled means the job has ended and will not run to effect.
        if (await findReservation(trx, job.jobId, { lock: false }) !== undefined) return undefined
        const { available } = await lockBalance(trx, job.tenantId)
        if (available < amount) return shortOf(available, amount, job.type)
        if (!await insertReservation(trx, { tenantId: job.tenantId, jobId: job.jobId, jobType: job.type, amount })) return undefined
        await insertEntry(trx, {
          tenant_id: job.tenantId,
          kind: 'reserve',
          amount,
          idempotency_key: `reserve:${job.jobId}`,
          job_id: job.jobId,
          reason: `${job.type}: held before it runs (up to ${job.estimatedTokens} tokens)`,
        })
        return undefined
      })
    },

    settle,

    async releaseAbandoned () {
      return db.transaction().execute(async (trx) => {
        const holds = await abandonedReservations(trx, SWEEP_BATCH)
        // A job recorded as a success was charged in the same transaction; one found here
        // unsettled ran where billing was off, and is charged its use now like any other.
        for (const hold of holds) await settle(trx, { jobId: hold.job_id, tenantId: hold.tenant_id }, hold.job_status === 'success' ? 'success' : 'ended')
        return holds.length
      })
    },
  }
}
