// worklog.analyze (seed 000 workflow 1): summary, suggested work type, skill signals
// with evidence, resume bullets and metrics for one work log. Safe to retry: saving
// replaces the machine's earlier suggestions (enrichment.service.ts).
import { Type } from 'typebox'
import { analyzeWorklog } from '../../agents/worklog.agent.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { markEnrichmentFailed, saveSuggestions, worklogForAnalysis } from '../../modules/worklog/entries/enrichment.service.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { isoDay } from '../../vocabulary/calendar-day.ts'
import { agentScope } from './agent-context.ts'

export const WorklogAnalyzePayload = Type.Object({ worklog_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

/**
 * The runner refused to start the analysis (no credits, or the user lost the right): the
 * work log says so, as after a failed analysis, instead of staying `pending` for ever.
 */
export async function worklogAnalysisRefused (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<void> {
  await ctx.inTenant((trx) => markEnrichmentFailed(trx, String(payload.worklog_id)))
}

export function worklogAnalyze (deps: { llm: LlmProvider; autoChain: boolean }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const worklogId = String(payload.worklog_id)
    await ctx.log('loading work log', { data: { worklog_id: worklogId } })
    const worklog = await ctx.step('load', () => ctx.inTenant((trx) => worklogForAnalysis(trx, worklogId)))
    if (worklog === undefined) throw new PermanentJobError(`Work log ${worklogId} does not exist in this workspace (deleted before analysis ran?).`)

    const scope = agentScope(ctx)
    let analysis
    try {
      analysis = await ctx.step('analyze', () => analyzeWorklog(scope.agent, llmForJob(ctx, deps.llm), {
        id: worklog.id,
        occurredOn: isoDay(worklog.occurred_on),
        title: worklog.title,
        content: worklog.content,
        outcome: worklog.outcome,
        impact: worklog.impact,
        nextSteps: worklog.next_steps,
        workType: worklog.work_type,
        status: worklog.status,
        tags: worklog.tags,
        effortMinutes: worklog.effort_minutes,
        isBillable: worklog.is_billable,
        clientName: worklog.client_name,
        projectName: worklog.project_name,
        sprintName: worklog.sprint_name,
      }))
    } catch (error) {
      await scope.flush()
      // The last attempt leaves the work log marked, so the user sees why nothing came.
      if (ctx.isLastAttempt || error instanceof PermanentJobError) {
        await ctx.inTenant((trx) => markEnrichmentFailed(trx, worklogId))
      }
      throw asJobError(error)
    }
    await scope.flush()
    await ctx.log('analysis ready; saving suggestions', { data: { signals: analysis.skillSignals.length, bullets: analysis.bullets.length, metrics: analysis.metrics.length } })

    await ctx.step('save', () => ctx.inTenant(async (trx) => {
      await saveSuggestions(trx, { tenantId: ctx.tenantId!, worklogId, jobId: ctx.jobId }, analysis)
      if (deps.autoChain) {
        // Workflow chaining (seed 002): refresh the person's skills from the new signals.
        await ctx.enqueueChild(trx, { type: 'skills.extract', payload: { user_id: worklog.user_id }, idempotencyKey: `skills.extract:after:${ctx.jobId}` })
      }
    }))
    await ctx.log('work log enriched', { data: { enrichment_status: 'enriched', chained: deps.autoChain } })
    return { worklog_id: worklogId, summary: analysis.summary, suggested_work_type: analysis.suggestedWorkType, skill_signals: analysis.skillSignals.length, bullets: analysis.bullets.length, metrics: analysis.metrics.length }
  }
}
