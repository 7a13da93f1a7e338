// Reading a Git repository on this machine's disk with the `git` command: execFile with
// fixed arguments, never a shell, so nothing in a path, an e-mail or a date can become a
// command. Knows nothing of work logs: it returns commits as Git has them.
import { execFile } from 'node:child_process'
import { realpath } from 'node:fs/promises'
import { sep } from 'node:path'

export interface GitCommit {
  readonly sha: string
  readonly parentCount: number
  readonly authorName: string
  readonly authorEmail: string
  /** Strict ISO 8601 with the author's own offset, e.g. 2026-03-02T09:15:00+01:00. */
  readonly authorDate: string
  /** The author's calendar day in their own offset at the time (YYYY-MM-DD). */
  readonly authorDay: string
  readonly committerName: string
  readonly committerEmail: string
  /** The whole message: subject, blank line, body. */
  readonly message: string
}

export interface GitRepository {
  /** The working tree's top folder (real path). */
  readonly toplevel: string
  /** The URL of the `origin` remote, or null when there is none. */
  readonly originUrl: string | null
  /** The oldest root commit: the same in every clone and fork, wherever it lives on disk. */
  readonly rootCommit: string | null
}

export class GitCommandError extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GitCommandError'
  }
}

const FIELD = '\x1f'
const RECORD = '\x1e'
/** Big enough for years of one person's history; git is stopped past it rather than buffering without end. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024
const TIMEOUT_MS = 120_000

function git (cwd: string, args: readonly string[]): Promise<{ stdout: string; code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', cwd, '--no-pager', ...args], {
      encoding: 'utf8',
      maxBuffer: MAX_OUTPUT_BYTES,
      timeout: TIMEOUT_MS,
      // No prompts (a job has no terminal), and messages in one language we can match.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C' },
    }, (error, stdout, stderr) => {
      if (error === null) return resolve({ stdout, code: 0, stderr })
      const code = (error as { code?: unknown }).code
      if (typeof code === 'number') return resolve({ stdout, code, stderr })
      reject(new GitCommandError(code === 'ENOENT' ? 'The git command is not installed on this machine.' : `git ${args[0] ?? ''} failed: ${error.message}`, { cause: error }))
    })
  })
}

/** The repository containing `path`, or a GitCommandError saying why it is not one. */
export async function openRepository (path: string): Promise<GitRepository> {
  const top = await git(path, ['rev-parse', '--show-toplevel'])
  if (top.code !== 0) throw new GitCommandError(`${path} is not inside a Git working tree (${firstLine(top.stderr)}).`)
  const toplevel = top.stdout.trim()
  const origin = await git(toplevel, ['config', '--get', 'remote.origin.url'])
  const roots = await git(toplevel, ['rev-list', '--max-parents=0', 'HEAD'])
  const rootCommit = roots.code === 0 ? (roots.stdout.split('\n').filter((line) => line !== '').sort()[0] ?? null) : null
  return { toplevel, originUrl: origin.code === 0 && origin.stdout.trim() !== '' ? origin.stdout.trim() : null, rootCommit }
}

/**
 * Commits reachable from HEAD whose author e-mail is `authorEmail` (case-insensitive), oldest
 * first, merges left out; with `since` (YYYY-MM-DD) only those authored on or after that
 * day.
 * git narrows by the e-mail as a fixed string, then each commit is checked exactly (so
 * ann@x.org does not also match joann@x.org).
 */
export async function readCommits (repository: GitRepository, options: { authorEmail: string; since?: string }): Promise<GitCommit[]> {
  const format = [RECORD + '%H', '%P', '%an', '%ae', '%aI', '%ad', '%cn', '%ce', '%B'].join(FIELD)
  const args = ['log', 'HEAD', '--no-merges', '--reverse', '--date=short', `--format=${format}`,
    '--fixed-strings', '--regexp-ignore-case', `--author=${options.authorEmail}`]
  // git's --since looks at the committer date in this machine's zone: ask for a day more,
  // then keep exactly the commits authored on or after the day (in the author's own zone).
  if (options.since !== undefined) args.push(`--since=${new Date(Date.parse(`${options.since}T00:00:00Z`) - 86_400_000).toISOString()}`)
  const result = await git(repository.toplevel, args)
  if (result.code !== 0) {
    // A repository without a commit yet has nothing to import.
    if (/does not have any commits yet|unknown revision or path not in the working tree|bad default revision/.test(result.stderr)) return []
    throw new GitCommandError(`git log failed in ${repository.toplevel}: ${firstLine(result.stderr)}`)
  }
  const wanted = options.authorEmail.toLowerCase()
  return result.stdout.split(RECORD).filter((record) => record.trim() !== '').map(parseCommit)
    .filter((commit) => commit.authorEmail.toLowerCase() === wanted && (options.since === undefined || commit.authorDay >= options.since))
}

function parseCommit (record: string): GitCommit {
  const [sha = '', parents = '', authorName = '', authorEmail = '', authorDate = '', authorDay = '', committerName = '', committerEmail = '', ...message] = record.split(FIELD)
  return {
    sha,
    parentCount: parents.trim() === '' ? 0 : parents.trim().split(' ').length,
    authorName,
    authorEmail,
    authorDate,
    authorDay,
    committerName,
    committerEmail,
    message: message.join(FIELD).trim(),
  }
}

/**
 * Whether `path` lies inside `root` once both are resolved (symbolic links and `..`
 * followed), so a link under the root cannot lead outside it. Both must exist.
 */
export async function isInsideRoot (root: string, path: string): Promise<boolean> {
  const [realRoot, realPath] = await Promise.all([realpath(root), realpath(path)])
  return realPath === realRoot || realPath.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)
}

function firstLine (text: string): string {
  return text.trim().split('\n')[0] ?? ''
}
