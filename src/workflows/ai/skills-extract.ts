// skills.extract (seed 000 workflow 2): merge a person's accepted and suggested skill
// signals into normalized skills with evidence. Re-running updates the same rows (unique
// per person and normalized name) and never duplicates evidence (saveSkills).
import { Type } from 'typebox'
import { mergeSkills } from '../../agents/skill.agent.ts'
import { normalizeSkillName } from '../../agents/taxonomy/index.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { skillSignalsSince } from '../../modules/skills/skills.repository.ts'
import { saveSkills } from '../../modules/skills/skills.service.ts'
import { Day } from '../../platform/input/schemas.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { isoDay } from '../../vocabulary/calendar-day.ts'
import type { SkillKind } from '../../vocabulary/career.ts'
import { agentScope } from './agent-context.ts'

export const SkillsExtractPayload = Type.Object({
  user_id: Type.Optional(Type.String({ format: 'uuid' })),
  since: Type.Optional(Day()),
}, { additionalProperties: false })

export function skillsExtract (deps: { llm: LlmProvider }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const userId = typeof payload.user_id === 'string' ? payload.user_id : ctx.userId
    if (userId === null) throw new Error('skills.extract needs a user_id (in the payload or as the job\'s user).')
    const since = typeof payload.since === 'string' ? payload.since : '1900-01-01'
    const signals = await ctx.step('load', () => ctx.inTenant((trx) => skillSignalsSince(trx, userId, since)))
    await ctx.log('signals loaded', { data: { signals: signals.length, since } })
    const scope = agentScope(ctx)
    let skills
    try {
      skills = await ctx.step('merge', () => mergeSkills(scope.agent, llmForJob(ctx, deps.llm), {
        asOf: isoDay(new Date()),
        signals: signals.map((s) => ({
          name: s.name,
          kind: (s.kind === '' ? null : s.kind) as SkillKind | null,
          confidence: s.confidence,
          evidence: s.evidence,
          worklogId: s.worklog_id,
          occurredOn: isoDay(s.occurred_on),
        })),
      }))
    } catch (error) {
      throw asJobError(error)
    } finally {
      await scope.flush()
    }
    await ctx.step('save', () => ctx.inTenant((trx) => saveSkills(trx, { tenantId: ctx.tenantId!, userId, jobId: ctx.jobId }, skills.map((skill) => ({
      ...skill,
      normalized: normalizeSkillName(skill.name).toLowerCase(),
    })))))
    await ctx.log('skills saved', { data: { skills: skills.length } })
    return { user_id: userId, skills: skills.length, top: skills.slice(0, 10).map((s) => ({ name: s.name, level: s.level, confidence: s.confidence })) }
  }
}
