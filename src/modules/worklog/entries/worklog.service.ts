// Rules of work log entries: placement in the hierarchy (placement.ts), defaults, PUT
// versus PATCH, and the view the API returns (with hours computed from effort_minutes).
import type { Insertable, Updateable } from 'kysely'
import type { Trx } from '../../../platform/db/database.ts'
import { toJson, type JsonObject } from '../../../platform/db/json.ts'
import { NotFoundError } from '../../../platform/errors.ts'
import type { Actor } from '../actor.ts'
import { hoursOf } from './effort.ts'
import { isoDay } from '../../../vocabulary/calendar-day.ts'
import { resolvePlacement, type Placement } from '../hierarchy/placement.ts'
import { afterWorklogSaved, type WorklogSaveEffects } from './worklog.hooks.ts'
import { deleteWorklog, findWorklogRow, insertWorklogs, listWorklogs, updateWorklog, type WorklogFilter, type WorklogListRow } from './worklog.repository.ts'
import type { WorklogInput, WorklogOrdering, WorklogOut } from './worklog.schemas.ts'
import { awaitsConfirmation, PLACEMENT_FIELDS } from '../../../vocabulary/worklog.ts'
import type { WorklogTable } from '../worklog.table.ts'

/** A complete entry as POST/PUT and import give it: occurred_on and content are required. */
export type NewWorklog = WorklogInput & { occurred_on: string; content: string }

const DEFAULTS = {
  title: '',
  outcome: '',
  impact: '',
  next_steps: '',
  work_type: 'delivery',
  status: 'draft',
  effort_minutes: null,
  is_billable: false,
  tags: [],
  source_ref: '',
  metadata: {},
  enrichment_status: 'pending',
} as const satisfies Partial<WorklogInput>

function related (id: string | null, name: string | null): { id: string; name: string } | null {
  return id === null || name === null ? null : { id, name }
}

