// storage.sweep_orphans: deletes attachment objects no `attachment` row points at.
//
// Orphans are expected, not a bug to hunt: an upload's bytes are stored before its row
// is written (a process killed in between leaves the object), a failed object removal
// after a row was deleted leaves it, and deleting a work log cascades its attachment
// rows in the database without touching storage. This job is the one place that
// reconciles the two, so each of those paths can stay simple.
//
// An object younger than `min_age_seconds` (default one hour) is never touched: its
// upload may still be between storing the bytes and committing the row.
import { Type } from 'typebox'
import type { JsonObject } from '../../platform/db/json.ts'
import type { ExecutionContext, Workflow } from '../../platform/jobs/context.ts'
import type { ObjectStore } from '../../platform/storage/index.ts'
import { ATTACHMENT_PREFIX } from '../../modules/worklog/attachments/attachments.keys.ts'

export const SWEEP_ORPHANS = 'storage.sweep_orphans'
export const SWEEP_ORPHANS_SCHEDULE = 'storage: sweep orphaned attachments'

const DEFAULT_MIN_AGE_SECONDS = 3600
/** Keys checked against the table per query: one round trip per batch, not per object. */
const BATCH = 500

export const SweepOrphansPayload = Type.Object({
  min_age_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 366 * 24 * 3600, description: 'Only objects older than this are considered (default 3600).' })),
}, { additionalProperties: false })

export function sweepOrphans (storage: ObjectStore): Workflow {
  return async (ctx: ExecutionContext, payload: JsonObject): Promise<JsonObject> => {
    const minAgeSeconds = typeof payload.min_age_seconds === 'number' ? payload.min_age_seconds : DEFAULT_MIN_AGE_SECONDS
    const cutoff = new Date(Date.now() - minAgeSeconds * 1000)
    await ctx.log('sweeping orphaned attachment objects', { data: { prefix: ATTACHMENT_PREFIX, older_than: cutoff.toISOString() } })
    let scanned = 0
    let removed = 0
    let batch: string[] = []
    const flush = async (): Promise<void> => {
      removed += await removeUnreferenced(ctx, storage, batch)
      batch = []
    }
    for await (const object of storage.list(ATTACHMENT_PREFIX)) {
      if (ctx.signal.aborted) break
      scanned++
      if (object.lastModified > cutoff) continue
      batch.push(object.key)
      if (batch.length >= BATCH) await flush()
    }
    if (batch.length > 0) await flush()
    await ctx.log('orphaned attachment objects swept', { data: { scanned, removed } })
    return { scanned, removed }
  }
}

async function removeUnreferenced (ctx: ExecutionContext, storage: ObjectStore, keys: readonly string[]): Promise<number> {
  // The platform pool sees every tenant's rows; keys embed the tenant, so the key alone
  // identifies the row.
  const referenced = new Set((await ctx.db.selectFrom('attachment').select('object_key').where('object_key', 'in', keys).execute())
    .map((row) => row.object_key))
  let removed = 0
  for (const key of keys) {
    if (referenced.has(key)) continue
    await storage.remove(key)
    removed++
  }
  return removed
}
