// worklog.analyze (seed 000 workflow 1): summary, suggested work type, skill signals
// with evidence, resume bullets and metrics for one work log. Safe to retry: the AI's
// earlier suggestions (unreviewed signals, unselected AI bullets) are replaced, never
// duplicated, and anything the user accepted or selected is left alone.
import { Type } from 'typebox'
import { analyzeWorklog } from '../../agents/worklog.agent.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { toJson } from '../../platform/db/json.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { isoDay } from '../../vocabulary/calendar-day.ts'
import { agentScope } from './agent-context.ts'

export const WorklogAnalyzePayload = Type.Object({ worklog_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export function worklogAnalyze (deps: { llm: LlmProvider; autoChain: boolean }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const worklogId = String(payload.worklog_id)
    await ctx.log('loading work log', { data: { worklog_id: worklogId } })
    const worklog = await ctx.inTenant((trx) => trx.selectFrom('worklog as w')
      .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
      .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
      .leftJoin('sprint as s', (j) => j.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.id', '=', 'w.sprint_id'))
      .select(['w.id', 'w.user_id', 'w.occurred_on', 'w.title', 'w.content', 'w.outcome', 'w.impact', 'w.next_steps', 'w.work_type', 'w.status', 'w.tags', 'w.effort_minutes', 'w.is_billable', 'c.name as client_name', 'p.name as project_name', 's.name as sprint_name'])
      .where('w.id', '=', worklogId).executeTakeFirst())
    if (worklog === undefined) throw new PermanentJobError(`Work log ${worklogId} does not exist in this workspace (deleted before analysis ran?).`)

    const scope = agentScope(ctx)
    let analysis
    try {
      analysis = await analyzeWorklog(scope.agent, llmForJob(ctx, deps.llm), {
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
      })
    } catch (error) {
      await scope.flush()
      // The last attempt leaves the work log marked, so the user sees why nothing came.
      if (ctx.isLastAttempt || error instanceof PermanentJobError) {
        await ctx.inTenant((trx) => trx.updateTable('worklog').set({ enrichment_status: 'error', updated_at: new Date() }).where('id', '=', worklogId).execute())
      }
      throw asJobError(error)
    }
    await scope.flush()
    await ctx.log('analysis ready; saving suggestions', { data: { signals: analysis.skillSignals.length, bullets: analysis.bullets.length, metrics: analysis.metrics.length } })

    await ctx.inTenant(async (trx) => {
      await trx.deleteFrom('worklog_skill_signal').where('worklog_id', '=', worklogId).where('source', '=', 'ai').where('status', '=', 'suggested').execute()
      await trx.deleteFrom('worklog_bullet').where('worklog_id', '=', worklogId).where('is_ai_generated', '=', true).where('is_selected', '=', false).execute()
      if (analysis.skillSignals.length > 0) {
        await trx.insertInto('worklog_skill_signal').values(analysis.skillSignals.map((signal) => ({
          tenant_id: ctx.tenantId!,
          worklog_id: worklogId,
          name: signal.name,
          kind: signal.kind,
          confidence: signal.confidence,
          source: 'ai',
          status: 'suggested' as const,
          evidence: signal.evidence,
          metadata: toJson({ job_id: ctx.jobId }),
        }))).execute()
      }
      if (analysis.bullets.length > 0) {
        await trx.insertInto('worklog_bullet').values(analysis.bullets.map((bullet, index) => ({
          tenant_id: ctx.tenantId!,
          worklog_id: worklogId,
          kind: bullet.kind,
          text: bullet.text,
          is_ai_generated: true,
          order: 100 + index,
          metrics: toJson({}),
          metadata: toJson({ job_id: ctx.jobId }),
        }))).execute()
      }
      await trx.updateTable('worklog').set({
        ai_summary: analysis.summary,
        enrichment_status: 'enriched',
        enrichment_suggestions: toJson({ suggested_work_type: analysis.suggestedWorkType, metrics: analysis.metrics, job_id: ctx.jobId }),
        updated_at: new Date(),
      }).where('id', '=', worklogId).execute()
      if (deps.autoChain) {
        // Workflow chaining (seed 002): refresh the person's skills from the new signals.
        await ctx.enqueueChild(trx, { type: 'skills.extract', payload: { user_id: worklog.user_id }, idempotencyKey: `skills.extract:after:${ctx.jobId}` })
      }
    })
    await ctx.log('work log enriched', { data: { enrichment_status: 'enriched', chained: deps.autoChain } })
    return { worklog_id: worklogId, summary: analysis.summary, suggested_work_type: analysis.suggestedWorkType, skill_signals: analysis.skillSignals.length, bullets: analysis.bullets.length, metrics: analysis.metrics.length }
  }
}
