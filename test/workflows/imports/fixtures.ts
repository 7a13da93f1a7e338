// The repository the Git import tests read: commits by two people over three days, with
// a merge, a commit made by automation and one authored late in the evening west of UTC.
import { createRepository, type Person } from '../../helpers/git-repository.ts'

export const ALICE: Person = { name: 'Alice Example', email: 'alice@example.test' }
export const BOB: Person = { name: 'Bob Example', email: 'bob@example.test' }
const RELEASE_BOT: Person = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }

export interface WidgetsRepository {
  dir: string
  /** Alice's commits that become drafts, by day. */
  alice: { '2026-03-02': string[]; '2026-03-03': string[]; '2026-03-04': string[] }
  bob: string[]
  merge: string
  botCommit: string
}

export function widgetsRepository (dir: string): WidgetsRepository {
  const repo = createRepository(dir, { origin: 'https://github.com/acme/widgets.git' })
  const a1 = repo.commit({ author: ALICE, date: '2026-03-02T09:00:00+01:00', message: 'Add CSV export endpoint\n\nStreams rows instead of buffering them.\n\nSigned-off-by: Alice Example <alice@example.test>' })
  const b1 = repo.commit({ author: BOB, date: '2026-03-02T11:30:00+01:00', message: 'Fix flaky date test' })
  const a2 = repo.commit({ author: ALICE, date: '2026-03-02T16:00:00+01:00', message: 'Document the export format' })
  repo.git(['checkout', '--quiet', '-b', 'templates'])
  const a3 = repo.commit({ author: ALICE, date: '2026-03-03T10:00:00+01:00', message: 'Cache parsed templates' })
  repo.git(['checkout', '--quiet', 'main'])
  const bot = repo.commit({ author: ALICE, committer: RELEASE_BOT, date: '2026-03-03T12:00:00+01:00', message: 'Release 1.2.0' })
  const merge = repo.merge('templates', ALICE, '2026-03-03T15:00:00+01:00')
  // 23:30 in New York is already 2026-03-05 in UTC; the author's day is the 4th.
  const a4 = repo.commit({ author: ALICE, date: '2026-03-04T23:30:00-05:00', message: 'Late fix for the importer' })
  return { dir, alice: { '2026-03-02': [a1, a2], '2026-03-03': [a3], '2026-03-04': [a4] }, bob: [b1], merge, botCommit: bot }
}
