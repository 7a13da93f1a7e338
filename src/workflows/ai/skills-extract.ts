// skills.extract (seed 000 workflow 2): merge a person's accepted and suggested skill
// signals into normalized skills with evidence. Re-running updates the same rows (unique
// per person and normalized name) and never duplicates evidence.
import { Type } from 'typebox'
import { sql } from 'kysely'
import { mergeSkills } from '../../agents/skill.agent.ts'
import { normalizeSkillName } from '../../agents/taxonomy/index.ts'
import { asJobError, llmForJob } from '../../modules/ai/job-llm.ts'
import { toJson } from '../../platform/db/json.ts'
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
    const signals = await ctx.inTenant((trx) => trx.selectFrom('worklog_skill_signal as s')
      .innerJoin('worklog as w', (j) => j.onRef('w.tenant_id', '=', 's.tenant_id').onRef('w.id', '=', 's.worklog_id'))
      .select(['s.name', 's.kind', 's.confidence', 's.evidence', 's.worklog_id', 'w.occurred_on'])
      .where('w.user_id', '=', userId).where('s.status', 'in', ['accepted', 'suggested']).where('w.occurred_on', '>=', since)
      .orderBy('w.occurred_on').execute())
    await ctx.log('signals loaded', { data: { signals: signals.length, since } })
    const scope = agentScope(ctx)
    let skills
    try {
      skills = await mergeSkills(scope.agent, llmForJob(ctx, deps.llm), {
        asOf: isoDay(new Date()),
        signals: signals.map((s) => ({
          name: s.name,
          kind: (s.kind === '' ? null : s.kind) as SkillKind | null,
          confidence: s.confidence,
          evidence: s.evidence,
          worklogId: s.worklog_id,
          occurredOn: isoDay(s.occurred_on),
        })),
      })
    } catch (error) {
      throw asJobError(error)
    } finally {
      await scope.flush()
    }
    // Two statements whatever the number of skills: one upsert for all of them, one for
    // all their evidence (matched back to skill ids by normalized name).
    await ctx.inTenant(async (trx) => {
      if (skills.length === 0) return
      // One row per normalized name and per (skill, work log): an upsert may not touch a
      // row twice in one statement, and a second spelling of a skill adds nothing.
      const byName = new Map<string, (typeof skills)[number]>()
      for (const skill of skills) {
        const normalized = normalizeSkillName(skill.name).toLowerCase()
        if (!byName.has(normalized)) byName.set(normalized, skill)
      }
      const rows = [...byName].map(([normalized, skill]) => ({ skill, normalized }))
      const saved = await trx.insertInto('skill').values(rows.map(({ skill, normalized }) => ({
        tenant_id: ctx.tenantId!,
        user_id: userId,
        name: skill.name,
        normalized,
        kind: skill.kind,
        level: skill.level,
        confidence: skill.confidence,
        evidence_count: skill.evidenceCount,
        worklog_count: skill.worklogCount,
        first_seen_on: skill.firstSeenOn,
        last_seen_on: skill.lastSeenOn,
        metadata: toJson({ score: skill.score, job_id: ctx.jobId }),
      }))).onConflict((oc) => oc.constraint('skill_user_normalized_unique').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        kind: eb.ref('excluded.kind'),
        level: eb.ref('excluded.level'),
        confidence: eb.ref('excluded.confidence'),
        evidence_count: eb.ref('excluded.evidence_count'),
        worklog_count: eb.ref('excluded.worklog_count'),
        first_seen_on: eb.ref('excluded.first_seen_on'),
        last_seen_on: eb.ref('excluded.last_seen_on'),
        metadata: eb.ref('excluded.metadata'),
        updated_at: sql`now()`,
      }))).returning(['id', 'normalized']).execute()
      const idOf = new Map(saved.map((s) => [s.normalized, s.id]))
      const evidence = new Map(rows.flatMap(({ skill, normalized }) => skill.evidence.map((e) => [`${normalized}|${e.worklogId}`, {
        tenant_id: ctx.tenantId!,
        skill_id: idOf.get(normalized)!,
        source_id: e.worklogId,
        excerpt: e.excerpt,
        occurred_on: e.occurredOn,
        confidence: e.confidence,
      }] as const)))
      if (evidence.size > 0) {
        await trx.insertInto('skill_evidence').values([...evidence.values()]).onConflict((oc) => oc.constraint('skill_evidence_source_unique').doUpdateSet((eb) => ({
          excerpt: eb.ref('excluded.excerpt'),
          confidence: eb.ref('excluded.confidence'),
        }))).execute()
      }
    })
    await ctx.log('skills saved', { data: { skills: skills.length } })
    return { user_id: userId, skills: skills.length, top: skills.slice(0, 10).map((s) => ({ name: s.name, level: s.level, confidence: s.confidence })) }
  }
}
