// Rules of presets: client and project must be the caller's tenant's (404) and agree
// (the project's client; a project alone fills its client); names are unique per user
// (409). Creating a work log from a preset takes the preset's client, project, work
// type and tags unless the entry gives its own, and hands back the intake prompt.
import type { Updateable } from 'kysely'
import type { Trx } from '../../../platform/db/database.ts'
import { toJson } from '../../../platform/db/json.ts'
import { NotFoundError } from '../../../platform/errors.ts'
import type { Actor } from '../actor.ts'
import { translateConstraintError } from '../constraint-errors.ts'
import { resolvePlacement } from '../hierarchy/placement.ts'
import { PLACEMENT_FIELDS } from '../../../vocabulary/worklog.ts'
import { deletePreset, findPreset, insertPreset, listPresets, updatePreset } from './preset.repository.ts'
import type { PresetInput, PresetOut } from './preset.schemas.ts'
import { afterApiSave, createWorklog, normaliseTags, type NewWorklog, type SaveContext } from '../entries/worklog.service.ts'
import type { WorklogOut } from '../entries/worklog.schemas.ts'
import type { WorklogPreset, WorklogPresetTable } from '../worklog.table.ts'

const DEFAULTS: PresetInput = { description: '', client_id: null, project_id: null, default_work_type: 'delivery', default_tags: [], intake_prompt: '', is_active: true }

export function presetView (row: WorklogPreset): PresetOut {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    description: row.description,
    client_id: row.client_id,
    project_id: row.project_id,
    default_work_type: row.default_work_type,
    default_tags: row.default_tags,
    intake_prompt: row.intake_prompt,
    is_active: row.is_active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}

export async function listPresetPage (trx: Trx, actor: Actor, filter: { isActive?: boolean; limit: number; offset: number }) {
  const { rows, total } = await listPresets(trx, actor.tenantId, filter)
  return { results: rows.map(presetView), total }
}

export async function getPreset (trx: Trx, actor: Actor, id: string): Promise<PresetOut> {
  const row = await findPreset(trx, actor.tenantId, id)
  if (row === undefined) throw new NotFoundError('Preset')
  return presetView(row)
}

export async function createPreset (trx: Trx, actor: Actor, input: PresetInput & { name: string }): Promise<PresetOut> {
  const values = await columns(trx, actor, { ...DEFAULTS, ...input }, true)
  try {
    return presetView(await insertPreset(trx, { ...values, name: input.name, tenant_id: actor.tenantId, user_id: actor.userId }))
  } catch (error) {
    translateConstraintError(error, 'Preset')
  }
}

export async function updatePresetById (trx: Trx, actor: Actor, id: string, input: PresetInput, replace: boolean): Promise<PresetOut> {
  if (await findPreset(trx, actor.tenantId, id) === undefined) throw new NotFoundError('Preset')
  const values = await columns(trx, actor, replace ? { ...DEFAULTS, ...input } : input, replace || input.client_id !== undefined || input.project_id !== undefined)
  try {
    const row = await updatePreset(trx, actor.tenantId, id, values)
    if (row === undefined) throw new NotFoundError('Preset')
    return presetView(row)
  } catch (error) {
    translateConstraintError(error, 'Preset')
  }
}

export async function removePreset (trx: Trx, actor: Actor, id: string): Promise<void> {
  if (!await deletePreset(trx, actor.tenantId, id)) throw new NotFoundError('Preset')
}

async function createWorklogFromPreset (trx: Trx, actor: Actor, presetId: string, entry: NewWorklog): Promise<{ worklog: WorklogOut; intake_prompt: string }> {
  const preset = await findPreset(trx, actor.tenantId, presetId)
  if (preset === undefined) throw new NotFoundError('Preset')
  // The entry's own placement wins as a whole: mixing the preset's project with an
  // entry's task from another project would only produce a mismatch error.
  const placed = PLACEMENT_FIELDS.some((field) => entry[field] !== undefined)
  const worklog = await createWorklog(trx, actor, {
    ...(!placed && { client_id: preset.client_id, project_id: preset.project_id }),
    work_type: preset.default_work_type,
    tags: preset.default_tags,
    ...entry,
  })
  return { worklog, intake_prompt: preset.intake_prompt }
}

async function columns (trx: Trx, actor: Actor, input: PresetInput, placementChanged: boolean): Promise<Updateable<WorklogPresetTable>> {
  const values: Updateable<WorklogPresetTable> = {}
  if (input.name !== undefined) values.name = input.name
  if (input.description !== undefined) values.description = input.description
  if (input.default_work_type !== undefined) values.default_work_type = input.default_work_type
  if (input.default_tags !== undefined) values.default_tags = toJson(normaliseTags(input.default_tags))
  if (input.intake_prompt !== undefined) values.intake_prompt = input.intake_prompt
  if (input.is_active !== undefined) values.is_active = input.is_active
  if (placementChanged) {
    const placement = await resolvePlacement(trx, actor.tenantId, {
      ...(input.client_id !== undefined && { client_id: input.client_id }),
      ...(input.project_id !== undefined && { project_id: input.project_id }),
    })
    values.client_id = placement.client_id
    values.project_id = placement.project_id
  }
  return values
}

/** POST /api/presets/{id}/worklogs/: create from the preset, then the save's effects. */
export async function logWorkFromPreset (trx: Trx, actor: Actor, presetId: string, entry: NewWorklog, context: SaveContext): Promise<{ worklog: WorklogOut; intake_prompt: string }> {
  const created = await createWorklogFromPreset(trx, actor, presetId, entry)
  return { ...created, worklog: await afterApiSave(trx, actor, created.worklog, 'created', context) }
}
