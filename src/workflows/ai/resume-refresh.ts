// resume.refresh (seed 000 workflow 4): build the resume from the profile, the bullets
// the person selected (then the AI's best), their projects and their skills. Stored as
// JSON Resume — validated against the official schema before it is saved — and as
// Markdown; PDF and DOCX are rendered from it on download.
import { Type } from 'typebox'
import { composeResume } from '../../agents/resume.agent.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { validateJsonResume } from '../../modules/reports/json-resume.ts'
import { findResumeByJob, insertResume, resumeSources } from '../../modules/reports/reports.repository.ts'
import { topSkills } from '../../modules/skills/skills.repository.ts'
import { toJson } from '../../platform/db/json.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { isoDay } from '../../vocabulary/calendar-day.ts'
import type { SkillKind } from '../../vocabulary/career.ts'
import { agentScope } from './agent-context.ts'

export const ResumeRefreshPayload = Type.Object({ user_id: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false })

interface ProfileLink { network?: string; url?: string; username?: string }

export function resumeRefresh (deps: { llm: LlmProvider }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const userId = typeof payload.user_id === 'string' ? payload.user_id : ctx.userId
    if (userId === null) throw new PermanentJobError('resume.refresh needs a user.')
    const existing = await ctx.inTenant((trx) => findResumeByJob(trx, ctx.jobId))
    if (existing !== undefined) return { resume_id: existing.id, reused: true }

    const data = await ctx.step('load', () => ctx.inTenant(async (trx) => ({ ...await resumeSources(trx, userId), skills: await topSkills(trx, userId, 40) })))
    await ctx.log('resume inputs loaded', { data: { bullets: data.bullets.length, projects: data.projects.length, skills: data.skills.length } })

    const scope = agentScope(ctx)
    let result
    try {
      const links = (Array.isArray(data.profile.links) ? data.profile.links : []) as ProfileLink[]
      result = await ctx.step('compose', () => composeResume(scope.agent, llmForJob(ctx, deps.llm), {
        profile: {
          name: data.profile.display_name || data.profile.email,
          label: data.profile.headline || null,
          email: data.profile.email,
          summary: data.profile.summary || null,
          location: data.profile.location === '' ? null : { city: data.profile.location },
          profiles: links.filter((l) => typeof l.network === 'string').map((l) => ({ network: l.network!, url: l.url ?? null, username: l.username ?? null })),
        },
        bullets: data.bullets.map((b) => ({ text: b.text, occurredOn: isoDay(b.occurred_on), clientName: b.client_name, projectName: b.project_name, isSelected: b.is_selected })),
        projects: data.projects.map((p) => ({
          name: p.name,
          clientName: p.client_name,
          role: p.role || null,
          description: p.description || null,
          startedOn: p.started_on === null ? null : isoDay(p.started_on),
          endedOn: p.ended_on === null ? null : isoDay(p.ended_on),
        })),
        skills: data.skills.map((s) => ({ name: s.name, kind: s.kind as SkillKind, level: s.level, confidence: s.confidence })),
      }))
    } catch (error) {
      throw asJobError(error)
    } finally {
      await scope.flush()
    }
    const problems = validateJsonResume(result.resume)
    if (problems.length > 0) {
      await ctx.log('the composed resume does not validate as JSON Resume', { level: 'error', data: { problems: problems.slice(0, 10) } })
      throw new PermanentJobError(`The composed resume is not valid JSON Resume: ${problems[0] ?? ''}`)
    }
    const resumeId = await ctx.step('save', () => ctx.inTenant((trx) => insertResume(trx, {
      tenant_id: ctx.tenantId!,
      user_id: userId,
      job_id: ctx.jobId,
      json_resume: toJson(result.resume),
      markdown: result.markdown,
    })))
    await ctx.log('resume saved', { data: { resume_id: resumeId } })
    return { resume_id: resumeId, work_entries: result.resume.work?.length ?? 0, skills: result.resume.skills?.length ?? 0 }
  }
}
