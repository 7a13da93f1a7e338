import t from 'tap'
import { symlinkSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { scratchFolder } from '../../helpers/git-repository.ts'
import type { Services } from '../../../src/runtime.ts'
import { widgetsRepository } from './fixtures.ts'

const PASSWORD = 'a long and unusual passphrase 42'

async function staffHeaders (services: Services, app: Awaited<ReturnType<typeof buildTestApp>>) {
  const account = await services.database.db.transaction().execute((trx) => createAccount(trx, { email: `staff-${Date.now()}@example.test`, password: PASSWORD, isStaff: true }))
  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: account.user.email, password: PASSWORD } })
  return { userId: account.user.id, tenantId: account.tenantId, headers: { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services) } }
}

async function finished (services: Services, jobId: string) {
  return eventually(async () => {
    const row = await services.database.db.selectFrom('job').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow()
    return row.status === 'success' || row.status === 'failed' ? row : undefined
  }, 30_000, `job ${jobId}`)
}

t.test('a repository under GIT_IMPORT_ROOT: one draft a day, analysed; importing again adds nothing', async (t) => {
  const root = scratchFolder(t)
  const repo = widgetsRepository(join(root, 'widgets'))
  const services = await startTestServices(t, { worker: true, env: { GIT_IMPORT_ROOT: root } })
  const app = await buildTestApp(t, services)
  const staff = await staffHeaders(services, app)
  const { db } = services.database

  const queued = await app.inject({ method: 'POST', url: '/api/imports/git/', headers: staff.headers, payload: { path: 'widgets', author: 'ALICE@example.test' } })
  t.equal(queued.statusCode, 202, queued.body)
  const first = await finished(services, queued.json().job_id)
  t.equal(first.status, 'success', first.error ?? '')
  t.match(first.result, { repository: 'acme/widgets', commits: 5, days: 3, created: 3, already_imported: 0, skipped_bot_commits: 1, skipped_unfinished_day: 0 })

  const list = await app.inject({ method: 'GET', url: '/api/worklogs/?ordering=occurred_on', headers: staff.headers })
  const logs = list.json().results as Array<Record<string, unknown>>
  const short = (sha: string) => sha.slice(0, 7)
  const [a1, a2] = repo.alice['2026-03-02']
  t.same(logs.map((log) => [log.occurred_on, log.title, log.status, log.source, log.source_ref]), [
    ['2026-03-02', 'widgets: Add CSV export endpoint; Document the export format', 'draft', 'import', `acme/widgets@${short(a1!)}..${short(a2!)}`],
    ['2026-03-03', 'widgets: Cache parsed templates', 'draft', 'import', `acme/widgets@${short(repo.alice['2026-03-03'][0]!)}`],
    ['2026-03-04', 'widgets: Late fix for the importer', 'draft', 'import', `acme/widgets@${short(repo.alice['2026-03-04'][0]!)}`],
  ], "only Alice's commits, no merge, no release bot, each on the author's own day")
  t.equal(logs[0]!.content, `- Add CSV export endpoint (${short(a1!)})\n  Streams rows instead of buffering them.\n- Document the export format (${short(a2!)})`)
  const links = await app.inject({ method: 'GET', url: `/api/worklogs/${logs[0]!.id as string}/links/`, headers: staff.headers })
  // Links written in one statement share their created_at, so the list's order between them is not defined: compare as sets.
  const byKey = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]))
  t.same(links.json().map((l: Record<string, unknown>) => [l.system, l.key, l.url]).sort(byKey), [a1, a2].map((sha) => ['git', sha, `https://github.com/acme/widgets/commit/${sha}`]).sort(byKey))

  // The usual analysis runs, as a child of the import.
  const analyses = await eventually(async () => {
    const rows = await db.selectFrom('job').select(['status', 'parent_job_id']).where('type', '=', 'worklog.analyze').execute()
    return rows.length === 3 && rows.every((r) => r.status === 'success') ? rows : undefined
  }, 30_000, 'the three analyses')
  t.same(analyses.map((r) => r.parent_job_id), [first.id, first.id, first.id])
  const enriched = await app.inject({ method: 'GET', url: '/api/worklogs/?enrichment_status=enriched', headers: staff.headers })
  t.equal(enriched.json().count, 3)
  t.equal(await db.selectFrom('job').select('id').where('type', '=', 'gamification.reward_evaluate').execute().then((r) => r.length), 0, 'drafts queue no reward evaluation')

  const again = await app.inject({ method: 'POST', url: '/api/imports/git/', headers: staff.headers, payload: { path: join(root, 'widgets'), author: 'alice@example.test' } })
  t.match((await finished(services, again.json().job_id)).result, { created: 0, already_imported: 3 })
  // A dismissed draft stays dismissed.
  t.equal((await app.inject({ method: 'DELETE', url: `/api/worklogs/${logs[1]!.id as string}/`, headers: staff.headers })).statusCode, 204)
  const third = await app.inject({ method: 'POST', url: '/api/imports/git/', headers: staff.headers, payload: { path: 'widgets', author: 'alice@example.test' } })
  t.match((await finished(services, third.json().job_id)).result, { created: 0, already_imported: 3 })
  t.equal((await app.inject({ method: 'GET', url: '/api/worklogs/', headers: staff.headers })).json().count, 2)

  const bob = await app.inject({ method: 'POST', url: '/api/imports/git/', headers: staff.headers, payload: { path: 'widgets', author: 'bob@example.test', since: '2026-03-02' } })
  t.match((await finished(services, bob.json().job_id)).result, { commits: 1, created: 1 }, "the other author's commits are a separate import")

  const audit = await db.selectFrom('auth_event').select(['outcome', 'detail']).where('kind', '=', 'git_import_requested').orderBy('id').execute()
  t.same(audit.map((a) => a.outcome), ['success', 'success', 'success', 'success'])
})

