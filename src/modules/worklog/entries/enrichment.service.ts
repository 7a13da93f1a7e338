// What worklog.analyze reads and writes: the entry as the analysis sees it, and its
// suggestions. Saving is safe to repeat: the machine's earlier suggestions (unreviewed
// signals, unselected AI bullets) are replaced, never duplicated, and anything the user
// accepted or selected is left alone.
import type { Executor } from '../../../platform/db/database.ts'
import { toJson } from '../../../platform/db/json.ts'
import type { BulletKind, FoundBasis, WorkType } from '../../../vocabulary/worklog.ts'
import type { EvidenceSpanRow } from '../worklog.table.ts'

/** An analysis as worklog.analyze hands it over (the agent's output, validated). */
export interface WorklogSuggestions {
  summary: string
  suggestedWorkType: WorkType
  skillSignals: ReadonlyArray<{
    name: string
    kind: string
    confidence: number
    basis: FoundBasis
    evidence: string
    /** Located in `evidence` by the agent. */
    evidenceSpans: readonly EvidenceSpanRow[]
  }>
  bullets: ReadonlyArray<{ kind: BulletKind; text: string }>
  metrics: readonly unknown[]
}

/** The entry with its client, project and sprint names; undefined if it is gone. */
export async function worklogForAnalysis (executor: Executor, worklogId: string) {
  return executor.selectFrom('worklog as w')
    .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
    .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
    .leftJoin('sprint as s', (j) => j.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.id', '=', 'w.sprint_id'))
    .select(['w.id', 'w.user_id', 'w.occurred_on', 'w.title', 'w.content', 'w.outcome', 'w.impact', 'w.next_steps', 'w.work_type', 'w.status', 'w.tags', 'w.effort_minutes', 'w.is_billable', 'c.name as client_name', 'p.name as project_name', 's.name as sprint_name'])
    .where('w.id', '=', worklogId).executeTakeFirst()
}

/** The last attempt failed: the entry says so, so its owner sees why nothing came. */
export async function markEnrichmentFailed (executor: Executor, worklogId: string): Promise<void> {
  await executor.updateTable('worklog').set({ enrichment_status: 'error', updated_at: new Date() }).where('id', '=', worklogId).execute()
}

export async function saveSuggestions (trx: Executor, target: { tenantId: string; worklogId: string; jobId: string }, analysis: WorklogSuggestions): Promise<void> {
  const { tenantId, worklogId, jobId } = target
  await trx.deleteFrom('worklog_skill_signal').where('worklog_id', '=', worklogId).where('source', '=', 'ai').where('status', '=', 'suggested').execute()
  await trx.deleteFrom('worklog_bullet').where('worklog_id', '=', worklogId).where('is_ai_generated', '=', true).where('is_selected', '=', false).execute()
  if (analysis.skillSignals.length > 0) {
    await trx.insertInto('worklog_skill_signal').values(analysis.skillSignals.map((signal) => ({
      tenant_id: tenantId,
      worklog_id: worklogId,
      name: signal.name,
      kind: signal.kind,
      confidence: signal.confidence,
      source: 'ai',
      status: 'suggested' as const,
      basis: signal.basis,
      evidence: signal.evidence,
      evidence_spans: toJson(signal.evidenceSpans),
      metadata: toJson({ job_id: jobId }),
    }))).execute()
  }
  if (analysis.bullets.length > 0) {
    await trx.insertInto('worklog_bullet').values(analysis.bullets.map((bullet, index) => ({
      tenant_id: tenantId,
      worklog_id: worklogId,
      kind: bullet.kind,
      text: bullet.text,
      is_ai_generated: true,
      order: 100 + index,
      metrics: toJson({}),
      metadata: toJson({ job_id: jobId }),
    }))).execute()
  }
  await trx.updateTable('worklog').set({
    ai_summary: analysis.summary,
    enrichment_status: 'enriched',
    enrichment_suggestions: toJson({ suggested_work_type: analysis.suggestedWorkType, metrics: analysis.metrics, job_id: jobId }),
    updated_at: new Date(),
  }).where('id', '=', worklogId).execute()
}
