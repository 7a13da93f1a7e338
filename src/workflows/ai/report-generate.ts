// report.generate (seed 000 workflow 3): a status, standup, weekly, monthly, sprint or
// summary report over a period, optionally scoped to a client, project or sprint, stored
// as Markdown in worklog_report. The row carries the job id (unique), so a retried job
// finds its report instead of writing a second one.
import { Type } from 'typebox'
import { composeReport } from '../../agents/report.agent.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { findReportByJob, insertReport, worklogsForReport } from '../../modules/reports/reports.repository.ts'
import { defaultPeriod } from '../../modules/reports/reports.service.ts'
import type { ReportScope } from '../../modules/reports/scope.ts'
import { toJson } from '../../platform/db/json.ts'
import { Day } from '../../platform/input/schemas.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { isoDay } from '../../vocabulary/calendar-day.ts'
import { REPORT_KINDS, type ReportKind } from '../../vocabulary/career.ts'
import { agentScope } from './agent-context.ts'

export const ReportGeneratePayload = Type.Object({
  kind: Type.Enum(REPORT_KINDS),
  period_start: Type.Optional(Day()),
  period_end: Type.Optional(Day()),
  client_id: Type.Optional(Type.String({ format: 'uuid' })),
  project_id: Type.Optional(Type.String({ format: 'uuid' })),
  sprint_id: Type.Optional(Type.String({ format: 'uuid' })),
  user_id: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false })

export function reportGenerate (deps: { llm: LlmProvider }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const kind = String(payload.kind) as ReportKind
    const userId = typeof payload.user_id === 'string' ? payload.user_id : ctx.userId
    if (userId === null) throw new PermanentJobError('report.generate needs a user (the job\'s user or payload.user_id).')
    const existing = await ctx.inTenant((trx) => findReportByJob(trx, ctx.jobId))
    if (existing !== undefined) {
      await ctx.log('report already written by an earlier attempt', { data: { report_id: existing.id } })
      return { report_id: existing.id, title: existing.title, reused: true }
    }
    const fallback = defaultPeriod(kind)
    const period = {
      start: typeof payload.period_start === 'string' ? payload.period_start : fallback.start,
      end: typeof payload.period_end === 'string' ? payload.period_end : fallback.end,
    }
    if (period.end < period.start) throw new PermanentJobError(`period_end (${period.end}) is before period_start (${period.start}).`)
    const scopeIds: ReportScope = {
      ...(typeof payload.client_id === 'string' && { client_id: payload.client_id }),
      ...(typeof payload.project_id === 'string' && { project_id: payload.project_id }),
      ...(typeof payload.sprint_id === 'string' && { sprint_id: payload.sprint_id }),
    }
    const rows = await ctx.step('load', () => ctx.inTenant((trx) => worklogsForReport(trx, userId, period, scopeIds)))
    await ctx.log('work logs loaded', { data: { kind, period, worklogs: rows.length } })
    const scope = agentScope(ctx)
    let report
    try {
      report = await ctx.step('compose', () => composeReport(scope.agent, llmForJob(ctx, deps.llm), {
        kind,
        period,
        scope: { clientName: rows[0]?.client_name ?? null, projectName: rows[0]?.project_name ?? null, sprintName: rows[0]?.sprint_name ?? null },
        worklogs: rows.map((w) => ({
          id: w.id,
          occurredOn: isoDay(w.occurred_on),
          title: w.title,
          content: w.content,
          outcome: w.outcome,
          impact: w.impact,
          nextSteps: w.next_steps,
          workType: w.work_type,
          status: w.status,
          tags: w.tags,
          effortMinutes: w.effort_minutes,
          isBillable: w.is_billable,
          clientName: w.client_name,
          projectName: w.project_name,
          sprintName: w.sprint_name,
        })),
      }))
    } catch (error) {
      throw asJobError(error)
    } finally {
      await scope.flush()
    }
    const reportId = await ctx.step('save', () => ctx.inTenant((trx) => insertReport(trx, {
      tenant_id: ctx.tenantId!,
      user_id: userId,
      client_id: scopeIds.client_id ?? null,
      project_id: scopeIds.project_id ?? null,
      sprint_id: scopeIds.sprint_id ?? null,
      kind,
      created_via: ctx.trigger === 'schedule' ? 'schedule' : 'job',
      period_start: period.start,
      period_end: period.end,
      title: report.title,
      content_md: report.markdown,
      metadata: toJson({ stats: report.stats, sections: report.sections, job_id: ctx.jobId }),
      job_id: ctx.jobId,
    })))
    await ctx.log('report saved', { data: { report_id: reportId, entries: report.stats.entries, hours: report.stats.hours } })
    return { report_id: reportId, title: report.title, kind, period, entries: report.stats.entries }
  }
}
