// A person's commits in one repository → one draft work log per day (pure). The day is
// the author's own calendar day when they committed; a day is imported once it is over
// (before `today`), so a run in the afternoon never leaves a half day behind that a later
// run could not complete. Merges never reach here (git log --no-merges); commits made or
// committed by automation (dependabot[bot], a release workflow) are left out.
import type { GitCommit } from '../../../platform/git/git-repository.ts'
import type { WebRepository } from './git-remote.ts'

export interface GitRepositoryInfo {
  /** owner/repo from the remote, else the folder's name. */
  readonly repository: string
  /** Where commit pages are, when the remote is a web host. */
  readonly web: WebRepository | undefined
  /** Stable across clones and paths; the import key's repository part. */
  readonly rootCommit: string | null
}

export interface CommitLink { system: 'git'; key: string; url: string; title: string }

export interface GitDayDraft {
  readonly day: string
  readonly importKey: string
  readonly title: string
  readonly content: string
  readonly sourceRef: string
  readonly links: readonly CommitLink[]
  readonly commits: readonly string[]
}

export interface GitDayPlan {
  readonly drafts: readonly GitDayDraft[]
  readonly skipped: { readonly bots: number; readonly unfinishedDay: number }
}

const TITLE_MAX = 300
const CONTENT_MAX = 50_000
const BOT = /\[bot\]|^(dependabot|renovate|github-actions|greenkeeper)\b/i

export function isBotCommit (commit: Pick<GitCommit, 'authorName' | 'authorEmail' | 'committerName' | 'committerEmail'>): boolean {
  return [commit.authorName, commit.authorEmail, commit.committerName, commit.committerEmail].some((who) => BOT.test(who))
}

/** The commits grouped by day, oldest day first, each day a draft. */
export function planGitDays (commits: readonly GitCommit[], info: GitRepositoryInfo, options: { authorEmail: string; today: string }): GitDayPlan {
  const byDay = new Map<string, GitCommit[]>()
  let bots = 0
  let unfinishedDay = 0
  for (const commit of commits) {
    if (isBotCommit(commit)) bots++
    else if (commit.authorDay >= options.today) unfinishedDay++
    else byDay.set(commit.authorDay, [...(byDay.get(commit.authorDay) ?? []), commit])
  }
  const drafts = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([day, dayCommits]) => dayDraft(day, dayCommits, info, options.authorEmail))
  return { drafts, skipped: { bots, unfinishedDay } }
}

function dayDraft (day: string, commits: readonly GitCommit[], info: GitRepositoryInfo, authorEmail: string): GitDayDraft {
  const first = commits[0]!
  const last = commits.at(-1)!
  const name = info.repository.split('/').at(-1) ?? info.repository
  const subjects = commits.map((commit) => subjectOf(commit.message))
  const more = commits.length > 2 ? ` (+${commits.length - 2} more)` : ''
  const range = commits.length === 1 ? short(first.sha) : `${short(first.sha)}..${short(last.sha)}`
  return {
    day,
    importKey: `git:${info.rootCommit ?? info.repository}:${authorEmail.toLowerCase()}:${day}`,
    title: clip(`${name}: ${subjects.slice(0, 2).join('; ')}`, TITLE_MAX - more.length) + more,
    content: clip(commits.map(commitLines).join('\n'), CONTENT_MAX),
    sourceRef: clip(`${info.repository}@${range}`, 500),
    links: info.web === undefined
      ? []
      : commits.map((commit) => ({ system: 'git', key: commit.sha, url: `${info.web!.webUrl}/commit/${commit.sha}`, title: clip(subjectOf(commit.message), TITLE_MAX) })),
    commits: commits.map((commit) => commit.sha),
  }
}

/** "- subject (abc1234)" and the body indented under it; sign-off trailers add nothing to a work log. */
function commitLines (commit: GitCommit): string {
  const [subject = '', ...body] = commit.message.split('\n')
  const kept = body.filter((line) => !/^(signed-off-by|co-authored-by|change-id):/i.test(line.trim()))
  while (kept.length > 0 && kept[0]!.trim() === '') kept.shift()
  while (kept.length > 0 && kept.at(-1)!.trim() === '') kept.pop()
  return [`- ${subject.trim() || '(no message)'} (${short(commit.sha)})`, ...kept.map((line) => line.trim() === '' ? '' : `  ${line}`)].join('\n')
}

function subjectOf (message: string): string {
  return message.split('\n')[0]?.trim() || '(no message)'
}

function short (sha: string): string {
  return sha.slice(0, 7)
}

function clip (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`
}
