import t from 'tap'
import { isBotCommit, planGitDays } from '../../../src/modules/imports/git/git-days.ts'
import { webRepositoryOf } from '../../../src/modules/imports/git/git-remote.ts'
import type { GitCommit } from '../../../src/platform/git/git-repository.ts'

const alice = { authorName: 'Alice', authorEmail: 'alice@example.test', committerName: 'Alice', committerEmail: 'alice@example.test' }

function commit (sha: string, day: string, message: string, who: Partial<GitCommit> = {}): GitCommit {
  return { sha: sha.repeat(40).slice(0, 40), parentCount: 1, authorDate: `${day}T10:00:00+01:00`, authorDay: day, message, ...alice, ...who }
}

t.test('the web home of a remote, credentials dropped', async (t) => {
  t.same(webRepositoryOf('https://github.com/Acme/Widgets.git'), { slug: 'acme/widgets', webUrl: 'https://github.com/Acme/Widgets' })
  t.same(webRepositoryOf('git@github.com:acme/widgets.git'), { slug: 'acme/widgets', webUrl: 'https://github.com/acme/widgets' })
  t.same(webRepositoryOf('ssh://git@gitlab.example:2222/group/sub/tool.git'), { slug: 'sub/tool', webUrl: 'https://gitlab.example/group/sub/tool' })
  t.same(webRepositoryOf('https://alice:ghp_secret@github.com/acme/widgets'), { slug: 'acme/widgets', webUrl: 'https://github.com/acme/widgets' }, 'no token in the link')
  t.equal(webRepositoryOf('/srv/git/widgets.git'), undefined, 'a path on disk has no web page')
  t.equal(webRepositoryOf('file:///srv/git/widgets.git'), undefined)
  t.equal(webRepositoryOf(null), undefined)
})

t.test('automation is recognised by author or committer', async (t) => {
  t.equal(isBotCommit({ ...alice, authorName: 'dependabot[bot]', authorEmail: '49699333+dependabot[bot]@users.noreply.github.com' }), true)
  t.equal(isBotCommit({ ...alice, committerName: 'github-actions[bot]', committerEmail: '41898282+github-actions[bot]@users.noreply.github.com' }), true)
  t.equal(isBotCommit({ ...alice, authorName: 'Renovate Bot' }), true)
  t.equal(isBotCommit({ ...alice, authorName: 'Abbot Costello' }), false, 'a person whose name contains "bot"')
  t.equal(isBotCommit(alice), false)
})

t.test("a day's commits become one draft; today waits; bots are left out", async (t) => {
  const info = { repository: 'acme/widgets', web: { slug: 'acme/widgets', webUrl: 'https://github.com/acme/widgets' }, rootCommit: 'r00t' }
  const plan = planGitDays([
    commit('a', '2026-03-02', 'Add CSV export endpoint\n\nStreams rows instead of buffering them.\n\nSigned-off-by: Alice <alice@example.test>'),
    commit('b', '2026-03-02', 'Document the export format'),
    commit('c', '2026-03-02', 'Fix the header row'),
    commit('d', '2026-03-03', 'Bump version', { committerName: 'github-actions[bot]' }),
    commit('e', '2026-03-04', 'Late fix for the importer'),
    commit('f', '2026-03-05', 'Work in progress'),
  ], info, { authorEmail: 'Alice@Example.test', today: '2026-03-05' })
  t.same(plan.skipped, { bots: 1, unfinishedDay: 1 })
  t.same(plan.drafts.map((d) => d.day), ['2026-03-02', '2026-03-04'])
  const [first] = plan.drafts
  t.same(first, {
    day: '2026-03-02',
    importKey: 'git:r00t:alice@example.test:2026-03-02',
    title: 'widgets: Add CSV export endpoint; Document the export format (+1 more)',
    content: [
      '- Add CSV export endpoint (aaaaaaa)',
      '  Streams rows instead of buffering them.',
      '- Document the export format (bbbbbbb)',
      '- Fix the header row (ccccccc)',
    ].join('\n'),
    sourceRef: 'acme/widgets@aaaaaaa..ccccccc',
    links: ['a', 'b', 'c'].map((s, i) => ({
      system: 'git',
      key: s.repeat(40),
      url: `https://github.com/acme/widgets/commit/${s.repeat(40)}`,
      title: ['Add CSV export endpoint', 'Document the export format', 'Fix the header row'][i],
    })),
    commits: ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)],
  })
  t.same(plan.drafts[1]!.sourceRef, 'acme/widgets@eeeeeee', 'one commit: one hash')

  const local = planGitDays([commit('a', '2026-03-02', 'Initial import')], { repository: 'tools', web: undefined, rootCommit: null }, { authorEmail: 'alice@example.test', today: '2026-04-01' })
  t.same(local.drafts.map((d) => [d.importKey, d.title, d.links]), [['git:tools:alice@example.test:2026-03-02', 'tools: Initial import', []]], 'no web remote: no links, the folder name as repository')
})
