// ingest.git: a repository on the server's disk → draft work logs, one per day of the
// author's commits (src/modules/imports/git/). The path is checked against
// GIT_IMPORT_ROOT again here, when the job runs: the queue is not a way around it.
// `runGitImport` is the same import without the queue, for `afterresume import git`
// (which the operator runs, so any path they give is theirs to read).
import { Type } from 'typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Trx } from '../../platform/db/database.ts'
import { AppError } from '../../platform/errors.ts'
import { GitCommandError, readCommits, type GitRepository } from '../../platform/git/git-repository.ts'
import { Day } from '../../platform/input/schemas.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError } from '../../platform/jobs/runner.ts'
import { openImportRepository } from '../../modules/imports/git/import-root.ts'
import { importGitCommits, type GitImportSummary } from '../../modules/imports/git/git-import.service.ts'
import type { DraftEffects } from '../../modules/imports/import-drafts.service.ts'
import type { Actor } from '../../modules/worklog/actor.ts'

export { INGEST_GIT } from '../../modules/imports/imports.routes.ts'

export const IngestGitPayload = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096 }),
  author: Type.String({ minLength: 3, maxLength: 254 }),
  since: Type.Optional(Day()),
  project_id: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false })

export interface GitImportRequest {
  repository: GitRepository
  authorEmail: string
  since?: string
  projectId?: string
}

/** Runs work in a transaction bound to the actor's tenant (ctx.inTenant, or withTenant for the CLI). */
export type InTenant = <T>(work: (trx: Trx) => Promise<T>) => Promise<T>

/** Read the author's commits and write the drafts, in one tenant transaction. */
export async function runGitImport (inTenant: InTenant, actor: Actor, request: GitImportRequest, options: { now: Date; analyse?: (trx: Trx, worklogId: string) => Promise<void> }): Promise<GitImportSummary> {
  const commits = await readCommits(request.repository, { authorEmail: request.authorEmail, ...(request.since !== undefined && { since: request.since }) })
  const effects: DraftEffects = options.analyse === undefined ? {} : { analyse: options.analyse }
  return inTenant((trx) => importGitCommits(trx, actor, {
    repository: request.repository,
    commits,
    authorEmail: request.authorEmail,
    ...(request.projectId !== undefined && { projectId: request.projectId }),
    now: options.now,
  }, effects))
}

export function ingestGit (deps: { gitImportRoot: string | undefined; autoAnalyze: boolean; clock: Clock }) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<GitImportSummary> => {
    if (ctx.tenantId === null || ctx.userId === null) throw new PermanentJobError('ingest.git imports into a person\'s work log: it needs a tenant and a user.')
    const actor = { tenantId: ctx.tenantId, userId: ctx.userId }
    try {
      const repository = await openImportRepository(deps.gitImportRoot, String(payload.path))
      await ctx.log('reading commits', { data: { repository: repository.toplevel, author: String(payload.author) } })
      const summary = await runGitImport((work) => ctx.inTenant(work), actor, {
        repository,
        authorEmail: String(payload.author),
        ...(typeof payload.since === 'string' && { since: payload.since }),
        ...(typeof payload.project_id === 'string' && { projectId: payload.project_id }),
      }, {
        now: deps.clock.now(),
        ...(deps.autoAnalyze && { analyse: async (trx: Trx, worklogId: string) => { await ctx.enqueueChild(trx, { type: 'worklog.analyze', payload: { worklog_id: worklogId }, idempotencyKey: `analyze:${worklogId}:import` }) } }),
      })
      await ctx.log('git import finished', { data: { ...summary, worklog_ids: summary.worklog_ids.length } })
      return summary
    } catch (error) {
      // A refused path, a folder that is no repository, an unknown project: no retry mends them.
      if ((error instanceof AppError && error.status < 500) || error instanceof GitCommandError) throw new PermanentJobError(error.message, { cause: error })
      throw error
    }
  }
}
