// One merged pull request or closed issue → a draft work log, or a link on a work log
// that already covers it, keyed github:{owner/repo}#{number} so it is imported once
// however many runs see it. Where it goes, in order:
//  1. a work log of the person that already links to it (logged by hand): nothing to add;
//  2. the Git import's work log for the same repository and day: the item becomes a link
//     on it (the commits and the pull request are one piece of work);
//  3. otherwise a new draft.
import type { Trx } from '../../../platform/db/database.ts'
import type { GitHubItem } from '../../../platform/github/github-client.ts'
import { localDayOf } from '../../gamification/rules/local-day.ts'
import type { Actor } from '../../worklog/actor.ts'
import { addExternalLink } from '../../worklog/artifacts/artifacts.service.ts'
import { claimItem, findGitDayWorklog, findWorklogLinkingTo, recordItemWorklog } from '../imported-items.repository.ts'
import { writeDraft, type DraftEffects } from '../import-drafts.service.ts'

export const GITHUB_ITEM_OUTCOMES = ['created', 'linked', 'already_imported'] as const
export type GitHubItemOutcome = (typeof GITHUB_ITEM_OUTCOMES)[number]

/** GitHub's search index trails merges by minutes; each run also reads this far before its cursor. */
export const CURSOR_OVERLAP_MS = 24 * 3_600_000

/** The searches of one run: the person's merged pull requests, and their issues closed as done. */
export function githubSearchQueries (login: string, since: Date): string[] {
  const from = since.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return [
    `is:pr author:${login} is:merged merged:>=${from}`,
    `is:issue author:${login} is:closed reason:completed closed:>=${from}`,
  ]
}

export function githubImportKey (item: Pick<GitHubItem, 'repository' | 'number'>): string {
  return `github:${item.repository}#${item.number}`
}

export async function importGitHubItem (trx: Trx, actor: Actor, item: GitHubItem, timeZone: string, effects: DraftEffects): Promise<GitHubItemOutcome> {
  const occurredOn = localDayOf(item.finishedAt, timeZone)
  const claim = { tenantId: actor.tenantId, userId: actor.userId, importKey: githubImportKey(item), source: 'github' as const, repository: item.repository, occurredOn }
  if (!await claimItem(trx, claim)) return 'already_imported'
  const link = { system: 'github', key: `${item.repository}#${item.number}`, url: item.url, title: clip(item.title, 300) }

  const linking = await findWorklogLinkingTo(trx, { tenantId: actor.tenantId, userId: actor.userId, url: item.url })
  if (linking !== undefined) {
    await recordItemWorklog(trx, claim, linking)
    return 'linked'
  }
  const gitDay = await findGitDayWorklog(trx, { tenantId: actor.tenantId, userId: actor.userId, repository: item.repository, occurredOn })
  if (gitDay !== undefined) {
    await addExternalLink(trx, actor, gitDay, link)
    await recordItemWorklog(trx, claim, gitDay)
    return 'linked'
  }
  const what = item.kind === 'pull_request' ? 'Merged pull request' : 'Closed issue'
  const body = item.body.trim()
  const worklogId = await writeDraft(trx, actor, {
    occurredOn,
    title: clip(item.title, 300),
    content: clip(body === '' ? `${what} ${item.repository}#${item.number}: ${item.title}` : body, 50_000),
    sourceRef: clip(`github:${item.repository}#${item.number}`, 500),
    metadata: { import: { source: 'github', kind: item.kind, repository: item.repository, number: item.number, finished_at: item.finishedAt.toISOString() } },
    links: [link],
  }, effects)
  await recordItemWorklog(trx, claim, worklogId)
  return 'created'
}

function clip (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
