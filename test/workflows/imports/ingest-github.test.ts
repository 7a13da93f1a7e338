import t from 'tap'
import { isoDay } from '../../../src/vocabulary/calendar-day.ts'
import { githubTokenBox } from '../../../src/modules/imports/github/connection.service.ts'
import { importGitCommits } from '../../../src/modules/imports/git/git-import.service.ts'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { signUp } from '../../helpers/auth.ts'
import { startGitHubStandIn, type StandInItem } from '../../helpers/github-server.ts'
import { buildTestApp, eventually, startTestServices, TEST_SECRET_KEY } from '../../helpers/services.ts'
import type { Services } from '../../../src/runtime.ts'

const TOKEN = 'ghp_alices_token_0123456789'

function pr (repository: string, number: number, mergedAt: string, extra: Partial<StandInItem> = {}): StandInItem {
  return { kind: 'pull_request', repository, number, title: `Pull request ${number}`, body: `What pull request ${number} changed, and why.`, author: 'alice-gh', closedAt: mergedAt, mergedAt, ...extra }
}

async function settled (services: Services, jobId: string) {
  return eventually(async () => {
    const row = await services.database.db.selectFrom('job').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow()
    return row.status === 'success' || row.status === 'failed' ? row : undefined
  }, 30_000, `job ${jobId}`)
}

