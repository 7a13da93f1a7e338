// Git repositories made by a test with the real `git` command: every author, committer
// and date is set through the environment, so each commit (and so its hash) is the same
// on every run.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Teardown { teardown(fn: () => unknown): void }

export interface Person { name: string; email: string }

export interface CommitSpec {
  author: Person
  /** Who committed it, when not the author (a bot committing for someone). */
  committer?: Person
  /** ISO 8601 with offset, e.g. 2026-03-02T09:00:00+01:00. */
  date: string
  message: string
  /** A file this commit writes (default: one per commit). */
  file?: string
}

export interface TestRepository {
  dir: string
  /** Run git in the repository with a fixed environment; returns stdout trimmed. */
  git(args: string[], env?: Record<string, string>): string
  commit(spec: CommitSpec): string
  /** A merge commit of `branch` into the current branch, made by `author` at `date`. */
  merge(branch: string, author: Person, date: string): string
}

/** A fresh folder (removed at teardown) to hold repositories. */
export function scratchFolder (t: Teardown, prefix = 'afterresume-git-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function createRepository (dir: string, options: { origin?: string } = {}): TestRepository {
  let counter = 0
  const git = (args: string[], env: Record<string, string> = {}): string => execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', ...env },
  }).trim()
  const identity = (author: Person, committer: Person, date: string): Record<string, string> => ({
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: date,
  })
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir], { env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' } })
  if (options.origin !== undefined) git(['remote', 'add', 'origin', options.origin])
  return {
    dir,
    git,
    commit (spec) {
      counter++
      writeFileSync(join(dir, spec.file ?? `change-${counter}.txt`), `${spec.message}\n${counter}\n`)
      git(['add', '--all'])
      git(['commit', '--quiet', '--no-gpg-sign', '--message', spec.message], identity(spec.author, spec.committer ?? spec.author, spec.date))
      return git(['rev-parse', 'HEAD'])
    },
    merge (branch, author, date) {
      git(['merge', '--quiet', '--no-ff', '--no-gpg-sign', '--message', `Merge branch '${branch}'`, branch], identity(author, author, date))
      return git(['rev-parse', 'HEAD'])
    },
  }
}