export function worklogView (row: WorklogListRow): WorklogOut {
  return {
    id: row.id,
    user_id: row.user_id,
    occurred_on: isoDay(row.occurred_on),
    title: row.title,
    content: row.content,
    outcome: row.outcome,
    impact: row.impact,
    next_steps: row.next_steps,
    client_id: row.client_id,
    project_id: row.project_id,
    epic_id: row.epic_id,
    feature_id: row.feature_id,
    story_id: row.story_id,
    task_id: row.task_id,
    sprint_id: row.sprint_id,
    client: related(row.client_id, row.client_name),
    project: related(row.project_id, row.project_name),
    epic: related(row.epic_id, row.epic_name),
    feature: related(row.feature_id, row.feature_name),
    story: related(row.story_id, row.story_name),
    task: related(row.task_id, row.task_name),
    sprint: related(row.sprint_id, row.sprint_name),
    work_type: row.work_type,
    status: row.status,
    effort_minutes: row.effort_minutes,
    hours: hoursOf(row.effort_minutes),
    is_billable: row.is_billable,
    tags: row.tags,
    source: row.source,
    source_ref: row.source_ref,
    metadata: row.metadata,
    enrichment_status: row.enrichment_status,
    enrichment_suggestions: row.enrichment_suggestions,
    ai_summary: row.ai_summary,
    ...(row.rank !== null && { rank: row.rank }),
    confirmed_at: row.confirmed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}

export async function listWorklogPage (trx: Trx, actor: Actor, filter: WorklogFilter, page: { ordering?: WorklogOrdering; limit: number; offset: number }) {
  // With a search and no explicit ordering, the best matches come first.
  const ordering = page.ordering ?? (filter.search !== undefined ? '-rank' : '-occurred_on')
  const { rows, total, capped } = await listWorklogs(trx, actor.tenantId, filter, { ordering, limit: page.limit, offset: page.offset })
  return { results: rows.map(worklogView), total, capped }
}

export async function getWorklog (trx: Trx, actor: Actor, id: string): Promise<WorklogOut> {
  const row = await findWorklogRow(trx, actor.tenantId, id)
  if (row === undefined) throw new NotFoundError('Work log')
  return worklogView(row)
}

/** Validate one new entry and return the row to insert (used by create, presets and import). */
export async function prepareWorklog (trx: Trx, actor: Actor, input: NewWorklog): Promise<Insertable<WorklogTable>> {
  const placement = await resolvePlacement(trx, actor.tenantId, placementOf(input))
  const values = { ...DEFAULTS, ...input }
  return {
    tenant_id: actor.tenantId,
    user_id: actor.userId,
    occurred_on: values.occurred_on,
    content: values.content,
    ...placement,
    ...scalarColumns(values),
    source: input.source ?? 'manual',
  }
}

export async function createWorklog (trx: Trx, actor: Actor, input: NewWorklog): Promise<WorklogOut> {
  const [id] = await insertWorklogs(trx, [await prepareWorklog(trx, actor, input)])
  return getWorklog(trx, actor, id!)
}

/**
 * PUT (`replace`) sets every field, omitted optional ones back to their defaults. PATCH
 * changes only what is given; if it names any of client/project/epic/feature/story/
 * task/sprint, those it names are the new placement and the rest are filled in from
 * them — otherwise a patched task would keep the old task's project and clash with it.
 */
export async function updateWorklogById (trx: Trx, actor: Actor, id: string, input: WorklogInput, replace: boolean): Promise<WorklogOut> {
  const existing = await findWorklogRow(trx, actor.tenantId, id)
  if (existing === undefined) throw new NotFoundError('Work log')
  const values: WorklogInput = replace ? { ...DEFAULTS, ...input } : input
  const changes: Updateable<WorklogTable> = scalarColumns(values)
  if (values.occurred_on !== undefined) changes.occurred_on = values.occurred_on
  if (values.content !== undefined) changes.content = values.content
  // An imported draft leaving draft is its person vouching for it: from now on it earns
  // rewards, counted from this moment (awaitsConfirmation, gamification/evaluation.service.ts).
  if (awaitsConfirmation(existing) && existing.confirmed_at === null && changes.status !== undefined && changes.status !== 'draft') {
    changes.confirmed_at = new Date()
  }
  if (replace || PLACEMENT_FIELDS.some((field) => input[field] !== undefined)) {
    Object.assign(changes, await resolvePlacement(trx, actor.tenantId, placementOf(input)))
  }
  await updateWorklog(trx, actor.tenantId, id, changes)
  return getWorklog(trx, actor, id)
}

/** What an API save needs to set its effects in motion: the effects, and the request's id as their trace id. */
export interface SaveContext {
  effects: WorklogSaveEffects
  traceId: string
}

/**
 * Every API save (create, PUT, PATCH, create from a preset) ends here, in the saving
 * transaction: it queues the save's effects (worklog.hooks.ts) and returns the entry as
 * they left it (pending once an analysis is queued).
 */
export async function afterApiSave (trx: Trx, actor: Actor, saved: WorklogOut, change: 'created' | 'updated', context: SaveContext): Promise<WorklogOut> {
  const enrichmentStatus = await afterWorklogSaved(trx, context.effects, {
    tenantId: actor.tenantId,
    userId: saved.user_id,
    worklogId: saved.id,
    enrichmentStatus: saved.enrichment_status,
    change,
    traceId: context.traceId,
  })
  return { ...saved, enrichment_status: enrichmentStatus }
}

/** POST /api/worklogs/: create, then the save's effects. */
export async function logWork (trx: Trx, actor: Actor, input: NewWorklog, context: SaveContext): Promise<WorklogOut> {
  return afterApiSave(trx, actor, await createWorklog(trx, actor, input), 'created', context)
}

/** PUT and PATCH /api/worklogs/{id}/: change, then the save's effects. */
export async function editWorklog (trx: Trx, actor: Actor, id: string, input: WorklogInput, replace: boolean, context: SaveContext): Promise<WorklogOut> {
  return afterApiSave(trx, actor, await updateWorklogById(trx, actor, id, input, replace), 'updated', context)
}

export async function removeWorklog (trx: Trx, actor: Actor, id: string): Promise<void> {
  if (!await deleteWorklog(trx, actor.tenantId, id)) throw new NotFoundError('Work log')
}

function placementOf (input: WorklogInput): Partial<Placement> {
  const placement: Partial<Placement> = {}
  for (const field of PLACEMENT_FIELDS) if (input[field] !== undefined) placement[field] = input[field]
  return placement
}

/** The plain columns present in `values`, jsonb ones serialised. */
function scalarColumns (values: WorklogInput): Updateable<WorklogTable> {
  const columns: Updateable<WorklogTable> = {}
  if (values.title !== undefined) columns.title = values.title
  if (values.outcome !== undefined) columns.outcome = values.outcome
  if (values.impact !== undefined) columns.impact = values.impact
  if (values.next_steps !== undefined) columns.next_steps = values.next_steps
  if (values.work_type !== undefined) columns.work_type = values.work_type
  if (values.status !== undefined) columns.status = values.status
  if (values.effort_minutes !== undefined) columns.effort_minutes = values.effort_minutes
  if (values.is_billable !== undefined) columns.is_billable = values.is_billable
  if (values.tags !== undefined) columns.tags = toJson(normaliseTags(values.tags))
  if (values.source_ref !== undefined) columns.source_ref = values.source_ref
  if (values.metadata !== undefined) columns.metadata = toJson(values.metadata as JsonObject)
  if (values.enrichment_status !== undefined) columns.enrichment_status = values.enrichment_status
  return columns
}

/** Trimmed, without duplicates, in the order given. */
export function normaliseTags (tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))]
}
