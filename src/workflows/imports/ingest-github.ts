// ingest.github: one connection's new merged pull requests and completed issues → draft
// work logs (or links on work logs that already cover them). Run by the connection's
// schedule, or now by POST /api/connections/github/sync/.
//
// Each item is written in its own transaction under its unique key, so a run stopped
// half-way (a rate limit, a crash) keeps what it did and the next attempt skips it. The
// cursor moves only when a run has read everything, to where that run began.
//
// Rate limits: a short wait is slept through by the client; a long one fails the attempt
// with RetryLaterError, and the job's retry starts at GitHub's reset time.
import { Type } from 'typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Trx } from '../../platform/db/database.ts'
import { GitHubClient, GitHubRateLimitError, GitHubTokenRefusedError, SEARCH_RESULT_CAP } from '../../platform/github/github-client.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import { PermanentJobError, RetryLaterError } from '../../platform/jobs/runner.ts'
import { SecretBoxError } from '../../platform/crypto/secret-box.ts'
import { connectionForRun, finishRun, INGEST_GITHUB, recordRunError } from '../../modules/imports/github/connection.service.ts'
import { CURSOR_OVERLAP_MS, githubSearchQueries, importGitHubItem, type GitHubItemOutcome } from '../../modules/imports/github/github-import.service.ts'
import { loadTimeZone } from '../../modules/gamification/gamification.repository.ts'
import { isValidTimeZone } from '../../modules/gamification/rules/local-day.ts'

export { INGEST_GITHUB }

export const IngestGithubPayload = Type.Object({ connection_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export interface IngestGithubDeps {
  secretKey: string
  /** GITHUB_API_BASE. */
  apiBase: string
  autoAnalyze: boolean
  clock: Clock
}

export function ingestGithub (deps: IngestGithubDeps) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>): Promise<Record<GitHubItemOutcome, number> & { searched: number }> => {
    const tenantId = ctx.tenantId
    if (tenantId === null || ctx.userId === null) throw new PermanentJobError('ingest.github runs for a person: it needs a tenant and a user.')
    const connectionId = String(payload.connection_id)
    const connection = await ctx.inTenant((trx) => connectionForRun(trx, deps.secretKey, tenantId, connectionId)).catch((error: unknown) => {
      if (error instanceof SecretBoxError) throw new PermanentJobError('The stored GitHub token cannot be opened (the server\'s SECRET_KEY changed?): connect GitHub again.', { cause: error })
      throw error
    })
    if (connection === undefined || connection.userId !== ctx.userId) throw new PermanentJobError('This GitHub connection no longer exists (disconnected?); nothing to import.')
    const actor = { tenantId, userId: connection.userId }
    const startedAt = deps.clock.now()
    const since = new Date(connection.cursor.getTime() - CURSOR_OVERLAP_MS)
    const zone = await ctx.inTenant((trx) => loadTimeZone(trx, actor.userId))
    const timeZone = isValidTimeZone(zone) ? zone : 'UTC'
    const analyse = deps.autoAnalyze
      ? { analyse: async (trx: Trx, worklogId: string) => { await ctx.enqueueChild(trx, { type: 'worklog.analyze', payload: { worklog_id: worklogId }, idempotencyKey: `analyze:${worklogId}:import` }) } }
      : {}
    const client = new GitHubClient({ token: connection.token, baseUrl: deps.apiBase, clock: deps.clock })
    const counts = { created: 0, linked: 0, already_imported: 0, searched: 0 }
    await ctx.log('reading GitHub', { data: { login: connection.login, since: since.toISOString(), attempt: ctx.attempt } })
    try {
      for (const query of githubSearchQueries(connection.login, since)) {
        let firstPage = true
        for await (const page of client.search(query)) {
          if (firstPage && page.total > SEARCH_RESULT_CAP) {
            await ctx.log('more results than GitHub\'s search returns; the oldest are imported first and the rest by the next runs', { level: 'warning', data: { total: page.total, cap: SEARCH_RESULT_CAP } })
          }
          firstPage = false
          for (const item of page.items) {
            ctx.signal.throwIfAborted()
            counts[await ctx.inTenant((trx) => importGitHubItem(trx, actor, item, timeZone, analyse))]++
            counts.searched++
          }
        }
      }
    } catch (error) {
      if (error instanceof GitHubRateLimitError) {
        await ctx.inTenant((trx) => recordRunError(trx, tenantId, connectionId, `Rate limited by GitHub until ${error.retryAt.toISOString()}; the import resumes then.`))
        await ctx.log('rate limited by GitHub; retrying at its reset time', { level: 'warning', data: { retry_at: error.retryAt.toISOString(), ...counts } })
        throw new RetryLaterError(`GitHub's rate limit is used up until ${error.retryAt.toISOString()}; the import resumes then.`, error.retryAt, { cause: error })
      }
      if (error instanceof GitHubTokenRefusedError) {
        await ctx.inTenant((trx) => recordRunError(trx, tenantId, connectionId, error.message))
        throw new PermanentJobError(`${error.message} Connect GitHub again with a new token.`, { cause: error })
      }
      throw error
    }
    await ctx.inTenant((trx) => finishRun(trx, tenantId, connectionId, startedAt))
    await ctx.log('GitHub import finished', { data: counts })
    return counts
  }
}
