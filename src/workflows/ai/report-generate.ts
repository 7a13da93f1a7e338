// report.generate (seed 000 workflow 3): a status, standup, weekly, monthly, sprint or
// summary report over a period, optionally scoped to a client, project or sprint, stored
// as Markdown in worklog_report. The row carries the job id (unique), so a retried job
// finds its report instead of writing a second one.
import { Type } from 'typebox'
import { composeReport } from '../../agents/report.agent.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
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

/** How many days back each kind looks by default; a new kind without one fails the typecheck. */
const DEFAULT_PERIOD_DAYS: Record<ReportKind, number> = { status: 7, standup: 1, weekly: 7, monthly: 30, sprint: 14, summary: 90 }

/** Default period per kind, ending today (UTC) — what a nightly schedule wants. */
export function defaultPeriod (kind: ReportKind, today = new Date()): { start: string; end: string } {
  const end = isoDay(today)
  const days = DEFAULT_PERIOD_DAYS[kind]
  const start = isoDay(new Date(today.getTime() - days * 86_400_000))
  return { start, end }
}

export function reportGenerate (deps: { llm: LlmProvider }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const kind = String(payload.kind) as ReportKind
    const userId = typeof payload.user_id === 'string' ? payload.user_id : ctx.userId
    if (userId === null) throw new PermanentJobError('report.generate needs a user (the job\'s user or payload.user_id).')
    const existing = await ctx.inTenant((trx) => trx.selectFrom('worklog_report').select(['id', 'title']).where('job_id', '=', ctx.jobId).executeTakeFirst())
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
    const scopeIds = {
      client_id: typeof payload.client_id === 'string' ? payload.client_id : null,
      project_id: typeof payload.project_id === 'string' ? payload.project_id : null,
      sprint_id: typeof payload.sprint_id === 'string' ? payload.sprint_id : null,
    }
    const rows = await ctx.inTenant((trx) => {
      let query = trx.selectFrom('worklog as w')
        .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
        .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
        .leftJoin('sprint as s', (j) => j.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.id', '=', 'w.sprint_id'))
        .select(['w.id', 'w.occurred_on', 'w.title', 'w.content', 'w.outcome', 'w.impact', 'w.next_steps', 'w.work_type', 'w.status', 'w.tags', 'w.effort_minutes', 'w.is_billable', 'c.name as client_name', 'p.name as project_name', 's.name as sprint_name'])
        .where('w.user_id', '=', userId).where('w.occurred_on', '>=', period.start).where('w.occurred_on', '<=', period.end)
        .where('w.status', '!=', 'archived')
      if (scopeIds.client_id !== null) query = query.where('w.client_id', '=', scopeIds.client_id)
      if (scopeIds.project_id !== null) query = query.where('w.project_id', '=', scopeIds.project_id)
      if (scopeIds.sprint_id !== null) query = query.where('w.sprint_id', '=', scopeIds.sprint_id)
      return query.orderBy('w.occurred_on').execute()
    })
    await ctx.log('work logs loaded', { data: { kind, period, worklogs: rows.length } })
    const scope = agentScope(ctx)
    let report
    try {
      report = await composeReport(scope.agent, llmForJob(ctx, deps.llm), {
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
      })
    } catch (error) {
      throw asJobError(error)
    } finally {
      await scope.flush()
    }
    const saved = await ctx.inTenant((trx) => trx.insertInto('worklog_report').values({
      tenant_id: ctx.tenantId!,
      user_id: userId,
      ...scopeIds,
      kind,
      created_via: ctx.trigger === 'schedule' ? 'schedule' : 'job',
      period_start: period.start,
      period_end: period.end,
      title: report.title,
      content_md: report.markdown,
      metadata: toJson({ stats: report.stats, sections: report.sections, job_id: ctx.jobId }),
      job_id: ctx.jobId,
    }).returning('id').executeTakeFirstOrThrow())
    await ctx.log('report saved', { data: { report_id: saved.id, entries: report.stats.entries, hours: report.stats.hours } })
    return { report_id: saved.id, title: report.title, kind, period, entries: report.stats.entries }
  }
}
