// Asking for a reward evaluation: the job type's name, its payload and the enqueue helper
// that saving a work log or uploading evidence calls inside its own transaction. The
// evaluation itself runs as the gamification.reward_evaluate workflow
// (src/workflows/gamification/reward-evaluate.ts), which calls evaluateEntryRewards.
import { Type } from 'typebox'
import type { Executor } from '../../platform/db/database.ts'
import { currentTransactionId } from '../../platform/db/tenant.ts'
import type { Job } from '../../platform/jobs/job.table.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'

export const REWARD_EVALUATE = 'gamification.reward_evaluate'

export const REWARD_TRIGGERS = ['created', 'updated', 'attachment'] as const
export type RewardTrigger = (typeof REWARD_TRIGGERS)[number]

export const RewardEvaluatePayload = Type.Object({
  worklog_id: Type.String({ format: 'uuid', description: 'The work-log entry to evaluate' }),
  trigger: Type.Union(REWARD_TRIGGERS.map((trigger) => Type.Literal(trigger)), { description: 'What happened to the entry' }),
}, { additionalProperties: false })

export interface RewardEvaluationRequest {
  tenantId: string
  /** The entry's author (the job runs on their behalf). */
  userId: string
  worklogId: string
  trigger: RewardTrigger
  /** The correlation id of the request that saved the entry. */
  traceId?: string
  /** The saving transaction's id, when the caller already has it (see currentTransactionId). */
  transactionId?: string
}

/**
 * Enqueue a reward evaluation in the caller's transaction (the worklog create/update or
 * attachment upload), so the job exists if and only if the change commits.
 *
 * Idempotency key: `reward:{worklog_id}:{trigger}:{transaction id}`. Two requests for the
 * same change (same transaction) collapse into one job; a later edit or upload is another
 * transaction and gets its own job, which re-evaluates the entry as it now is. Double
 * awards are prevented by the ledger's keys, not by this key.
 *
 * The job is enqueued with trigger 'system': it is a side effect of the user's write, so
 * it does not count against the tenant's job quota and can never make the write itself
 * fail with 429.
 */
export async function enqueueRewardEvaluation (jobs: JobPlatform, trx: Executor, input: RewardEvaluationRequest): Promise<Job> {
  const transactionId = input.transactionId ?? await currentTransactionId(trx)
  const { job } = await jobs.enqueue(trx, {
    type: REWARD_EVALUATE,
    trigger: 'system',
    tenantId: input.tenantId,
    userId: input.userId,
    payload: { worklog_id: input.worklogId, trigger: input.trigger },
    ...(input.traceId !== undefined && { traceId: input.traceId }),
    idempotencyKey: `reward:${input.worklogId}:${input.trigger}:${transactionId}`,
  })
  return job
}
