// SQL of imported_item, and the reads an import makes of work logs and their links to
// find where an item already belongs. Every function takes the caller's tenant
// transaction (row-level security applies).
import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import type { ImportSource } from '../../vocabulary/worklog.ts'

export interface ItemClaim {
  tenantId: string
  userId: string
  importKey: string
  source: ImportSource
  repository: string
  occurredOn: string
}

/**
 * Claim an item for this user: true when the key was free and is now taken, false when an
 * earlier run (or one running now: the insert waits for it) already holds it. Taken in
 * the transaction that writes the item's draft, so both commit or neither.
 */
export async function claimItem (executor: Executor, claim: ItemClaim): Promise<boolean> {
  const inserted = await executor.insertInto('imported_item').values({
    tenant_id: claim.tenantId,
    user_id: claim.userId,
    import_key: claim.importKey,
    source: claim.source,
    repository: claim.repository,
    occurred_on: claim.occurredOn,
  }).onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'import_key']).doNothing()).returning('import_key').executeTakeFirst()
  return inserted !== undefined
}

export async function recordItemWorklog (executor: Executor, claim: Pick<ItemClaim, 'tenantId' | 'userId' | 'importKey'>, worklogId: string): Promise<void> {
  await executor.updateTable('imported_item').set({ worklog_id: worklogId })
    .where('tenant_id', '=', claim.tenantId).where('user_id', '=', claim.userId).where('import_key', '=', claim.importKey).execute()
}

/** The user's work log a Git import made for this repository and day, if it still exists. */
export async function findGitDayWorklog (executor: Executor, key: { tenantId: string; userId: string; repository: string; occurredOn: string }): Promise<string | undefined> {
  const row = await executor.selectFrom('imported_item').select('worklog_id')
    .where('tenant_id', '=', key.tenantId).where('user_id', '=', key.userId).where('source', '=', 'git')
    .where('repository', '=', key.repository).where('occurred_on', '=', sql<string>`${key.occurredOn}::date`)
    .where('worklog_id', 'is not', null).orderBy('created_at').executeTakeFirst()
  return row?.worklog_id ?? undefined
}

/** The user's oldest work log that already links to `url` (someone logged the work by hand, with its link). */
export async function findWorklogLinkingTo (executor: Executor, key: { tenantId: string; userId: string; url: string }): Promise<string | undefined> {
  const row = await executor.selectFrom('worklog_external_link as l')
    .innerJoin('worklog as w', (j) => j.onRef('w.tenant_id', '=', 'l.tenant_id').onRef('w.id', '=', 'l.worklog_id'))
    .select('w.id').where('l.tenant_id', '=', key.tenantId).where('w.user_id', '=', key.userId).where('l.url', '=', key.url)
    .orderBy('w.created_at').executeTakeFirst()
  return row?.id
}
