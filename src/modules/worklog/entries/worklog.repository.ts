// SQL of the worklog table. A list page is a fixed number of statements, never a query
// per row: its ids, its rows with their related client/project/epic/feature/story/task/
// sprint names (joins on the tenant-led keys), and the total.
import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { toJson } from '../../../platform/db/json.ts'
import type { WorklogListQuery, WorklogOrdering } from './worklog.schemas.ts'
import type { Worklog, WorklogTable } from '../worklog.table.ts'
import type { Database } from '../../../platform/db/database.ts'
import { PLACEMENT_FIELDS } from '../../../vocabulary/worklog.ts'

export type WorklogFilter = Omit<WorklogListQuery, 'page' | 'page_size' | 'ordering'>

export interface WorklogListRow extends Omit<Worklog, 'search_vector'> {
  client_name: string | null
  project_name: string | null
  epic_name: string | null
  feature_name: string | null
  story_name: string | null
  task_name: string | null
  sprint_name: string | null
  rank: number | null
}

const COLUMNS = [
  'w.tenant_id', 'w.id', 'w.user_id', 'w.occurred_on', 'w.title', 'w.client_id', 'w.project_id', 'w.epic_id', 'w.feature_id',
  'w.story_id', 'w.task_id', 'w.sprint_id', 'w.work_type', 'w.status', 'w.content', 'w.outcome', 'w.impact', 'w.next_steps',
  'w.effort_minutes', 'w.is_billable', 'w.tags', 'w.source', 'w.source_ref', 'w.metadata', 'w.enrichment_status',
  'w.enrichment_suggestions', 'w.ai_summary', 'w.confirmed_at', 'w.created_at', 'w.updated_at',
] as const

type W = ExpressionBuilder<Database & { w: WorklogTable }, 'w'>

function joined (executor: Executor, tenantId: string, search: string | undefined) {
  const query = sql`websearch_to_tsquery('english', ${search ?? ''})`
  return executor.selectFrom('worklog as w')
    .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
    .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
    .leftJoin('epic as e', (j) => j.onRef('e.tenant_id', '=', 'w.tenant_id').onRef('e.id', '=', 'w.epic_id'))
    .leftJoin('feature as f', (j) => j.onRef('f.tenant_id', '=', 'w.tenant_id').onRef('f.id', '=', 'w.feature_id'))
    .leftJoin('story as s', (j) => j.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.id', '=', 'w.story_id'))
    .leftJoin('task as t', (j) => j.onRef('t.tenant_id', '=', 'w.tenant_id').onRef('t.id', '=', 'w.task_id'))
    .leftJoin('sprint as sp', (j) => j.onRef('sp.tenant_id', '=', 'w.tenant_id').onRef('sp.id', '=', 'w.sprint_id'))
    .select(COLUMNS)
    .select(['c.name as client_name', 'p.name as project_name', 'e.name as epic_name', 'f.name as feature_name', 's.name as story_name', 't.name as task_name', 'sp.name as sprint_name'])
    .select(search === undefined ? sql<number | null>`NULL::real`.as('rank') : sql<number | null>`ts_rank(w.search_vector, ${query})`.as('rank'))
    .where('w.tenant_id', '=', tenantId)
}

function conditions (eb: W, filter: WorklogFilter): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = []
  if (filter.date_from !== undefined) all.push(eb('w.occurred_on', '>=', sql<Date>`${filter.date_from}::date`))
  if (filter.date_to !== undefined) all.push(eb('w.occurred_on', '<=', sql<Date>`${filter.date_to}::date`))
  for (const field of [...PLACEMENT_FIELDS, 'user_id'] as const) {
    const value = filter[field]
    if (value !== undefined) all.push(eb(`w.${field}`, '=', value))
  }
  if (filter.status !== undefined) all.push(eb('w.status', '=', filter.status))
  if (filter.work_type !== undefined) all.push(eb('w.work_type', '=', filter.work_type))
  if (filter.enrichment_status !== undefined) all.push(eb('w.enrichment_status', '=', filter.enrichment_status))
  if (filter.is_billable !== undefined) all.push(eb('w.is_billable', '=', filter.is_billable))
  // jsonb containment uses the GIN index on tags.
  if (filter.tag !== undefined) all.push(sql<SqlBool>`w.tags @> ${toJson([filter.tag])}::jsonb`)
  if (filter.search !== undefined) all.push(sql<SqlBool>`w.search_vector @@ websearch_to_tsquery('english', ${filter.search})`)
  return eb.and(all)
}

// Columns that may hold NULL sort last either way; the rest sort plainly, so the order
// matches the page index (migration 0014) and a page is read from it instead of sorted.
const NULLABLE_ORDERINGS = new Set(['effort_minutes'])

