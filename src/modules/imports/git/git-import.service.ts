// A Git repository's commits by one author → draft work logs, one per repository and day
// (git-days.ts), in one tenant transaction. Each day's key is claimed first; a day some
// earlier run already imported (even one whose draft was since deleted) adds nothing.
// Shared by the ingest.git job and `afterresume import git`.
import type { Trx } from '../../../platform/db/database.ts'
import type { GitCommit, GitRepository } from '../../../platform/git/git-repository.ts'
import { basename } from 'node:path'
import type { Actor } from '../../worklog/actor.ts'
import { loadUserToday } from '../../gamification/gamification.repository.ts'
import { claimItem, recordItemWorklog } from '../imported-items.repository.ts'
import { writeDraft, type DraftEffects } from '../import-drafts.service.ts'
import { planGitDays, type GitRepositoryInfo } from './git-days.ts'
import { webRepositoryOf } from './git-remote.ts'

export interface GitImportSummary {
  repository: string
  /** Commits by the author that git returned (merges already left out). */
  commits: number
  days: number
  created: number
  already_imported: number
  skipped_bot_commits: number
  /** Commits of today (the person's time zone): imported by a run once the day is over. */
  skipped_unfinished_day: number
  worklog_ids: string[]
}

export function repositoryInfo (repository: GitRepository): GitRepositoryInfo {
  const web = webRepositoryOf(repository.originUrl)
  return { repository: web?.slug ?? basename(repository.toplevel), web, rootCommit: repository.rootCommit }
}

export async function importGitCommits (trx: Trx, actor: Actor, input: {
  repository: GitRepository
  commits: readonly GitCommit[]
  authorEmail: string
  projectId?: string
  now: Date
}, effects: DraftEffects): Promise<GitImportSummary> {
  const info = repositoryInfo(input.repository)
  const { today } = await loadUserToday(trx, actor.userId, input.now)
  const plan = planGitDays(input.commits, info, { authorEmail: input.authorEmail, today })
  const summary: GitImportSummary = {
    repository: info.repository,
    commits: input.commits.length,
    days: plan.drafts.length,
    created: 0,
    already_imported: 0,
    skipped_bot_commits: plan.skipped.bots,
    skipped_unfinished_day: plan.skipped.unfinishedDay,
    worklog_ids: [],
  }
  for (const day of plan.drafts) {
    const claim = { tenantId: actor.tenantId, userId: actor.userId, importKey: day.importKey, source: 'git' as const, repository: info.repository, occurredOn: day.day }
    if (!await claimItem(trx, claim)) {
      summary.already_imported++
      continue
    }
    const worklogId = await writeDraft(trx, actor, {
      occurredOn: day.day,
      title: day.title,
      content: day.content,
      sourceRef: day.sourceRef,
      metadata: { import: { source: 'git', repository: info.repository, commits: [...day.commits] } },
      links: day.links,
      ...(input.projectId !== undefined && { projectId: input.projectId }),
    }, effects)
    await recordItemWorklog(trx, claim, worklogId)
    summary.created++
    summary.worklog_ids.push(worklogId)
  }
  return summary
}
