// /api/presets/: templates for quick entry (seed 004 WorkLogPreset).
import { Type, type Static } from 'typebox'
import { Uuid } from '../hierarchy/hierarchy.schemas.ts'
import { PageOf, PageParams } from '../pagination.ts'
import { Tags, WorkTypeSchema, WorklogCreateBody, WorklogOut } from '../entries/worklog.schemas.ts'

const NullableUuid = Type.Union([Uuid, Type.Null()])

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  client_id: Type.Optional(NullableUuid),
  project_id: Type.Optional(NullableUuid),
  default_work_type: Type.Optional(WorkTypeSchema),
  default_tags: Type.Optional(Tags),
  intake_prompt: Type.Optional(Type.String({ maxLength: 5000 })),
  is_active: Type.Optional(Type.Boolean()),
}

export const PresetBody = Type.Object(fields, { additionalProperties: false })
export const PresetPatchBody = Type.Object({ ...fields, name: Type.Optional(fields.name) }, { additionalProperties: false })
export type PresetInput = Static<typeof PresetPatchBody>

export const PresetOut = Type.Object({
  id: Uuid,
  user_id: Uuid,
  name: Type.String(),
  description: Type.String(),
  client_id: NullableUuid,
  project_id: NullableUuid,
  default_work_type: WorkTypeSchema,
  default_tags: Type.Array(Type.String()),
  intake_prompt: Type.String(),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
})
export type PresetOut = Static<typeof PresetOut>

export const PresetListQuery = Type.Object({ ...PageParams, is_active: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export const PresetPage = PageOf(PresetOut)

/** A work log from a preset: the entry's own fields win over the preset's defaults. */
export const PresetWorklogBody = WorklogCreateBody
export const PresetWorklogOut = Type.Object({
  worklog: WorklogOut,
  intake_prompt: Type.String({ description: 'The preset\'s prompt, for the client to show next to the new entry.' }),
})
