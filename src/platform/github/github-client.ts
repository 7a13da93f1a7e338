// The few GitHub REST calls the import uses, through @octokit/rest with its base URL set
// by GITHUB_API_BASE (GitHub Enterprise, or a stand-in server in tests). Knows nothing of
// work logs: it answers "who is this token?" and "which pull requests and issues match?".
//
// Rate limits are GitHub's to set and ours to honour. A 403 or 429 that says how long to
// wait (retry-after, or x-ratelimit-remaining 0 with x-ratelimit-reset) is waited out here
// only when the wait is short; otherwise GitHubRateLimitError says until when, and the job
// retries then instead of a worker sleeping for an hour.
import { Octokit } from '@octokit/rest'
import { systemClock, type Clock } from '../clock.ts'

export interface GitHubItem {
  readonly kind: 'pull_request' | 'issue'
  /** owner/repo, lower case. */
  readonly repository: string
  readonly number: number
  readonly title: string
  readonly body: string
  readonly url: string
  /** When the pull request was merged, or the issue closed. */
  readonly finishedAt: Date
}

export class GitHubRateLimitError extends Error {
  readonly retryAt: Date
  constructor (retryAt: Date) {
    super(`GitHub's rate limit is used up until ${retryAt.toISOString()}.`)
    this.name = 'GitHubRateLimitError'
    this.retryAt = retryAt
  }
}

/** GitHub refused the token (401): revoked, expired, or never valid. */
export class GitHubTokenRefusedError extends Error {
  constructor () {
    super('GitHub refused the access token (401): it was revoked, has expired or is not a token.')
    this.name = 'GitHubTokenRefusedError'
  }
}

export interface GitHubClientOptions {
  token: string
  /** GITHUB_API_BASE, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl: string
  clock?: Clock
  /** Rate-limit waits up to this long are slept through in place; longer ones are thrown. */
  maxInlineWaitMs?: number
}

/** GitHub's advice for a secondary rate limit that names no time: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000
const DEFAULT_MAX_INLINE_WAIT_MS = 2_000
/** The search API returns at most this many results for one query, whatever total_count says. */
export const SEARCH_RESULT_CAP = 1000
const PAGE_SIZE = 100

type Headers = Readonly<Record<string, string | number | undefined>>

/**
 * When a refused request may be tried again, or undefined when the refusal is not a rate
 * limit (a 403 for a missing permission must not be retried for ever).
 */
export function rateLimitRetryAt (status: number, headers: Headers, now: Date): Date | undefined {
  if (status !== 403 && status !== 429) return undefined
  const retryAfter = Number(headers['retry-after'])
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return new Date(now.getTime() + retryAfter * 1000)
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset'])
    if (Number.isFinite(reset) && reset > 0) return new Date(Math.max(now.getTime(), reset * 1000))
  }
  // A 429, or a 403 whose text speaks of a secondary limit, with no time given.
  if (status === 429) return new Date(now.getTime() + SECONDARY_LIMIT_WAIT_MS)
  return undefined
}

interface HttpFailure { status: number; response?: { headers?: Headers } }

function httpFailure (error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null || typeof (error as { status?: unknown }).status !== 'number') return undefined
  return error as HttpFailure
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

export class GitHubClient {
  readonly #octokit: Octokit
  readonly #clock: Clock

  constructor (options: GitHubClientOptions) {
    this.#clock = options.clock ?? systemClock
    const maxInlineWaitMs = options.maxInlineWaitMs ?? DEFAULT_MAX_INLINE_WAIT_MS
    // Octokit's own logging would print request details to the console; our events say what matters.
    this.#octokit = new Octokit({ auth: options.token, baseUrl: options.baseUrl.replace(/\/+$/, ''), userAgent: 'afterresume-import', log: silent })
    this.#octokit.hook.wrap('request', async (request, requestOptions) => {
      for (let waited = false; ; waited = true) {
        try {
          return await request(requestOptions)
        } catch (error) {
          const failure = httpFailure(error)
          if (failure === undefined) throw error
          if (failure.status === 401) throw new GitHubTokenRefusedError()
          const now = this.#clock.now()
          const retryAt = rateLimitRetryAt(failure.status, failure.response?.headers ?? {}, now)
          if (retryAt === undefined) throw error
          const waitMs = retryAt.getTime() - now.getTime()
          if (waited || waitMs > maxInlineWaitMs) throw new GitHubRateLimitError(retryAt)
          await new Promise((resolve) => setTimeout(resolve, waitMs))
        }
      }
    })
  }

  /** The login the token belongs to (GET /user). */
  async viewer (): Promise<{ login: string }> {
    const { data } = await this.#octokit.rest.users.getAuthenticated()
    return { login: data.login }
  }

  /**
   * Items of a search (GET /search/issues), a page at a time, oldest update first. Stops
   * at GitHub's cap of 1000 results per query; `total` says how many matched.
   */
  async * search (query: string): AsyncGenerator<{ items: GitHubItem[]; total: number }> {
    for (let page = 1; ; page++) {
      const { data } = await this.#octokit.rest.search.issuesAndPullRequests({ q: query, sort: 'updated', order: 'asc', per_page: PAGE_SIZE, page })
      const items = data.items.flatMap((item): GitHubItem[] => {
        const merged = item.pull_request?.merged_at ?? null
        const finished = item.pull_request !== undefined ? merged : item.closed_at
        if (finished === null || finished === undefined) return []
        return [{
          kind: item.pull_request !== undefined ? 'pull_request' : 'issue',
          repository: repositoryOf(item.repository_url),
          number: item.number,
          title: item.title,
          body: item.body ?? '',
          url: item.html_url,
          finishedAt: new Date(finished),
        }]
      })
      yield { items, total: data.total_count }
      if (data.items.length < PAGE_SIZE || page * PAGE_SIZE >= Math.min(data.total_count, SEARCH_RESULT_CAP)) return
    }
  }
}

/** https://api.github.com/repos/Owner/Repo → owner/repo. */
function repositoryOf (repositoryUrl: string): string {
  const match = /\/repos\/([^/]+\/[^/]+)\/?$/.exec(repositoryUrl)
  return (match?.[1] ?? repositoryUrl).toLowerCase()
}
