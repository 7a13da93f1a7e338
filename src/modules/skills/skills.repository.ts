// SQL of skills and their evidence. Every function takes the caller's executor (a
// tenant transaction from withTenant / ctx.inTenant), so row-level security applies.
import { sql, type Insertable } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { SKILL_LEVELS } from '../../vocabulary/career.ts'
import type { SkillListQuery } from './skills.schemas.ts'
import type { SkillEvidenceTable, SkillTable } from './skills.table.ts'

/** A level's place in SKILL_LEVELS, so `sort=level` follows the vocabulary's order. */
const LEVEL_RANK = sql<number>`array_position(${[...SKILL_LEVELS]}::text[], level)`

export async function listSkills (executor: Executor, userId: string, filter: SkillListQuery) {
  let query = executor.selectFrom('skill')
    .select(['id', 'name', 'kind', 'level', 'confidence', 'evidence_count', 'worklog_count', 'first_seen_on', 'last_seen_on'])
    .where('user_id', '=', userId)
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
  if (filter.level !== undefined) query = query.where('level', '=', filter.level)
  if (filter.min_confidence !== undefined) query = query.where('confidence', '>=', filter.min_confidence)
  switch (filter.sort ?? 'confidence') {
    case 'level': query = query.orderBy(LEVEL_RANK, 'desc').orderBy('confidence', 'desc'); break
    case 'last_seen': query = query.orderBy('last_seen_on', 'desc'); break
    case 'name': query = query.orderBy('name'); break
    default: query = query.orderBy('confidence', 'desc')
  }
  return query.orderBy('id').execute()
}

/** The person's strongest skills, for the resume. */
export async function topSkills (executor: Executor, userId: string, limit: number) {
  return executor.selectFrom('skill').select(['name', 'kind', 'level', 'confidence'])
    .where('user_id', '=', userId).orderBy('confidence', 'desc').limit(limit).execute()
}

export async function skillBelongsTo (executor: Executor, userId: string, skillId: string): Promise<boolean> {
  const row = await executor.selectFrom('skill').select('id').where('id', '=', skillId).where('user_id', '=', userId).executeTakeFirst()
  return row !== undefined
}

export async function listEvidence (executor: Executor, skillId: string) {
  return executor.selectFrom('skill_evidence').select(['source_id', 'excerpt', 'occurred_on', 'confidence'])
    .where('skill_id', '=', skillId).orderBy('occurred_on', 'desc').execute()
}

/** The accepted and suggested signals of a person's work logs since a day, oldest first. */
export async function skillSignalsSince (executor: Executor, userId: string, since: string) {
  return executor.selectFrom('worklog_skill_signal as s')
    .innerJoin('worklog as w', (j) => j.onRef('w.tenant_id', '=', 's.tenant_id').onRef('w.id', '=', 's.worklog_id'))
    .select(['s.name', 's.kind', 's.confidence', 's.evidence', 's.worklog_id', 'w.occurred_on'])
    .where('w.user_id', '=', userId).where('s.status', 'in', ['accepted', 'suggested']).where('w.occurred_on', '>=', since)
    .orderBy('w.occurred_on').execute()
}

/** One statement for all rows: insert, or update the person's skill of the same normalized name. */
export async function upsertSkills (executor: Executor, rows: Insertable<SkillTable>[]): Promise<Array<{ id: string; normalized: string }>> {
  if (rows.length === 0) return []
  return executor.insertInto('skill').values(rows).onConflict((oc) => oc.constraint('skill_user_normalized_unique').doUpdateSet((eb) => ({
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
}

/** One statement for all rows; evidence already stored for a (skill, source) is refreshed, never doubled. */
export async function upsertEvidence (executor: Executor, rows: Insertable<SkillEvidenceTable>[]): Promise<void> {
  if (rows.length === 0) return
  await executor.insertInto('skill_evidence').values(rows).onConflict((oc) => oc.constraint('skill_evidence_source_unique').doUpdateSet((eb) => ({
    excerpt: eb.ref('excluded.excerpt'),
    confidence: eb.ref('excluded.confidence'),
  }))).execute()
}
