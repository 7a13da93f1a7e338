// A stand-in for the few GitHub REST endpoints the connector uses, on 127.0.0.1:
// GET /user (who a token belongs to) and GET /search/issues (merged pull requests and
// closed issues, filtered by the qualifiers the connector sends). A test adds items as
// they "happen" and can make the next search answer 403 with rate-limit headers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Teardown { teardown(fn: () => unknown): void }

export interface StandInItem {
  kind: 'pull_request' | 'issue'
  /** owner/repo */
  repository: string
  number: number
  title: string
  body: string | null
  author: string
  /** ISO instant the item was closed. */
  closedAt: string
  /** Pull requests: when merged; null for one closed unmerged. */
  mergedAt?: string | null
  /** Issues: completed (done) or not_planned. */
  stateReason?: 'completed' | 'not_planned'
}

export interface SeenSearch { q: string; page: number; perPage: number; authorization: string }

export interface GitHubStandIn {
  baseUrl: string
  /** token → login */
  tokens: Map<string, string>
  items: StandInItem[]
  searches: SeenSearch[]
  /** The next search answers 403 with these headers (once). */
  rateLimitNextSearch(headers: Record<string, string>): void
}

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

function tokenOf (req: IncomingMessage): string {
  return (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '')
}

/** The qualifiers the connector uses: is:, author:, reason:, merged:>=, closed:>=. */
function matches (item: StandInItem, q: string): boolean {
  const terms = q.split(/\s+/)
  for (const term of terms) {
    const [key, value = ''] = term.split(/:(.*)/s)
    if (key === 'is' && value === 'pr' && item.kind !== 'pull_request') return false
    if (key === 'is' && value === 'issue' && item.kind !== 'issue') return false
    if (key === 'is' && value === 'merged' && (item.mergedAt ?? null) === null) return false
    if (key === 'author' && item.author !== value) return false
    if (key === 'reason' && value === 'completed' && item.stateReason !== 'completed') return false
    if (key === 'merged' && !(item.mergedAt != null && Date.parse(item.mergedAt) >= Date.parse(value.replace(/^>=/, '')))) return false
    if (key === 'closed' && !(Date.parse(item.closedAt) >= Date.parse(value.replace(/^>=/, '')))) return false
  }
  return true
}

export async function startGitHubStandIn (t: Teardown): Promise<GitHubStandIn> {
  const state = { tokens: new Map<string, string>(), items: [] as StandInItem[], searches: [] as SeenSearch[], limited: undefined as Record<string, string> | undefined }
  let baseUrl = ''
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const login = state.tokens.get(tokenOf(req))
    if (login === undefined) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    if (req.method === 'GET' && url.pathname === '/user') return send(res, 200, { login, id: 1, type: 'User' })
    if (req.method === 'GET' && url.pathname === '/search/issues') {
      const q = url.searchParams.get('q') ?? ''
      const page = Number(url.searchParams.get('page') ?? '1')
      const perPage = Number(url.searchParams.get('per_page') ?? '30')
      state.searches.push({ q, page, perPage, authorization: req.headers.authorization ?? '' })
      if (state.limited !== undefined) {
        const headers = state.limited
        state.limited = undefined
        return send(res, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/rate-limit' }, headers)
      }
      const found = state.items.filter((item) => matches(item, q))
      const items = found.slice((page - 1) * perPage, page * perPage).map((item) => ({
        number: item.number,
        title: item.title,
        body: item.body,
        state: 'closed',
        state_reason: item.kind === 'issue' ? item.stateReason ?? 'completed' : null,
        user: { login: item.author },
        html_url: `https://github.example/${item.repository}/${item.kind === 'pull_request' ? 'pull' : 'issues'}/${item.number}`,
        repository_url: `${baseUrl}/repos/${item.repository}`,
        closed_at: item.closedAt,
        ...(item.kind === 'pull_request' && {
          pull_request: { merged_at: item.mergedAt ?? null, html_url: `https://github.example/${item.repository}/pull/${item.number}`, url: '', diff_url: '', patch_url: '' },
        }),
      }))
      return send(res, 200, { total_count: found.length, incomplete_results: false, items }, { 'x-ratelimit-remaining': '29' })
    }
    send(res, 404, { message: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve())
    // The client keeps connections alive; close them rather than wait out its idle timeout.
    server.closeAllConnections()
  }))
  return {
    baseUrl,
    tokens: state.tokens,
    items: state.items,
    searches: state.searches,
    rateLimitNextSearch (headers) { state.limited = headers },
  }
}
