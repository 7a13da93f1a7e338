// The LLM as a workflow sees it: the configured provider wrapped so that every call is
// accounted for (an llm_call row and an `llm` event on the job's timeline) and checked
// against the tenant's monthly token budget first. Over budget, the call is refused
// before any request reaches the model, and the job fails permanently with a clear error.
import { sql } from 'kysely'
import { LlmBudgetExceededError } from '../../platform/llm/llm.errors.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { estimateCostUsd, withCallRecorder, type LlmCallEstimate, type LlmCallRecord, type PriceTable } from '../../platform/llm/usage-recorder.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'

export function llmForJob (ctx: ExecutionContext, provider: LlmProvider, prices?: PriceTable): LlmProvider {
  const record = async (call: LlmCallRecord): Promise<void> => {
    // One set of figures for the accounting row and the timeline event.
    const usage = {
      provider: call.provider,
      model: call.model,
      prompt_tokens: call.promptTokens,
      completion_tokens: call.completionTokens,
      latency_ms: call.latencyMs,
      cost_usd: estimateCostUsd(call, prices),
      outcome: call.outcome,
    }
    await ctx.db.insertInto('llm_call').values({
      ...usage,
      tenant_id: ctx.tenantId,
      user_id: ctx.userId,
      job_id: ctx.jobId,
      purpose: call.purpose,
      error: call.error ?? null,
    }).execute()
    await ctx.log(call.outcome === 'ok' ? `llm call: ${call.purpose}` : `llm call failed: ${call.purpose} (${call.outcome})`, {
      source: 'llm',
      level: call.outcome === 'ok' ? 'info' : 'warning',
      data: { ...usage, ...(call.error !== undefined && { error: call.error }) },
    })
  }
  const beforeCall = async (estimate: LlmCallEstimate): Promise<void> => {
    if (ctx.tenantId === null) return
    const { rows } = await sql<{ budget: number | null; spent: number }>`
      SELECT t.llm_monthly_token_budget AS budget,
             coalesce((SELECT sum(prompt_tokens + completion_tokens) FROM llm_call
                        WHERE tenant_id = t.id AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::bigint AS spent
      FROM tenant t WHERE t.id = ${ctx.tenantId}`.execute(ctx.db)
    const row = rows[0]
    if (row === undefined || row.budget === null) return
    const needed = estimate.promptTokens + estimate.maxCompletionTokens
    if (Number(row.spent) + needed > Number(row.budget)) {
      throw new LlmBudgetExceededError(`This workspace's monthly LLM budget is used up: ${Number(row.spent)} of ${Number(row.budget)} tokens spent, and this step needs up to ${needed}. It renews on the 1st (UTC), or an operator can raise tenant.llm_monthly_token_budget.`)
    }
  }
  return withCallRecorder(provider, record, { beforeCall })
}

/** Budget and configuration failures are not fixed by retrying: fail the job at once. */
export function isPermanentLlmFailure (error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'llm_budget_exceeded' || error.code === 'llm_config')
}

export function asJobError (error: unknown): unknown {
  return isPermanentLlmFailure(error) ? new PermanentJobError((error as Error).message, { cause: error }) : error
}
