// Where a work log (or preset) sits in the organisation (seed 004 "Validation Rules"):
//  - every id given must exist in the caller's tenant — another tenant's id is a 404,
//    exactly like an id that never existed, so nothing confirms it is real;
//  - given a child (a task), the missing parents are filled in (story, feature, epic,
//    project, client) — "auto-backfilling";
//  - given a child and a parent it does not belong to, the request is a 400 naming both.
// The sprint hangs off the project, so it is checked against (and can fill) the project.
import type { Trx } from '../../../platform/db/database.ts'
import { NotFoundError, ValidationError } from '../../../platform/errors.ts'
import { findLevel, type LevelRow } from './hierarchy.repository.ts'
import { LEVELS, type LevelName } from './hierarchy.schemas.ts'
import { PLACEMENT_FIELDS, type PlacementField } from '../../../vocabulary/worklog.ts'

export type Placement = Record<PlacementField, string | null>

/** Parents before children: each level's parent is the one before it. */
const CHAIN = ['client', 'project', 'epic', 'feature', 'story', 'task'] as const satisfies readonly LevelName[]

export const EMPTY_PLACEMENT: Placement = Object.fromEntries(PLACEMENT_FIELDS.map((field) => [field, null])) as Placement

const fieldOf = (level: LevelName): PlacementField => `${level}_id` as PlacementField

export async function resolvePlacement (trx: Trx, tenantId: string, given: Partial<Placement>): Promise<Placement> {
  const rows = new Map<LevelName, LevelRow>()
  for (const level of [...CHAIN, 'sprint'] as const) {
    const id = given[fieldOf(level)]
    if (id === undefined || id === null) continue
    const row = await findLevel(trx, level, tenantId, id)
    if (row === undefined) throw new NotFoundError(LEVELS[level].label, fieldOf(level))
    rows.set(level, row)
  }
  const placement: Placement = { ...EMPTY_PLACEMENT, ...given }

  const deepestIndex = CHAIN.findLastIndex((level) => rows.has(level))
  if (deepestIndex >= 0) {
    const deepest = CHAIN[deepestIndex]!
    let row = rows.get(deepest)!
    for (let index = deepestIndex - 1; index >= 0; index--) {
      const parent = CHAIN[index]!
      const parentId = row[fieldOf(parent)] as string
      const claimed = given[fieldOf(parent)]
      if (claimed !== undefined && claimed !== null && claimed !== parentId) {
        throw mismatch(fieldOf(deepest), fieldOf(parent), `${LEVELS[deepest].label} ${fieldOf(deepest)} does not belong to ${fieldOf(parent)} ${claimed}.`)
      }
      placement[fieldOf(parent)] = parentId
      row = rows.get(parent) ?? await mustFind(trx, parent, tenantId, parentId)
    }
  }

  const sprint = rows.get('sprint')
  if (sprint !== undefined) {
    const sprintProject = sprint.project_id as string
    if (placement.project_id !== null && placement.project_id !== sprintProject) {
      throw mismatch('sprint_id', 'project_id', `Sprint ${sprint.id} belongs to another project than project_id ${placement.project_id}.`)
    }
    if (placement.project_id === null) {
      const project = await mustFind(trx, 'project', tenantId, sprintProject)
      placement.project_id = sprintProject
      placement.client_id = project.client_id as string
    }
  }
  return placement
}

function mismatch (child: PlacementField, parent: PlacementField, message: string): ValidationError {
  return new ValidationError(message, parent, [
    { field: child, message: `does not belong to the given ${parent}` },
    { field: parent, message: `is not the parent of the given ${child}` },
  ])
}

/** A parent reached through a foreign key exists; reading it only fails if RLS hides it. */
async function mustFind (trx: Trx, level: LevelName, tenantId: string, id: string): Promise<LevelRow> {
  const row = await findLevel(trx, level, tenantId, id)
  if (row === undefined) throw new NotFoundError(LEVELS[level].label, fieldOf(level))
  return row
}
