// `afterresume import git`, as an operator runs it: the real program in a child process
// against a repository the test made with `git init`.
import t from 'tap'
import { isoDay } from '../../src/vocabulary/calendar-day.ts'
import { join } from 'node:path'
import { createAccount } from '../../src/modules/identity/accounts.ts'
import { scratchFolder } from '../helpers/git-repository.ts'
import { runCli } from '../helpers/service-process.ts'
import { startTestServices, TEST_SECRET_KEY } from '../helpers/services.ts'
import { widgetsRepository } from '../workflows/imports/fixtures.ts'

t.test('import git: the author\'s days as drafts in the account named; a second run adds nothing', async (t) => {
  const folder = scratchFolder(t)
  const repo = widgetsRepository(join(folder, 'widgets'))
  const services = await startTestServices(t)
  const { db } = services.database
  const account = await db.transaction().execute((trx) => createAccount(trx, { email: 'Carol@Example.test', password: 'a long and unusual passphrase 42' }))
  const env = { NODE_ENV: 'test', DATABASE_URL: services.url, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', DATA_DIR: services.config.dataDir }
  const args = ['import', 'git', repo.dir, '--user', 'carol@example.test', '--author', 'alice@example.test']

  const first = await runCli(args, env)
  t.equal(first.code, 0, first.stderr)
  t.match(JSON.parse(first.stdout), { repository: 'acme/widgets', commits: 5, days: 3, created: 3, already_imported: 0, skipped_bot_commits: 1 })
  const second = await runCli(args, env)
  t.equal(second.code, 0, second.stderr)
  t.match(JSON.parse(second.stdout), { created: 0, already_imported: 3, worklog_ids: [] })

  const drafts = await db.selectFrom('worklog').select(['occurred_on', 'status', 'source', 'user_id', 'tenant_id']).orderBy('occurred_on').execute()
  t.same(drafts.map((d) => [isoDay(d.occurred_on), d.status, d.source, d.user_id, d.tenant_id]), [
    ['2026-03-02', 'draft', 'import', account.user.id, account.tenantId],
    ['2026-03-03', 'draft', 'import', account.user.id, account.tenantId],
    ['2026-03-04', 'draft', 'import', account.user.id, account.tenantId],
  ])
  const analyses = await db.selectFrom('job').select(['type', 'trigger', 'status']).where('type', '=', 'worklog.analyze').execute()
  t.same(analyses, Array.from({ length: 3 }, () => ({ type: 'worklog.analyze', trigger: 'system', status: 'queued' })), 'queued for the worker, as a save would')

  const since = await runCli([...args.slice(0, 3), '--user', 'carol@example.test', '--author', 'bob@example.test', '--since', '2026-03-03'], env)
  t.match(JSON.parse(since.stdout), { commits: 0, created: 0 }, "Bob's one commit is before --since")

  const [usage, notRepo] = await Promise.all([
    runCli(['import', 'git', repo.dir, '--user', 'nobody@example.test', '--author', 'alice@example.test'], env),
    runCli(['import', 'git', folder, '--user', 'carol@example.test', '--author', 'alice@example.test'], env),
  ])
  t.same([usage.code, usage.stderr], [2, 'afterresume: --user: no active account nobody@example.test with an active membership.\n'])
  t.equal(notRepo.code, 2)
  t.match(notRepo.stderr, /is not inside a Git working tree/)
})
