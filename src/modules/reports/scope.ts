// A report's scope (client, project, sprint) names rows of the caller's tenant. Checked
// when a report is asked for and when a schedule is saved, so a foreign id is a 404 on
// the request that named it — not a foreign-key failure in a job hours later.
import type { Executor } from '../../platform/db/database.ts'
import { NotFoundError } from '../../platform/errors.ts'

export interface ReportScope {
  client_id?: string | undefined
  project_id?: string | undefined
  sprint_id?: string | undefined
}

/** Run inside withTenant: row-level security hides other tenants' rows, so they are "not found". */
export async function assertScopeInTenant (trx: Executor, scope: ReportScope): Promise<void> {
  for (const [table, label, id] of [['client', 'Client', scope.client_id], ['project', 'Project', scope.project_id], ['sprint', 'Sprint', scope.sprint_id]] as const) {
    if (id === undefined) continue
    const found = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()
    if (found === undefined) throw new NotFoundError(label, `${table}_id`)
  }
}
