// gamification.reward_evaluate (seed 000 "Reward Evaluation"): one work-log entry in,
// XP, streak, badges and challenge progress out. The eight seed steps: (1) load the entry,
// rules and user state, (2) validate, (3) compute XP, (4) persist the ledger, (5) streak,
// (6) badges, (7) challenges — all in ONE tenant transaction under the user's lock — then
// (8) one event per step (source 'workflow.reward'), written after the commit so the
// timeline only ever reports what was kept.
//
// Retries are safe by construction: every award is a row with a unique key inserted
// with ON CONFLICT DO NOTHING, so a replay inserts nothing and reports xp_awarded = 0.
import { Type } from 'typebox'
import type { Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import type { Job } from '../../platform/jobs/job.table.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import { currentTransactionId } from '../../platform/db/tenant.ts'
import { evaluateEntryRewards } from '../../modules/gamification/gamification.service.ts'

export const REWARD_EVALUATE = 'gamification.reward_evaluate'
const SOURCE = 'workflow.reward'

export const REWARD_TRIGGERS = ['created', 'updated', 'attachment'] as const
export type RewardTrigger = (typeof REWARD_TRIGGERS)[number]

export const RewardEvaluatePayload = Type.Object({
  worklog_id: Type.String({ format: 'uuid', description: 'The work-log entry to evaluate' }),
  trigger: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('attachment')], { description: 'What happened to the entry' }),
}, { additionalProperties: false })

export async function rewardEvaluate (ctx: ExecutionContext, payload: JsonObject): Promise<JsonObject> {
  if (ctx.tenantId === null) throw new PermanentJobError('gamification.reward_evaluate needs a tenant')
  const worklogId = String(payload.worklog_id)
  await ctx.log('Loading entry', { source: SOURCE, data: { entry_id: worklogId, trigger: String(payload.trigger), attempt: ctx.attempt } })
  const outcome = await ctx.inTenant((trx) => evaluateEntryRewards(trx, { tenantId: ctx.tenantId!, worklogId, jobId: ctx.jobId }))
  for (const event of outcome.events) {
    await ctx.log(event.message, { source: SOURCE, data: JSON.parse(JSON.stringify(event.data)) as JsonObject })
  }
  return JSON.parse(JSON.stringify(outcome.result)) as JsonObject
}

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
