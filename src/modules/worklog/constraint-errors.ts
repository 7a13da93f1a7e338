// One place turns PostgreSQL constraint violations into the API's errors, naming the
// field: a unique violation is a 409, a missing referenced row a 404, a failed CHECK a
// 400. Services check references and rules first; this is the backstop for races.
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'

interface PgError { code?: string; constraint?: string; message?: string }

const UNIQUE_FIELDS: Record<string, string> = {
  client_name_unique: 'name',
  project_name_unique: 'name',
  epic_name_unique: 'name',
  feature_name_unique: 'name',
  story_name_unique: 'name',
  task_name_unique: 'name',
  sprint_name_unique: 'name',
  worklog_preset_name_unique: 'name',
  attachment_object_key_unique: 'object_key',
}

const CHECK_FIELDS: Record<string, string> = {
  project_dates_ordered: 'ended_on',
  sprint_dates_ordered: 'end_date',
}

export function isForeignKeyViolation (error: unknown): boolean {
  return (error as PgError).code === '23503'
}

/** Rethrow `error` as an AppError when it is a constraint violation we can explain. */
export function translateConstraintError (error: unknown, what: string): never {
  if (error instanceof AppError) throw error
  const pg = error as PgError
  const constraint = pg.constraint ?? ''
  if (pg.code === '23505') {
    const field = UNIQUE_FIELDS[constraint] ?? 'name'
    throw new ConflictError(`A ${what.toLowerCase()} with this ${field} already exists.`, field)
  }
  if (pg.code === '23503') {
    // Auto-named "<table>_tenant_id_<column>_fkey": the column is the field at fault.
    const field = /_tenant_id_([a-z_]+_id)_fkey$/.exec(constraint)?.[1]
    throw new NotFoundError(field === undefined ? 'A referenced object' : `The ${field.replace(/_id$/, '')}`, field)
  }
  if (pg.code === '23514') {
    const field = CHECK_FIELDS[constraint]
    throw new ValidationError(`The ${what.toLowerCase()} breaks the rule ${constraint}.`, field)
  }
  throw error
}
