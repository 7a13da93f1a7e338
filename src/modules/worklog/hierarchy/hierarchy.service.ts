// Rules of the seven organisational resources: the parent must exist in the caller's
// tenant (else 404 naming it — never a 400 that would confirm another tenant's id), a
// parent is fixed once set, start/end dates are ordered, names are unique under their
// parent (409), and a row still referenced is archived rather than deleted.
import { sql } from 'kysely'
import type { Trx } from '../../../platform/db/database.ts'
import { NotFoundError, ValidationError } from '../../../platform/errors.ts'
import type { Actor } from '../actor.ts'
import { isForeignKeyViolation, translateConstraintError } from '../constraint-errors.ts'
import { isoDayOrNull } from '../../../vocabulary/calendar-day.ts'
import { deleteLevel, findLevel, insertLevel, listLevel, updateLevel, type LevelRow } from './hierarchy.repository.ts'
import { LEVELS, writableFields, type LevelSpec } from './hierarchy.schemas.ts'

export type LevelInput = Record<string, unknown>
export type LevelView = Record<string, unknown>

export function levelView (spec: LevelSpec, row: LevelRow): LevelView {
  const view: LevelView = {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    description: row.description,
    is_active: row.is_active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
  if (spec.parent !== null) view[spec.parent.field] = row[spec.parent.field]
  for (const [field, extra] of Object.entries(spec.extras)) {
    view[field] = extra.default === null ? isoDayOrNull(row[field] as Date | string | null) : row[field]
  }
  return view
}

export async function listLevels (trx: Trx, spec: LevelSpec, actor: Actor, query: { parentId?: string; isActive?: boolean; search?: string; limit: number; offset: number }) {
  const { rows, total } = await listLevel(trx, spec.level, {
    tenantId: actor.tenantId,
    ...(spec.parent !== null && query.parentId !== undefined && { parent: { field: spec.parent.field, id: query.parentId } }),
    ...(query.isActive !== undefined && { isActive: query.isActive }),
    ...(query.search !== undefined && { search: query.search }),
    limit: query.limit,
    offset: query.offset,
  })
  return { results: rows.map((row) => levelView(spec, row)), total }
}

export async function getLevel (trx: Trx, spec: LevelSpec, actor: Actor, id: string): Promise<LevelView> {
  const row = await findLevel(trx, spec.level, actor.tenantId, id)
  if (row === undefined) throw new NotFoundError(spec.label)
  return levelView(spec, row)
}

export async function createLevel (trx: Trx, spec: LevelSpec, actor: Actor, input: LevelInput): Promise<LevelView> {
  const values = { ...defaults(spec), ...pick(spec, input) }
  await assertParentExists(trx, spec, actor, values)
  assertDatesOrdered(spec, values)
  try {
    const row = await insertLevel(trx, spec.level, { ...values, tenant_id: actor.tenantId, user_id: actor.userId })
    return levelView(spec, row)
  } catch (error) {
    translateConstraintError(error, spec.label)
  }
}

/** PUT (`replace`: omitted optional fields return to their defaults) or PATCH (only what is given changes). */
export async function updateLevelById (trx: Trx, spec: LevelSpec, actor: Actor, id: string, input: LevelInput, replace: boolean): Promise<LevelView> {
  const existing = await findLevel(trx, spec.level, actor.tenantId, id)
  if (existing === undefined) throw new NotFoundError(spec.label)
  const changes = replace ? { ...defaults(spec), ...pick(spec, input) } : pick(spec, input)
  if (spec.parent !== null) {
    const field = spec.parent.field
    // Moving a project to another client (or a task to another story) would leave its
    // work logs pointing at the old ancestors; a new row is the honest way to do that.
    if (changes[field] !== undefined && changes[field] !== existing[field]) {
      throw new ValidationError(`A ${spec.label.toLowerCase()} cannot move to another ${spec.parent.level}; create a new one instead.`, field)
    }
  }
  assertDatesOrdered(spec, { ...currentDates(spec, existing), ...changes })
  try {
    const row = await updateLevel(trx, spec.level, actor.tenantId, id, changes)
    if (row === undefined) throw new NotFoundError(spec.label)
    return levelView(spec, row)
  } catch (error) {
    translateConstraintError(error, spec.label)
  }
}

/**
 * Delete a row nobody points at; archive (is_active = false) one that children, work
 * logs or presets still reference. The foreign keys decide, so no referencing table can
 * be forgotten; the savepoint keeps the transaction usable after the refused delete.
 */
export async function removeLevel (trx: Trx, spec: LevelSpec, actor: Actor, id: string): Promise<{ archived: LevelView | null }> {
  if (await findLevel(trx, spec.level, actor.tenantId, id) === undefined) throw new NotFoundError(spec.label)
  await sql`SAVEPOINT level_delete`.execute(trx)
  try {
    await deleteLevel(trx, spec.level, actor.tenantId, id)
    await sql`RELEASE SAVEPOINT level_delete`.execute(trx)
    return { archived: null }
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error
    await sql`ROLLBACK TO SAVEPOINT level_delete`.execute(trx)
  }
  const row = await updateLevel(trx, spec.level, actor.tenantId, id, { is_active: false })
  return { archived: row === undefined ? null : levelView(spec, row) }
}

function defaults (spec: LevelSpec): LevelInput {
  const values: LevelInput = { description: '', is_active: true }
  for (const [field, extra] of Object.entries(spec.extras)) values[field] = extra.default
  return values
}

/** Only the spec's writable fields; TypeBox has refused any other already. */
function pick (spec: LevelSpec, input: LevelInput): LevelInput {
  const values: LevelInput = {}
  for (const field of writableFields(spec)) if (input[field] !== undefined) values[field] = input[field]
  return values
}

async function assertParentExists (trx: Trx, spec: LevelSpec, actor: Actor, values: LevelInput): Promise<void> {
  if (spec.parent === null) return
  const parentId = values[spec.parent.field]
  if (typeof parentId !== 'string' || await findLevel(trx, spec.parent.level, actor.tenantId, parentId) === undefined) {
    throw new NotFoundError(LEVELS[spec.parent.level].label, spec.parent.field)
  }
}

function currentDates (spec: LevelSpec, row: LevelRow): LevelInput {
  if (spec.dates === null) return {}
  return { [spec.dates.start]: isoDayOrNull(row[spec.dates.start] as Date | string | null), [spec.dates.end]: isoDayOrNull(row[spec.dates.end] as Date | string | null) }
}

function assertDatesOrdered (spec: LevelSpec, values: LevelInput): void {
  if (spec.dates === null) return
  const start = values[spec.dates.start]
  const end = values[spec.dates.end]
  // ISO dates (YYYY-MM-DD) order the same as strings.
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    throw new ValidationError(`${spec.dates.end} must be on or after ${spec.dates.start}.`, spec.dates.end)
  }
}