t.test('connect, look, replace and disconnect: the token is checked, sealed and never shown', async (t) => {
  const github = await startGitHubStandIn(t)
  github.tokens.set(TOKEN, 'alice-gh')
  github.tokens.set('ghp_second_token', 'alice-gh')
  const services = await startTestServices(t, { env: { GITHUB_API_BASE: github.baseUrl } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const { db } = services.database
  await db.updateTable('user_profile').set({ time_zone: 'Europe/Berlin' }).where('user_id', '=', alice.id).execute()
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => app.inject({ method, url, headers: alice.headers, ...(payload !== undefined && { payload }) })

  t.match((await call('GET', '/api/connections/github/')).json(), { status: 404, detail: 'GitHub connection was not found.' })
  t.match((await call('POST', '/api/connections/github/sync/')).json(), { status: 404 }, 'nothing to sync before connecting')
  const refused = await call('POST', '/api/connections/github/', { token: 'ghp_wrong' })
  t.equal(refused.statusCode, 422)
  t.match(refused.json(), { code: 'github_token_refused', field: 'token' })

  const connected = await call('POST', '/api/connections/github/', { token: TOKEN, since: '2026-03-01' })
  t.equal(connected.statusCode, 201, connected.body)
  const view = connected.json()
  t.match(view, { login: 'alice-gh', cursor: '2026-03-01T00:00:00.000Z', last_run_at: null, last_error: null, schedule: { cron: '0 0 * * *', timezone: 'Europe/Berlin', enabled: true } })
  t.notOk(connected.body.includes(TOKEN), 'the token is not in the answer')
  t.same(Object.keys(view).sort(), ['created_at', 'cursor', 'id', 'last_error', 'last_run_at', 'login', 'schedule', 'updated_at'])

  const row = await db.selectFrom('github_connection').selectAll().where('id', '=', view.id).executeTakeFirstOrThrow()
  t.equal(row.token_ciphertext.includes(Buffer.from(TOKEN)), false, 'stored sealed')
  t.equal(githubTokenBox(TEST_SECRET_KEY).open(row.token_ciphertext, `github_connection:${alice.tenantId}:${alice.id}:${view.id}`), TOKEN, 'and opens with the key derived from SECRET_KEY')
  const schedule = await db.selectFrom('schedule').selectAll().where('id', '=', view.schedule.id).executeTakeFirstOrThrow()
  t.same([schedule.job_type, schedule.payload, schedule.tenant_id, schedule.user_id], ['ingest.github', { connection_id: view.id }, alice.tenantId, alice.id])

  const looked = await call('GET', '/api/connections/github/')
  t.same(looked.json(), view)
  const sync = await call('POST', '/api/connections/github/sync/')
  t.equal(sync.statusCode, 202)
  t.match(await db.selectFrom('job').selectAll().where('id', '=', sync.json().job_id).executeTakeFirstOrThrow(), { type: 'ingest.github', payload: { connection_id: view.id }, trigger: 'api' })

  const replaced = await call('POST', '/api/connections/github/', { token: 'ghp_second_token', cron: '30 7 * * 1-5' })
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { id: view.id, cursor: '2026-03-01T00:00:00.000Z', schedule: { id: view.schedule.id, cron: '30 7 * * 1-5', timezone: 'Europe/Berlin' } }, 'same connection and cursor, new token and time')

  // A connection whose schedule was deleted gets a new one when connected again.
  await services.schedules.remove(view.schedule.id)
  const rescheduled = await call('POST', '/api/connections/github/', { token: 'ghp_second_token' })
  t.equal(rescheduled.statusCode, 200)
  t.match(rescheduled.json(), { id: view.id, schedule: { cron: '0 0 * * *', timezone: 'Europe/Berlin', enabled: true } })
  t.not(rescheduled.json().schedule.id, view.schedule.id)
  t.equal((await call('GET', '/api/connections/github/')).json().schedule.id, rescheduled.json().schedule.id)

  t.equal((await call('DELETE', '/api/connections/github/')).statusCode, 204)
  t.equal((await call('GET', '/api/connections/github/')).statusCode, 404)
  t.equal((await call('DELETE', '/api/connections/github/')).statusCode, 404)
  t.same(await db.selectFrom('github_connection').select('id').execute(), [], 'the sealed token is gone')
  t.same(await db.selectFrom('schedule').select('id').where('job_type', '=', 'ingest.github').execute(), [], 'and so is the schedule')

  const audit = await db.selectFrom('auth_event').select(['kind', 'outcome', 'detail']).where('kind', 'in', ['github_connected', 'github_disconnected']).orderBy('id').execute()
  t.same(audit.map((a) => [a.kind, a.outcome, (a.detail as Record<string, unknown>).replaced ?? null]), [
    ['github_connected', 'failure', null],
    ['github_connected', 'success', false],
    ['github_connected', 'success', true],
    ['github_connected', 'success', true],
    ['github_disconnected', 'success', null],
  ])
  t.notOk(JSON.stringify(audit).includes('ghp_'), 'no token in the audit log')
})

t.test('two scheduled runs import each item once, join the day of commits, and wait out a 403 rate limit', async (t) => {
  const github = await startGitHubStandIn(t)
  github.tokens.set(TOKEN, 'alice-gh')
  const services = await startTestServices(t, { worker: true, env: { GITHUB_API_BASE: github.baseUrl, WORKLOG_AUTO_ANALYZE: 'false' } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const { db, tenantDb } = services.database
  await db.updateTable('user_profile').set({ time_zone: 'Europe/Berlin' }).where('user_id', '=', alice.id).execute()
  const actor = { tenantId: alice.tenantId, userId: alice.id }

  // A day of Alice's commits in acme/widgets, imported from Git …
  const gitDay = await withTenant(tenantDb, alice.tenantId, (trx) => importGitCommits(trx, actor, {
    repository: { toplevel: '/src/widgets', originUrl: 'git@github.com:acme/widgets.git', rootCommit: 'f'.repeat(40) },
    commits: [{ sha: 'a'.repeat(40), parentCount: 1, authorName: 'Alice', authorEmail: 'alice@example.test', authorDate: '2026-03-02T09:00:00+01:00', authorDay: '2026-03-02', committerName: 'Alice', committerEmail: 'alice@example.test', message: 'Add CSV export endpoint' }],
    authorEmail: 'alice@example.test',
    now: new Date('2026-03-10T12:00:00Z'),
  }, {}))
  // … and a work log she wrote herself, linking to a pull request.
  const manual = await app.inject({ method: 'POST', url: '/api/worklogs/', headers: alice.headers, payload: { occurred_on: '2026-03-05', content: 'Shipped the gadget pricing page with Bea.' } })
  await app.inject({ method: 'POST', url: `/api/worklogs/${manual.json().id as string}/links/`, headers: alice.headers, payload: { system: 'github', url: 'https://github.example/acme/gadgets/pull/9' } })

  github.items.push(
    pr('acme/widgets', 7, '2026-03-02T15:00:00Z', { title: 'CSV export' }),
    pr('acme/gadgets', 9, '2026-03-05T10:00:00Z'),
    pr('acme/widgets', 11, '2026-03-04T22:30:00Z', { body: null, title: 'Speed up the importer' }),
    { kind: 'issue', repository: 'acme/widgets', number: 12, title: 'Exports time out', body: 'Large tenants see timeouts when exporting.', author: 'alice-gh', closedAt: '2026-03-05T23:30:00Z', stateReason: 'completed' },
    { kind: 'issue', repository: 'acme/widgets', number: 14, title: 'Won\'t fix', body: 'x', author: 'alice-gh', closedAt: '2026-03-05T12:00:00Z', stateReason: 'not_planned' },
    pr('acme/widgets', 13, '2026-03-03T12:00:00Z', { mergedAt: null }),
    pr('acme/widgets', 20, '2026-03-03T12:00:00Z', { author: 'bob-gh' }),
    // Merged an hour ago: the next run reads it again (the cursor's overlap) and must not import it twice.
    pr('acme/widgets', 16, new Date(Date.now() - 3_600_000).toISOString(), { title: 'Recent fix' })
  )
  const connected = await app.inject({ method: 'POST', url: '/api/connections/github/', headers: alice.headers, payload: { token: TOKEN, since: '2026-03-01' } })
  const connection = connected.json()
  const fire = async (firing: string) => {
    const jobId = await services.schedules.fire(connection.schedule.id, firing)
    if (jobId === undefined) throw new Error('the schedule did not fire')
    return jobId
  }

  const firstRun = await settled(services, await fire('firing-1'))
  t.equal(firstRun.status, 'success', firstRun.error ?? '')
  t.same(firstRun.result, { created: 3, linked: 2, already_imported: 0, searched: 5 })
  t.match(firstRun, { trigger: 'schedule', attempt: 1 })
  t.same(github.searches.map((s) => s.q), [
    'is:pr author:alice-gh is:merged merged:>=2026-02-28T00:00:00Z',
    'is:issue author:alice-gh is:closed reason:completed closed:>=2026-02-28T00:00:00Z',
  ], 'from the cursor, a day early for the search index')
  t.ok(github.searches.every((s) => s.authorization === `token ${TOKEN}`), 'the stored token is what GitHub receives')

  const imported = async () => db.selectFrom('worklog').select(['id', 'occurred_on', 'title', 'content', 'status', 'source', 'source_ref'])
    .where('tenant_id', '=', alice.tenantId).where('source_ref', 'like', 'github:%').orderBy('source_ref').execute()
  t.same((await imported()).filter((w) => w.source_ref !== 'github:acme/widgets#16').map((w) => [w.source_ref, isoDay(w.occurred_on), w.title, w.content, w.status, w.source]), [
    ['github:acme/widgets#11', '2026-03-04', 'Speed up the importer', 'Merged pull request acme/widgets#11: Speed up the importer', 'draft', 'import'],
    ['github:acme/widgets#12', '2026-03-06', 'Exports time out', 'Large tenants see timeouts when exporting.', 'draft', 'import'],
  ], 'days in her time zone (Berlin): 22:30 and 23:30 UTC are the next day there')
  const cursor = (await app.inject({ method: 'GET', url: '/api/connections/github/', headers: alice.headers })).json().cursor as string
  t.ok(Date.parse(cursor) > Date.parse('2026-03-01T00:00:00Z'), 'the cursor moved on')
  github.searches.length = 0
  const gitDayLinks = await db.selectFrom('worklog_external_link').select(['system', 'key', 'url']).where('worklog_id', '=', gitDay.worklog_ids[0]!).orderBy('created_at').execute()
  t.same(gitDayLinks.map((l) => [l.system, l.key]), [['git', 'a'.repeat(40)], ['github', 'acme/widgets#7']], 'pull request 7 joined the day of commits it belongs to')
  const manualLinks = await db.selectFrom('worklog_external_link').select('url').where('worklog_id', '=', manual.json().id).execute()
  t.equal(manualLinks.length, 1, 'the hand-written work log already linked pull request 9: nothing added')

  // Before the second run: one more merged pull request, and GitHub's limit is used up.
  github.items.push(pr('acme/widgets', 15, new Date().toISOString(), { title: 'Retry exports' }))
  const reset = Math.ceil(Date.now() / 1000) + 4
  github.rateLimitNextSearch({ 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })
  const secondId = await fire('firing-2')
  const waiting = await eventually(async () => {
    const row = await db.selectFrom('job').selectAll().where('id', '=', secondId).executeTakeFirstOrThrow()
    return row.retry_count === 1 ? row : undefined
  }, 15_000, 'the rate-limited attempt')
  t.match(waiting, { error_code: 'retry_later', error: new RegExp(`until ${new Date(reset * 1000).toISOString()}`) })
  t.equal(waiting.scheduled_for?.toISOString(), new Date(reset * 1000).toISOString(), 'the retry waits for GitHub\'s reset time, not the backoff')
  const retryEvent = await db.selectFrom('event').select('data').where('job_id', '=', secondId).where('message', 'like', 'retry 1 of%').executeTakeFirstOrThrow()
  t.match(retryEvent.data, { error_code: 'retry_later', scheduled_for: new Date(reset * 1000).toISOString() })
  t.match((await app.inject({ method: 'GET', url: '/api/connections/github/', headers: alice.headers })).json(), { last_error: /Rate limited by GitHub until/ })

  const secondRun = await settled(services, secondId)
  t.equal(secondRun.status, 'success', secondRun.error ?? '')
  t.same(secondRun.result, { created: 1, linked: 0, already_imported: 1, searched: 2 }, 'only the new pull request; the one read again is skipped')
  const since = new Date(Date.parse(cursor) - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  t.same(github.searches.map((s) => s.q), [
    `is:pr author:alice-gh is:merged merged:>=${since}`,
    `is:pr author:alice-gh is:merged merged:>=${since}`,
    `is:issue author:alice-gh is:closed reason:completed closed:>=${since}`,
  ], 'the limited search, then the retry from the same cursor')
  t.equal(secondRun.attempt, 2)
  t.ok(secondRun.started_at!.getTime() >= reset * 1000, 'not started before the reset')
  t.same((await imported()).map((w) => w.source_ref), ['github:acme/widgets#11', 'github:acme/widgets#12', 'github:acme/widgets#15', 'github:acme/widgets#16'], 'each pull request and issue once')
  const keys = await db.selectFrom('imported_item').select('import_key').where('source', '=', 'github').orderBy('import_key').execute()
  t.same(keys.map((k) => k.import_key), ['github:acme/gadgets#9', 'github:acme/widgets#11', 'github:acme/widgets#12', 'github:acme/widgets#15', 'github:acme/widgets#16', 'github:acme/widgets#7'])
  const after = (await app.inject({ method: 'GET', url: '/api/connections/github/', headers: alice.headers })).json()
  t.equal(after.last_error, null)
  t.equal(after.cursor, after.last_run_at, 'the cursor moved to where the finished run began')
  t.ok(Date.parse(after.cursor) >= reset * 1000)
})
