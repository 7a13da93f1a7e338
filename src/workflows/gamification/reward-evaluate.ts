// gamification.reward_evaluate (seed 000 "Reward Evaluation"): one work-log entry in,
// XP, streak, badges and challenge progress out. The eight seed steps: (1) load the entry,
// rules and user state, (2) validate, (3) compute XP, (4) persist the ledger, (5) streak,
// (6) badges, (7) challenges — all in ONE tenant transaction under the user's lock — then
// (8) one event per step (source 'workflow.reward'), written after the commit so the
// timeline only ever reports what was kept.
//
// Retries are safe by construction: every award is a row with a unique key inserted
// with ON CONFLICT DO NOTHING, so a replay inserts nothing and reports xp_awarded = 0.
import type { JsonObject } from '../../platform/db/json.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import { evaluateEntryRewards } from '../../modules/gamification/evaluation.service.ts'

export { REWARD_EVALUATE, RewardEvaluatePayload } from '../../modules/gamification/reward-evaluation.ts'

const SOURCE = 'workflow.reward'

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
