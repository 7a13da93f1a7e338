// Rules of a person's skills: one row per normalized name and one piece of evidence per
// (skill, work log), so re-running skills.extract updates rather than duplicates; and the
// views /api/skills/ returns.
import type { Executor } from '../../platform/db/database.ts'
import { toJson } from '../../platform/db/json.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { isoDayOrNull } from '../../vocabulary/calendar-day.ts'
import type { SkillLevel } from '../../vocabulary/career.ts'
import { listEvidence, listSkills, skillBelongsTo, upsertEvidence, upsertSkills } from './skills.repository.ts'
import type { SkillEvidenceOut, SkillListQuery, SkillOut } from './skills.schemas.ts'

/** A merged skill as skills.extract hands it over, its name already normalized by the taxonomy. */
export interface SkillToSave {
  name: string
  /** Lower-cased canonical name: the person's skills are unique by it. */
  normalized: string
  kind: string
  level: SkillLevel
  confidence: number
  evidenceCount: number
  worklogCount: number
  firstSeenOn: string
  lastSeenOn: string
  score: number
  evidence: Array<{ worklogId: string; occurredOn: string; excerpt: string; confidence: number }>
}

/**
 * Two statements whatever the number of skills: one upsert for all of them, one for all
 * their evidence (matched back to skill ids by normalized name). An upsert may not touch
 * a row twice in one statement, and a second spelling of a skill adds nothing, so the
 * first of each normalized name wins.
 */
export async function saveSkills (trx: Executor, owner: { tenantId: string; userId: string; jobId: string }, skills: readonly SkillToSave[]): Promise<void> {
  const byName = new Map<string, SkillToSave>()
  for (const skill of skills) if (!byName.has(skill.normalized)) byName.set(skill.normalized, skill)
  const unique = [...byName.values()]
  const saved = await upsertSkills(trx, unique.map((skill) => ({
    tenant_id: owner.tenantId,
    user_id: owner.userId,
    name: skill.name,
    normalized: skill.normalized,
    kind: skill.kind,
    level: skill.level,
    confidence: skill.confidence,
    evidence_count: skill.evidenceCount,
    worklog_count: skill.worklogCount,
    first_seen_on: skill.firstSeenOn,
    last_seen_on: skill.lastSeenOn,
    metadata: toJson({ score: skill.score, job_id: owner.jobId }),
  })))
  const idOf = new Map(saved.map((s) => [s.normalized, s.id]))
  const evidence = new Map(unique.flatMap((skill) => skill.evidence.map((e) => [`${skill.normalized}|${e.worklogId}`, {
    tenant_id: owner.tenantId,
    skill_id: idOf.get(skill.normalized)!,
    source_id: e.worklogId,
    excerpt: e.excerpt,
    occurred_on: e.occurredOn,
    confidence: e.confidence,
  }] as const)))
  await upsertEvidence(trx, [...evidence.values()])
}

export async function skillsOf (trx: Executor, userId: string, query: SkillListQuery): Promise<SkillOut[]> {
  const rows = await listSkills(trx, userId, query)
  return rows.map((r) => ({ ...r, first_seen_on: isoDayOrNull(r.first_seen_on), last_seen_on: isoDayOrNull(r.last_seen_on) }))
}

/** Where one of the person's skills was shown; another person's skill is a 404. */
export async function evidenceOf (trx: Executor, userId: string, skillId: string): Promise<SkillEvidenceOut[]> {
  if (!await skillBelongsTo(trx, userId, skillId)) throw new NotFoundError('Skill', 'id')
  const rows = await listEvidence(trx, skillId)
  return rows.map((r) => ({ worklog_id: r.source_id, excerpt: r.excerpt, occurred_on: isoDayOrNull(r.occurred_on), confidence: r.confidence }))
}