t.test('the server reads only under GIT_IMPORT_ROOT, for staff, and the job checks again', async (t) => {
  const root = scratchFolder(t)
  const outside = scratchFolder(t)
  widgetsRepository(join(outside, 'elsewhere'))
  widgetsRepository(join(root, 'widgets'))
  mkdirSync(join(root, 'not-a-repo'))
  symlinkSync(join(outside, 'elsewhere'), join(root, 'sneaky-link'))

  const off = await startTestServices(t)
  const offApp = await buildTestApp(t, off)
  const offStaff = await staffHeaders(off, offApp)
  const disabled = await offApp.inject({ method: 'POST', url: '/api/imports/git/', headers: offStaff.headers, payload: { path: join(root, 'widgets'), author: 'alice@example.test' } })
  t.equal(disabled.statusCode, 403)
  t.match(disabled.json(), { code: 'git_import_disabled', field: 'path', detail: /GIT_IMPORT_ROOT/ })

  const services = await startTestServices(t, { worker: true, env: { GIT_IMPORT_ROOT: root } })
  const app = await buildTestApp(t, services)
  const staff = await staffHeaders(services, app)
  const post = (path: string) => app.inject({ method: 'POST', url: '/api/imports/git/', headers: staff.headers, payload: { path, author: 'alice@example.test' } })
  for (const path of [join(outside, 'elsewhere'), '../', 'sneaky-link']) {
    const refused = await post(path)
    t.equal(refused.statusCode, 403, path)
    t.match(refused.json(), { code: 'path_outside_import_root', field: 'path' }, path)
  }
  t.match((await post('missing')).json(), { status: 400, field: 'path', detail: /there is no folder/ })
  t.match((await post('not-a-repo')).json(), { status: 400, field: 'path', detail: /not inside a Git working tree/ })

  const member = await signUp(app, services)
  const forbidden = await app.inject({ method: 'POST', url: '/api/imports/git/', headers: member.headers, payload: { path: 'widgets', author: 'alice@example.test' } })
  t.equal(forbidden.statusCode, 403, 'members may not read the server\'s disk')
  t.equal(forbidden.json().code, 'forbidden')

  const denials = await services.database.db.selectFrom('auth_event').select(['kind', 'outcome', 'detail']).where('outcome', '=', 'denied').orderBy('id').execute()
  t.same(denials.map((d) => [d.kind, (d.detail as Record<string, unknown>).reason ?? (d.detail as Record<string, unknown>).action]), [
    ['git_import_requested', 'path_outside_import_root'],
    ['git_import_requested', 'path_outside_import_root'],
    ['git_import_requested', 'path_outside_import_root'],
    ['permission_denied', 'system:write'],
  ])

  // A job enqueued some other way (here: straight onto the queue) is held to the same root.
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'ingest.git', tenantId: staff.tenantId, userId: staff.userId, payload: { path: join(outside, 'elsewhere'), author: 'alice@example.test' } })
  const failed = await finished(services, job.id)
  t.same([failed.status, failed.error_code, failed.attempt], ['failed', 'permanent_failure', 1])
  t.match(failed.error, /outside the folder imports may read from/)
})
