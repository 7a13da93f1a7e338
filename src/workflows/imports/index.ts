// The import job types: ingest.git (a repository on the server's disk) and ingest.github
// (a person's GitHub connection). Both write draft work logs, both are idempotent by the
// items' keys, so a retry or a second run adds nothing.
import type { Clock } from '../../platform/clock.ts'
import type { JobRegistry } from '../../platform/jobs/registry.ts'
import { ingestGit, IngestGitPayload, INGEST_GIT } from './ingest-git.ts'
import { ingestGithub, IngestGithubPayload, INGEST_GITHUB } from './ingest-github.ts'

export interface ImportWorkflowDeps {
  /** SECRET_KEY: opens the stored GitHub tokens. */
  secretKey: string
  /** GIT_IMPORT_ROOT: ingest.git refuses every path when unset. */
  gitImportRoot: string | undefined
  /** GITHUB_API_BASE. */
  githubApiBase: string
  /** WORKLOG_AUTO_ANALYZE: each new draft gets its analysis, as a save through the API would. */
  autoAnalyze: boolean
  clock: Clock
}

export function registerImportWorkflows (registry: JobRegistry, deps: ImportWorkflowDeps): JobRegistry {
  registry.register(INGEST_GIT, ingestGit(deps), {
    description: 'A Git repository on the server\'s disk (under GIT_IMPORT_ROOT) → one draft work log per day of an author\'s commits.',
    payload: IngestGitPayload,
    requires: 'work:write',
    retryLimit: 1,
    expireInSeconds: 1800,
  })
  registry.register(INGEST_GITHUB, ingestGithub({ secretKey: deps.secretKey, apiBase: deps.githubApiBase, autoAnalyze: deps.autoAnalyze, clock: deps.clock }), {
    description: 'A person\'s merged pull requests and completed issues on GitHub since the last run → draft work logs.',
    payload: IngestGithubPayload,
    requires: 'work:write',
    // Rate-limit waits use attempts too (each retry starts at GitHub's reset time).
    retryLimit: 5,
    retryDelay: 60,
    retryBackoff: true,
    retryDelayMax: 3600,
    expireInSeconds: 1800,
  })
  return registry
}