/**
 * How far past the current page a total is counted. Counting every match made the page
 * grow with the tenant (24 ms for 100,000 entries, every request); counted this far (0.2 ms), a
 * total tells a person "thousands more" and the next link still works, at a bounded cost.
 */
export const COUNT_AHEAD = 1000

export interface WorklogPageRows {
  rows: WorklogListRow[]
  /** Exact, unless `capped`: then a lower bound (COUNT_AHEAD past the page), and more exist. */
  total: number
  capped: boolean
}

/**
 * One page in three short statements rather than one long one: the page's ids in order,
 * read from an index without touching the related tables; then those rows with their
 * related names; and the total. With a hundred thousand entries in a tenant the single
 * statement (joins + count(*) OVER ()) joined and counted every entry before its LIMIT;
 * these read the page's rows and count index entries only.
 */
export async function listWorklogs (executor: Executor, tenantId: string, filter: WorklogFilter, page: { ordering: WorklogOrdering; limit: number; offset: number }): Promise<WorklogPageRows> {
  const descending = page.ordering.startsWith('-')
  const column = page.ordering.replace(/^-/, '')
  const nulls = NULLABLE_ORDERINGS.has(column) ? sql` NULLS LAST` : sql``
  const base = executor.selectFrom('worklog as w').select('w.id').where('w.tenant_id', '=', tenantId).where((eb) => conditions(eb as W, filter))
  const ordered = column === 'rank'
    ? base.orderBy(sql`ts_rank(w.search_vector, websearch_to_tsquery('english', ${filter.search ?? ''})) DESC`).orderBy('w.occurred_on', 'desc')
    : base.orderBy(sql`${sql.ref(`w.${column}`)} ${descending ? sql`DESC` : sql`ASC`}${nulls}`)
  const ids = (await ordered.orderBy('w.created_at', 'desc').orderBy('w.id').limit(page.limit).offset(page.offset).execute()).map((row) => row.id)
  // A page that is not full is the last one, and says the total by itself.
  const cap = page.offset + page.limit + COUNT_AHEAD
  const counted = ids.length < page.limit && (ids.length > 0 || page.offset === 0)
    ? page.offset + ids.length
    : await countWorklogs(executor, tenantId, filter, cap + 1)
  const capped = counted > cap
  const total = capped ? cap : counted
  if (ids.length === 0) return { rows: [], total, capped }
  const found = await joined(executor, tenantId, filter.search).where('w.id', 'in', ids).execute()
  const byId = new Map(found.map((row) => [row.id, row]))
  // A row deleted between the two statements is simply not on the page.
  const rows = ids.flatMap((id) => byId.get(id) ?? [])
  return { rows, total, capped }
}

/** Matching entries, counted up to `limit`. */
async function countWorklogs (executor: Executor, tenantId: string, filter: WorklogFilter, limit: number): Promise<number> {
  const matches = executor.selectFrom('worklog as w').select(sql<number>`1`.as('one'))
    .where('w.tenant_id', '=', tenantId).where((eb) => conditions(eb as W, filter)).limit(limit)
  const row = await executor.selectFrom(matches.as('m')).select(sql<number>`count(*)`.as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

export async function findWorklogRow (executor: Executor, tenantId: string, id: string): Promise<WorklogListRow | undefined> {
  return joined(executor, tenantId, undefined).where('w.id', '=', id).executeTakeFirst()
}

/** Entries of a date range, oldest first, for export (capped by the caller's limit). */
export async function worklogsInRange (executor: Executor, tenantId: string, range: { from?: string; to?: string }, limit: number): Promise<WorklogListRow[]> {
  return joined(executor, tenantId, undefined)
    .where((eb) => conditions(eb, { ...(range.from !== undefined && { date_from: range.from }), ...(range.to !== undefined && { date_to: range.to }) }))
    .orderBy('w.occurred_on').orderBy('w.created_at').orderBy('w.id').limit(limit).execute()
}

export async function insertWorklogs (executor: Executor, values: Insertable<WorklogTable>[]): Promise<string[]> {
  if (values.length === 0) return []
  const rows = await executor.insertInto('worklog').values(values).returning('id').execute()
  return rows.map((row) => row.id)
}

export async function updateWorklog (executor: Executor, tenantId: string, id: string, values: Updateable<WorklogTable>): Promise<boolean> {
  const result = await executor.updateTable('worklog').set({ ...values, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function deleteWorklog (executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await executor.deleteFrom('worklog').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

export async function worklogExists (executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const row = await executor.selectFrom('worklog').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return row !== undefined
}
