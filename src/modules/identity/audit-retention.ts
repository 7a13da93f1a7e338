// The audit log (auth_event) is kept for a fixed time, then deleted oldest first in small
// batches, each its own short transaction, so sign-ins writing new rows never wait on it.
import { sql } from 'kysely'
import type { Db } from '../../platform/db/database.ts'

export interface PruneAuthEventsInput {
  occurredBefore: Date
  batchSize: number
  dryRun: boolean
  signal?: AbortSignal
}

export async function pruneAuthEvents (db: Db, input: PruneAuthEventsInput): Promise<{ auth_events: number; batches: number }> {
  if (input.dryRun) {
    const { rows: [counted] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_event WHERE occurred_at < ${input.occurredBefore}`.execute(db)
    const n = counted?.n ?? 0
    return { auth_events: n, batches: Math.ceil(n / input.batchSize) }
  }
  let deleted = 0
  let batches = 0
  while (input.signal?.aborted !== true) {
    const { rows: [gone] } = await sql<{ n: number }>`
      WITH gone AS (
        DELETE FROM auth_event WHERE id IN (
          SELECT id FROM auth_event WHERE occurred_at < ${input.occurredBefore}
          ORDER BY occurred_at LIMIT ${input.batchSize})
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`.execute(db)
    const n = gone?.n ?? 0
    if (n === 0) break
    deleted += n
    batches++
    if (n < input.batchSize) break
  }
  return { auth_events: deleted, batches }
}
