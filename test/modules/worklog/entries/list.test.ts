import t from 'tap'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { buildApp } from '../../../../src/app.ts'
import type { Database } from '../../../../src/platform/db/database.ts'
import { appRoleUrl } from '../../../../src/platform/db/roles.ts'
import { readinessChecks } from '../../../../src/runtime.ts'
import { COUNT_AHEAD } from '../../../../src/modules/worklog/entries/worklog.repository.ts'
import { client, hierarchy, setup } from '../fixtures.ts'

t.test('work log list: filters, full-text search, ordering, pagination, and 50 rows in four statements', async (t) => {
  const { services, user, call } = await setup(t)
  const acme = await hierarchy(call)
  const globex = await hierarchy(call, 'Globex')

  // 50 entries with every relation filled (via the task), plus a few distinctive ones.
  const worklogs = Array.from({ length: 50 }, (_, i) => ({
    occurred_on: `2025-02-${String((i % 28) + 1).padStart(2, '0')}`,
    title: `Routine ${i}`,
    content: 'Reviewed pull requests and paired with the team',
    task_id: acme.task,
    sprint_id: acme.sprint,
    effort_minutes: 30 + i,
  }))
  const seeded = await call('POST', '/api/worklogs/import/', { worklogs })
  t.equal(seeded.status, 201, seeded.text)
  const special = [
    { occurred_on: '2025-03-03', title: 'Database migration', content: 'Migrated billing to PostgreSQL with zero downtime', outcome: 'Cut query latency by 40%', project_id: globex.project, work_type: 'delivery', status: 'final', tags: ['postgres', 'billing'], is_billable: true },
    { occurred_on: '2025-03-04', title: 'Outage', content: 'Paged at night: the queue stalled; restarted workers and added a missing index', impact: 'Restored checkout for all customers', project_id: globex.project, work_type: 'incident', status: 'ready', tags: ['oncall'], enrichment_status: 'enriched' },
    { occurred_on: '2025-03-05', title: 'Read about indexes', content: 'Studied PostgreSQL GIN indexes for search', client_id: globex.client, work_type: 'learning', tags: ['postgres'] },
  ]
  for (const body of special) t.equal((await call('POST', '/api/worklogs/', body)).status, 201)

  const list = async (query: string) => {
    const reply = await call('GET', `/api/worklogs/?${query}`)
    t.equal(reply.status, 200, `${query}: ${reply.status}`)
    return reply.body as { count: number; next: string | null; previous: string | null; results: Array<{ title: string; rank?: number; client: { name: string } | null; occurred_on: string }> }
  }
  const titles = (page: { results: Array<{ title: string }> }) => page.results.map((r) => r.title)

  t.test('filters', async (t) => {
    t.equal((await list('page_size=1')).count, 53)
    t.equal((await list('date_from=2025-03-01')).count, 3)
    t.equal((await list('date_from=2025-02-01&date_to=2025-02-02')).count, 4)
    t.equal((await list(`client_id=${globex.client}`)).count, 3)
    t.equal((await list(`project_id=${globex.project}`)).count, 2)
    t.equal((await list(`epic_id=${acme.epic}`)).count, 50)
    t.equal((await list(`feature_id=${acme.feature}`)).count, 50)
    t.equal((await list(`story_id=${acme.story}`)).count, 50)
    t.equal((await list(`task_id=${acme.task}`)).count, 50)
    t.equal((await list(`sprint_id=${acme.sprint}`)).count, 50)
    t.same(titles(await list('status=final')), ['Database migration'])
    t.same(titles(await list('work_type=incident')), ['Outage'])
    t.same(titles(await list('enrichment_status=enriched')), ['Outage'])
    t.same(titles(await list('tag=postgres')).sort(), ['Database migration', 'Read about indexes'])
    t.same(titles(await list('is_billable=true')), ['Database migration'])
    t.same(titles(await list(`user_id=${user.id}&tag=oncall`)), ['Outage'])
    const bad = await call('GET', '/api/worklogs/?work_type=coding')
    t.equal(bad.status, 400)
    t.equal(bad.body.field, 'query.work_type')
    t.equal((await call('GET', '/api/worklogs/?colour=red')).body.field, 'query.colour')
  })

  t.test('full-text search over title, content, outcome and impact, ranked', async (t) => {
    const postgres = await list('search=postgresql')
    t.same(titles(postgres).sort(), ['Database migration', 'Read about indexes'])
    const index = await list('search=index')
    t.same(titles(index), ['Read about indexes', 'Outage'], 'a title hit ranks above a content-only hit')
    t.ok(index.results[0]!.rank! > index.results[1]!.rank!)
    t.same(titles(await list('search=latency')), ['Database migration'], 'outcome is searched')
    t.same(titles(await list('search=customers')), ['Outage'], 'impact is searched (stemmed)')
    t.same(titles(await list('search=restarted worker')), ['Outage'], 'stemming: worker matches workers')
    t.same(titles(await list('search=postgresql -billing')), ['Read about indexes'], 'web-search syntax')
    t.same(titles(await list('search=postgresql&ordering=occurred_on')), ['Database migration', 'Read about indexes'])
    t.equal((await list('search=kubernetes')).count, 0)
  })

  t.test('ordering and pagination with next/previous links', async (t) => {
    const newest = await list('page_size=2')
    t.same(newest.results.map((r) => r.occurred_on), ['2025-03-05', '2025-03-04'], 'newest first by default')
    const oldest = await list('ordering=occurred_on&page_size=1')
    t.equal(oldest.results[0]!.occurred_on, '2025-02-01')
    const longest = await call('GET', '/api/worklogs/?ordering=-effort_minutes&page_size=1')
    t.equal(longest.body.results[0].effort_minutes, 79)

    const first = await list('page_size=20&ordering=title')
    t.equal(first.count, 53)
    t.equal(first.results.length, 20)
    t.equal(first.previous, null)
    t.match(first.next, /page=2/)
    t.match(first.next, /ordering=title/, 'links keep the other parameters')
    const third = await list('page_size=20&ordering=title&page=3')
    t.equal(third.results.length, 13)
    t.equal(third.next, null)
    t.match(third.previous, /page=2/)
    const seen = new Set([...(await list('page_size=20&ordering=title&page=1')).results, ...(await list('page_size=20&ordering=title&page=2')).results, ...third.results].map((r) => r.title))
    t.equal(seen.size, 53, 'pages neither overlap nor skip')
    const beyond = await list('page_size=20&page=9')
    t.equal(beyond.count, 53, 'a page past the end still reports the total')
    t.same(beyond.results, [])
    t.equal((await call('GET', '/api/worklogs/?page_size=500')).body.field, 'query.page_size')
  })

  t.test('a page of 50 entries with their relations takes four data statements, however many rows', async (t) => {
    const statements: string[] = []
    const pool = new pg.Pool({ connectionString: appRoleUrl(services.config.databaseUrl!, services.config.secretKey), max: 2 })
    const counted = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => { if (event.level === 'query') statements.push(event.query.sql) },
    })
    t.teardown(() => counted.destroy())
    const app = await buildApp({
      config: services.config,
      db: services.database.db,
      tenantDb: counted,
      jobs: services.jobs,
      events: services.events,
      schedules: services.schedules,
      storage: services.storage,
      logger: services.logger,
      readiness: readinessChecks(services),
    })
    t.teardown(() => app.close())
    const counting = client(app, user)
    statements.length = 0
    const page = await counting('GET', `/api/worklogs/?task_id=${acme.task}&page_size=50`)
    t.equal(page.status, 200)
    t.equal(page.body.results.length, 50)
    t.ok(page.body.results.every((r: { client: unknown; project: unknown; epic: unknown; feature: unknown; story: unknown; task: unknown; sprint: unknown }) =>
      r.client !== null && r.project !== null && r.epic !== null && r.feature !== null && r.story !== null && r.task !== null && r.sprint !== null), 'every relation is there')
    const data = statements.filter((s) => !/^(begin|commit|rollback)/i.test(s.trim()))
    t.comment(`statements: ${statements.map((s) => s.slice(0, 60)).join(' | ')}`)
    // set_config, the page's ids, their rows with relations, and the total (the page is
    // full, so more may follow and the total must be counted). Never one per row.
    t.equal(data.length, 4, `${data.length} data statements`)
    t.equal(statements.length, 6, 'and BEGIN + COMMIT around them')
  })

  t.test('a tenant with more entries than are counted ahead: the total is a marked lower bound and paging goes on', async (t) => {
    // 53 entries so far; 1,100 more written directly (the API would take minutes).
    await services.database.db.insertInto('worklog').values(Array.from({ length: 1100 }, (_, i) => ({
      tenant_id: user.tenantId, user_id: user.id, occurred_on: new Date(Date.UTC(2024, 0, 1 + (i % 300))).toISOString().slice(0, 10), content: `Bulk entry ${i}`,
    }))).execute()
    const first = await call('GET', '/api/worklogs/?page_size=1')
    t.equal(first.status, 200)
    t.equal(first.body.count, 1 + COUNT_AHEAD, 'counted 1,000 past the one-entry page, no further')
    t.equal(first.body.count_capped, true)
    t.equal(first.body.next, '/api/worklogs/?page_size=1&page=2')
    // Near the end the rest is within reach: exact again, and unmarked.
    const last = await call('GET', '/api/worklogs/?page_size=100&page=12')
    t.equal(last.body.count, 1153)
    t.equal(last.body.results.length, 53)
    t.notOk('count_capped' in last.body, 'an exact total carries no mark')
    t.equal(last.body.next, null)
    const tail = await call('GET', '/api/worklogs/?page_size=100&page=3')
    t.equal(tail.body.count, 1153, 'a full page whose remainder is under the cap is counted exactly')
    t.notOk('count_capped' in tail.body)
  })
})
