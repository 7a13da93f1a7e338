// Rules of links, bullets and skill signals: the work log must exist in the caller's
// tenant (404 otherwise, for the log and for the artifact), PUT resets omitted fields to
// their defaults, PATCH changes only what is given.
import type { Trx } from '../../../platform/db/database.ts'
import { toJson } from '../../../platform/db/json.ts'
import { NotFoundError } from '../../../platform/errors.ts'
import type { Actor } from '../actor.ts'
import { deleteArtifact, findArtifact, insertArtifact, listArtifacts, updateArtifact, type ArtifactRow } from './artifacts.repository.ts'
import { ARTIFACTS, type ArtifactSpec } from './artifacts.schemas.ts'
import { translateConstraintError } from '../constraint-errors.ts'
import { worklogExists } from '../entries/worklog.repository.ts'

export type ArtifactView = Record<string, unknown>

export function artifactView (spec: ArtifactSpec, row: ArtifactRow): ArtifactView {
  const view: ArtifactView = { id: row.id, worklog_id: row.worklog_id, created_at: row.created_at.toISOString() }
  for (const name of Object.keys(spec.fields)) view[name] = row[name]
  return view
}

async function assertWorklog (trx: Trx, actor: Actor, worklogId: string): Promise<void> {
  if (!await worklogExists(trx, actor.tenantId, worklogId)) throw new NotFoundError('Work log', 'worklog_id')
}

export async function listWorklogArtifacts (trx: Trx, spec: ArtifactSpec, actor: Actor, worklogId: string): Promise<ArtifactView[]> {
  await assertWorklog(trx, actor, worklogId)
  return (await listArtifacts(trx, spec, actor.tenantId, worklogId)).map((row) => artifactView(spec, row))
}

export async function getArtifact (trx: Trx, spec: ArtifactSpec, actor: Actor, worklogId: string, id: string): Promise<ArtifactView> {
  const row = await findArtifact(trx, spec, actor.tenantId, worklogId, id)
  if (row === undefined) throw new NotFoundError(spec.label)
  return artifactView(spec, row)
}

export async function createArtifact (trx: Trx, spec: ArtifactSpec, actor: Actor, worklogId: string, input: Record<string, unknown>): Promise<ArtifactView> {
  await assertWorklog(trx, actor, worklogId)
  try {
    const row = await insertArtifact(trx, spec, { ...columns(spec, input, 'create'), tenant_id: actor.tenantId, worklog_id: worklogId })
    return artifactView(spec, row)
  } catch (error) {
    translateConstraintError(error, spec.label)
  }
}

export async function updateArtifactById (trx: Trx, spec: ArtifactSpec, actor: Actor, worklogId: string, id: string, input: Record<string, unknown>, replace: boolean): Promise<ArtifactView> {
  const row = await updateArtifact(trx, spec, actor.tenantId, worklogId, id, columns(spec, input, replace ? 'replace' : 'patch'))
  if (row === undefined) throw new NotFoundError(spec.label)
  return artifactView(spec, row)
}

export async function removeArtifact (trx: Trx, spec: ArtifactSpec, actor: Actor, worklogId: string, id: string): Promise<void> {
  if (!await deleteArtifact(trx, spec, actor.tenantId, worklogId, id)) throw new NotFoundError(spec.label)
}

/**
 * The spec's writable fields present in `input`, jsonb as text; on create and PUT the
 * omitted ones take their defaults. Read-only fields take their default on create, keep
 * their value on PUT and PATCH, and go back to the default when the field they derive
 * from is written (new evidence has no located words yet).
 */
function columns (spec: ArtifactSpec, input: Record<string, unknown>, write: 'create' | 'replace' | 'patch'): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(spec.fields)) {
    let value: unknown
    if (field.readOnly === true) {
      const reset = field.clearedBy !== undefined && input[field.clearedBy] !== undefined
      value = write === 'create' || reset ? field.default : undefined
    } else {
      value = input[name] !== undefined ? input[name] : write === 'patch' ? undefined : field.default
    }
    if (value !== undefined) values[name] = field.json === true ? toJson(value) : value
  }
  return values
}

export interface ExternalLinkInput { system: string; key: string; url: string; title: string; metadata?: Record<string, unknown> }

/** A link written by a connector (Git, GitHub) rather than typed in through the API. */
export async function addExternalLink (trx: Trx, actor: Actor, worklogId: string, link: ExternalLinkInput): Promise<ArtifactView> {
  return createArtifact(trx, LINK_SPEC, actor, worklogId, { metadata: {}, ...link })
}

const LINK_SPEC = ARTIFACTS.find((spec) => spec.table === 'worklog_external_link')!
