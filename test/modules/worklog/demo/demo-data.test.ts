import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { buildTestApp, startTestServices, TEST_SECRET_KEY } from '../../../helpers/services.ts'
import { serviceHeader } from '../../../helpers/auth.ts'
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemoData } from '../../../../src/modules/worklog/demo/demo-data.ts'
import { isoDay } from '../../../../src/vocabulary/calendar-day.ts'
import { assertPasswordPolicy, verifyPassword } from '../../../../src/modules/identity/passwords.ts'
import type { Db } from '../../../../src/platform/db/database.ts'

// A Wednesday, built from local parts the way the CLI's `new Date()` is read (isoDay).
const TODAY = new Date(2025, 5, 18, 9, 30)
const TODAY_ISO = '2025-06-18'
const DAY_MS = 86_400_000

function daysBefore (iso: string): number {
  return (Date.parse(`${TODAY_ISO}T00:00:00Z`) - Date.parse(`${iso}T00:00:00Z`)) / DAY_MS
}

/** Everything a person sees of the seeded work logs, with names in place of generated ids. */
async function snapshot (db: Db, tenantId: string) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT w.occurred_on::text AS occurred_on, w.title, w.work_type, w.status, w.content, w.outcome, w.impact,
           w.next_steps, w.effort_minutes, w.is_billable, w.tags, w.created_at, c.name AS client, p.name AS project,
           e.name AS epic, f.name AS feature, s.name AS story, tk.name AS task, sp.name AS sprint,
           (SELECT json_agg(b.text ORDER BY b.text) FROM worklog_bullet b WHERE b.tenant_id = w.tenant_id AND b.worklog_id = w.id) AS bullets
    FROM worklog w
    LEFT JOIN client c ON c.tenant_id = w.tenant_id AND c.id = w.client_id
    LEFT JOIN project p ON p.tenant_id = w.tenant_id AND p.id = w.project_id
    LEFT JOIN epic e ON e.tenant_id = w.tenant_id AND e.id = w.epic_id
    LEFT JOIN feature f ON f.tenant_id = w.tenant_id AND f.id = w.feature_id
    LEFT JOIN story s ON s.tenant_id = w.tenant_id AND s.id = w.story_id
    LEFT JOIN task tk ON tk.tenant_id = w.tenant_id AND tk.id = w.task_id
    LEFT JOIN sprint sp ON sp.tenant_id = w.tenant_id AND sp.id = w.sprint_id
    WHERE w.tenant_id = ${tenantId}
    ORDER BY w.occurred_on, w.title`.execute(db)
  return rows
}

t.test('seed-demo writes a consistent quarter that its owner can sign in to', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const seeded = await seedDemoData(db, { today: TODAY })
  t.equal(seeded.email, DEMO_EMAIL)
  t.equal(seeded.password, 'quiet-harbour-lantern-73', 'the documented default password is the one printed')
  t.doesNotThrow(() => assertPasswordPolicy(DEMO_PASSWORD, { email: DEMO_EMAIL }), 'the default password passes the policy')
  const account = await db.selectFrom('app_user').select('password_hash').where('email', '=', DEMO_EMAIL).executeTakeFirstOrThrow()
  t.equal(await verifyPassword(account.password_hash, 'quiet-harbour-lantern-73'), true, 'and is the one stored, hashed')
  t.match(seeded.counts, { clients: 3, projects: 5, epics: 2, features: 4, stories: 8, tasks: 16, sprints: 6 })
  t.ok(seeded.counts.worklogs >= 55 && seeded.counts.worklogs <= 65, `about 60 work logs (got ${seeded.counts.worklogs})`)
  t.ok(seeded.counts.bullets >= 3, 'a few resume bullets')

  t.test('the counts are what the database holds', async (t) => {
    const count = async (table: 'client' | 'project' | 'epic' | 'feature' | 'story' | 'task' | 'sprint' | 'worklog' | 'worklog_bullet'): Promise<number> => {
      const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', seeded.tenantId).executeTakeFirstOrThrow()
      return row.n
    }
    t.same({
      clients: await count('client'),
      projects: await count('project'),
      epics: await count('epic'),
      features: await count('feature'),
      stories: await count('story'),
      tasks: await count('task'),
      sprints: await count('sprint'),
      worklogs: await count('worklog'),
      bullets: await count('worklog_bullet'),
    }, seeded.counts)
    const selected = await db.selectFrom('worklog_bullet').select('is_selected').where('tenant_id', '=', seeded.tenantId).execute()
    t.ok(selected.every((b) => b.is_selected), 'the resume bullets are chosen for the resume')
    const profile = await db.selectFrom('user_profile').selectAll().where('user_id', '=', seeded.userId).executeTakeFirstOrThrow()
    t.not(profile.headline, '')
    t.not(profile.location, '')
    t.equal(profile.time_zone, 'Europe/Lisbon')
    t.ok(profile.links.length >= 2)
    const roles = await db.selectFrom('project').select(['role', 'started_on']).where('tenant_id', '=', seeded.tenantId).execute()
    t.ok(roles.every((p) => p.role !== '' && p.started_on !== null), 'every project has a role and a start date')
  })

  t.test('work logs fall on weekdays in the 90 days before today, with realistic text', async (t) => {
    const rows = await db.selectFrom('worklog').selectAll().where('tenant_id', '=', seeded.tenantId).execute()
    for (const row of rows) {
      const day = isoDay(row.occurred_on)
      const back = daysBefore(day)
      if (back < 1 || back > 90) t.fail(`${row.title}: ${day} is outside the window`)
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
      if (weekday === 0 || weekday === 6) t.fail(`${row.title}: ${day} is a weekend`)
      if (row.content.length < 150 || row.content.length > 600) t.fail(`${row.title}: content of ${row.content.length} characters`)
      if (row.outcome === '' || row.impact === '' || row.next_steps === '' || row.tags.length === 0) t.fail(`${row.title}: missing outcome, impact, next steps or tags`)
      if (row.effort_minutes === null || row.effort_minutes <= 0) t.fail(`${row.title}: no effort`)
    }
    t.equal(new Set(rows.map((r) => isoDay(r.occurred_on))).size, rows.length, 'one entry a day')
    t.ok(rows.filter((r) => r.status === 'final').length >= rows.length - 5, 'mostly final')
    t.ok(rows.some((r) => /\d/.test(r.outcome) && /\bfrom\b.*\bto\b/.test(r.outcome)), 'outcomes carry before/after numbers')
    const types = new Set(rows.map((r) => r.work_type))
    for (const type of ['delivery', 'planning', 'incident', 'support', 'learning']) t.ok(types.has(type as never), `has ${type} entries`)
    t.ok(rows.some((r) => r.is_billable) && rows.some((r) => !r.is_billable), 'billable and non-billable work')
    t.ok(rows.filter((r) => r.task_id !== null).length >= 16, 'many entries are logged against tasks')
    t.ok(rows.filter((r) => r.sprint_id !== null).length >= 20, 'many entries belong to a sprint')
  })

  t.test('every work log is placed consistently in the hierarchy', async (t) => {
    // Each row lists what is wrong with one work log's placement; none may come back.
    const { rows } = await sql<{ title: string; problem: string }>`
      SELECT w.title, problem FROM worklog w
      LEFT JOIN project p ON p.tenant_id = w.tenant_id AND p.id = w.project_id
      LEFT JOIN epic e ON e.tenant_id = w.tenant_id AND e.id = w.epic_id
      LEFT JOIN feature f ON f.tenant_id = w.tenant_id AND f.id = w.feature_id
      LEFT JOIN story s ON s.tenant_id = w.tenant_id AND s.id = w.story_id
      LEFT JOIN task tk ON tk.tenant_id = w.tenant_id AND tk.id = w.task_id
      LEFT JOIN sprint sp ON sp.tenant_id = w.tenant_id AND sp.id = w.sprint_id
      CROSS JOIN LATERAL (VALUES
        (CASE WHEN w.project_id IS NOT NULL AND p.client_id IS DISTINCT FROM w.client_id THEN 'project of another client' END),
        (CASE WHEN w.epic_id IS NOT NULL AND e.project_id IS DISTINCT FROM w.project_id THEN 'epic of another project' END),
        (CASE WHEN w.feature_id IS NOT NULL AND f.epic_id IS DISTINCT FROM w.epic_id THEN 'feature of another epic' END),
        (CASE WHEN w.story_id IS NOT NULL AND s.feature_id IS DISTINCT FROM w.feature_id THEN 'story of another feature' END),
        (CASE WHEN w.task_id IS NOT NULL AND tk.story_id IS DISTINCT FROM w.story_id THEN 'task of another story' END),
        (CASE WHEN w.sprint_id IS NOT NULL AND sp.project_id IS DISTINCT FROM w.project_id THEN 'sprint of another project' END),
        (CASE WHEN w.sprint_id IS NOT NULL AND NOT (w.occurred_on BETWEEN sp.start_date AND sp.end_date) THEN 'outside its sprint' END),
        (CASE WHEN w.task_id IS NOT NULL AND (w.story_id IS NULL OR w.feature_id IS NULL OR w.epic_id IS NULL OR w.project_id IS NULL OR w.client_id IS NULL) THEN 'task without its chain' END)
      ) AS checks (problem)
      WHERE w.tenant_id = ${seeded.tenantId} AND problem IS NOT NULL`.execute(db)
    t.same(rows, [], 'no misplaced work logs')

    const sprints = await db.selectFrom('sprint').select(['start_date', 'end_date']).where('tenant_id', '=', seeded.tenantId).orderBy('start_date').execute()
    const spans = sprints.map((s) => [isoDay(s.start_date!), isoDay(s.end_date!)])
    t.ok(spans.every(([start, end]) => daysBefore(start!) - daysBefore(end!) === 11), 'two-week sprints, Monday to Friday')
    t.ok(daysBefore(spans[0]![0]!) <= 90 && daysBefore(spans.at(-1)![1]!) <= 0, 'the sprints cover the last quarter up to this week')
  })

  t.test('the printed credentials sign in', async (t) => {
    const app = await buildTestApp(t, services)
    const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: seeded.email, password: seeded.password } })
    t.equal(login.statusCode, 200, login.statusCode === 200 ? 'logs in' : login.body)
    const body = login.json<{ access: string; user: { tenant_id: string } }>()
    t.equal(body.user.tenant_id, seeded.tenantId)
    const list = await app.inject({ method: 'GET', url: '/api/worklogs/?page_size=1', headers: { authorization: `Bearer ${body.access}`, ...serviceHeader(services) } })
    t.equal(list.statusCode, 200, list.statusCode === 200 ? 'lists work logs' : list.body)
    t.equal(list.json<{ count: number }>().count, seeded.counts.worklogs, 'the demo user sees the demo work logs')
  })

  t.test('a second seed with the same e-mail is refused and writes nothing', async (t) => {
    const tenantsBefore = await db.selectFrom('tenant').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    await t.rejects(seedDemoData(db, { today: TODAY, email: DEMO_EMAIL.toUpperCase() }), { name: 'ConflictError', field: 'email', message: /already exists.*--email/ })
    const tenantsAfter = await db.selectFrom('tenant').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    t.equal(tenantsAfter.n, tenantsBefore.n)
  })

  t.test('a weak password is refused by the account policy', async (t) => {
    await t.rejects(seedDemoData(db, { today: TODAY, email: 'weak@afterresume.local', password: 'short' }), { name: 'ValidationError', field: 'password' })
  })

  t.test('the same day gives the same data; another day moves it', async (t) => {
    const other = await startTestServices(t)
    const again = await seedDemoData(other.database.db, { today: TODAY, email: 'again@afterresume.local' })
    const first = await snapshot(db, seeded.tenantId)
    t.equal(first.length, seeded.counts.worklogs)
    t.same(await snapshot(other.database.db, again.tenantId), first, 'identical work logs on a fresh database')

    const later = await seedDemoData(other.database.db, { today: new Date(2025, 8, 3), email: 'later@afterresume.local' })
    const moved = await snapshot(other.database.db, later.tenantId)
    t.notSame(moved.map((r) => r.occurred_on), first.map((r) => r.occurred_on), 'dates follow `today`')
  })
})

t.test('afterresume seed-demo prints the login and refuses a second run for the same e-mail', async (t) => {
  const services = await startTestServices(t)
  const env = { ...process.env, DATABASE_URL: services.url, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', DATA_DIR: services.config.dataDir }
  const main = fileURLToPath(new URL('../../../../src/main.ts', import.meta.url))
  const run = promisify(execFile)
  const args = [main, 'seed-demo', '--email', 'cli-demo@example.test', '--password', 'a long and unusual passphrase 42']
  const printed = JSON.parse((await run(process.execPath, args, { env })).stdout) as { email: string; password: string; tenant_id: string; counts: { worklogs: number } }
  t.match(printed, { email: 'cli-demo@example.test', password: 'a long and unusual passphrase 42', tenant_id: /^[0-9a-f-]{36}$/ })
  t.ok(printed.counts.worklogs >= 55, 'the summary carries the counts')
  await t.rejects(run(process.execPath, args, { env }), { code: 1, stderr: /already exists/ })
})
