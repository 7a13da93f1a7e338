// Which folders the service itself may read Git history from: only those under
// GIT_IMPORT_ROOT, judged after symbolic links and `..` are resolved, and none at all
// when it is unset. Asked by POST /api/imports/git/ before it queues the job and again by
// ingest.git before it reads anything (the job may run later, on another machine). The
// CLI does not ask: the operator running it may read whatever they can.
import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import { AppError, ValidationError } from '../../../platform/errors.ts'
import { GitCommandError, isInsideRoot, openRepository, type GitRepository } from '../../../platform/git/git-repository.ts'

export class ImportPathRefusedError extends AppError {
  constructor (code: 'git_import_disabled' | 'path_outside_import_root', message: string) {
    super(403, code, message, { field: 'path' })
    this.name = 'ImportPathRefusedError'
  }
}

/** The real path of `path` (relative ones are taken from the root), or the reason it may not be read. */
export async function resolveImportPath (root: string | undefined, path: string): Promise<string> {
  if (root === undefined) {
    throw new ImportPathRefusedError('git_import_disabled', 'Importing Git repositories from the server\'s disk is off: the operator sets GIT_IMPORT_ROOT to the folder it may read from (or runs `afterresume import git` instead).')
  }
  const wanted = resolve(root, path)
  let real: string
  try {
    real = await realpath(wanted)
  } catch {
    throw new ValidationError(`path: there is no folder ${wanted} on the server.`, 'path')
  }
  let inside: boolean
  try {
    inside = await isInsideRoot(root, real)
  } catch {
    throw new ImportPathRefusedError('git_import_disabled', 'GIT_IMPORT_ROOT names a folder that does not exist on the server; the operator must fix it.')
  }
  if (!inside) throw new ImportPathRefusedError('path_outside_import_root', `path: ${wanted} is outside the folder imports may read from (GIT_IMPORT_ROOT).`)
  return real
}

/**
 * The repository at `path` when the service may read it: the path and the working tree's
 * top (which could sit above the path) both under the root.
 */
export async function openImportRepository (root: string | undefined, path: string): Promise<GitRepository> {
  const real = await resolveImportPath(root, path)
  let repository: GitRepository
  try {
    repository = await openRepository(real)
  } catch (error) {
    if (error instanceof GitCommandError) throw new ValidationError(`path: ${error.message}`, 'path')
    throw error
  }
  if (!await isInsideRoot(root!, repository.toplevel)) {
    throw new ImportPathRefusedError('path_outside_import_root', `path: the repository's working tree ${repository.toplevel} reaches outside the folder imports may read from (GIT_IMPORT_ROOT).`)
  }
  return repository
}
