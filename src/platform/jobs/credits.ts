// Whether a tenant can pay for a job is the billing module's decision, not the platform's.
// The platform asks through this interface at the points only it knows: when a person asks
// for paid work (enqueue), before a paid job's workflow runs (reserve), in the transaction
// that records how it ended (settle), and on the worker's sweep (release what jobs that
// ended elsewhere or vanished still hold). src/runtime.ts wires the billing module's
// implementation in (docs/architecture.md, "platform imports nothing above it").
import type { Executor } from '../db/database.ts'
import { AppError } from '../errors.ts'

/** The error code of a job or request refused for want of credits. */
export const INSUFFICIENT_CREDITS = 'insufficient_credits'

export class InsufficientCreditsError extends AppError {
  constructor (message: string) {
    super(402, INSUFFICIENT_CREDITS, message)
    this.name = 'InsufficientCreditsError'
  }
}

/** A job of a type that consumes credits (JobTypeOptions.credits). */
export interface PaidJob {
  jobId: string
  tenantId: string
  type: string
  /** The type's credits.estimatedTokens: what its reservation is priced from. */
  estimatedTokens: number
}

export interface JobCredits {
  /**
   * A person asks for `count` jobs of a paid type: why the tenant clearly cannot pay for
   * them, in words for them, or undefined. Runs in the enqueueing transaction.
   */
  shortfall(executor: Executor, request: { tenantId: string; type: string; estimatedTokens: number; count: number }): Promise<string | undefined>
  /**
   * Before the workflow runs: hold the job's estimate. Keyed by the job, so a retry finds
   * its hold and holds nothing more. Why it cannot be held, or undefined.
   */
  reserve(job: PaidJob): Promise<string | undefined>
  /**
   * In the transaction that records the job's end: on success charge what it used (at
   * most its hold); on any other ending charge nothing. The rest of the hold goes back.
   * Nothing happens when the job holds nothing (billing off, or already settled).
   */
  settle(executor: Executor, job: { jobId: string; tenantId: string }, ending: 'success' | 'ended'): Promise<void>
  /** Settle the holds of jobs that have ended or no longer exist; how many. */
  releaseAbandoned(): Promise<number>
}

/** Billing off: nothing is checked, held or charged. */
export const FREE_OF_CHARGE: JobCredits = {
  shortfall: async () => undefined,
  reserve: async () => undefined,
  settle: async () => {},
  releaseAbandoned: async () => 0,
}
