// What saving a work log through the API (create, PUT, PATCH, create from a preset) sets
// in motion, in the same transaction as the save, so the jobs exist if and only if the
// change commits: automatic analysis when WORKLOG_AUTO_ANALYZE is on, and the
// gamification reward evaluation. Bulk imports do neither — a thousand historical
// entries should not queue a thousand analyses or award streaks for last year; analyse
// them on demand with POST /api/worklogs/{id}/analyze/.
import type { Trx } from '../../../platform/db/database.ts'
import { currentTransactionId } from '../../../platform/db/tenant.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import type { EnrichmentStatus } from '../../../vocabulary/worklog.ts'
import { enqueueRewardEvaluation } from '../../gamification/reward-evaluation.ts'

export interface WorklogSaveEffects {
  jobs: JobPlatform
  autoAnalyze: boolean
}

/**
 * Which saves queue an analysis: a new entry still pending (an import may arrive already
 * enriched), and an edit of an entry whose suggestions are missing or machine-made.
 * Once a person has reviewed or rejected the suggestions, an edit does not bring the
 * machine back uninvited; POST …/analyze/ still does.
 */
function wantsAnalysis (change: 'created' | 'updated', status: EnrichmentStatus): boolean {
  return change === 'created' ? status === 'pending' : ['pending', 'enriched', 'error'].includes(status)
}

/** Returns the entry's enrichment status after the save (pending once analysis is queued). */
export async function afterWorklogSaved (trx: Trx, effects: WorklogSaveEffects, saved: { tenantId: string; userId: string; worklogId: string; enrichmentStatus: EnrichmentStatus; change: 'created' | 'updated'; traceId: string }): Promise<EnrichmentStatus> {
  const transactionId = await currentTransactionId(trx)
  const analyse = effects.autoAnalyze && wantsAnalysis(saved.change, saved.enrichmentStatus)
  if (analyse) {
    if (saved.enrichmentStatus !== 'pending') await trx.updateTable('worklog').set({ enrichment_status: 'pending' }).where('id', '=', saved.worklogId).execute()
    // One analysis per saving transaction: a retried request inside it collapses, a later
    // edit (another transaction) analyses the entry as it then is.
    await effects.jobs.enqueue(trx, {
      type: 'worklog.analyze',
      payload: { worklog_id: saved.worklogId },
      trigger: 'system',
      tenantId: saved.tenantId,
      userId: saved.userId,
      traceId: saved.traceId,
      idempotencyKey: `analyze:${saved.worklogId}:${transactionId}`,
    })
  }
  await enqueueRewardEvaluation(effects.jobs, trx, { tenantId: saved.tenantId, userId: saved.userId, worklogId: saved.worklogId, trigger: saved.change, traceId: saved.traceId, transactionId })
  return analyse ? 'pending' : saved.enrichmentStatus
}
