import t from 'tap'
import { sql } from 'kysely'
import { validateJsonResume } from '../../../src/modules/reports/json-resume.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'
import type { Services } from '../../../src/runtime.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'

const LOGS = [
  { day: '2026-11-16', title: 'Cut checkout latency', content: 'Profiled the checkout service in Node.js and rewrote two PostgreSQL queries with proper indexes. Added Redis caching for the price lookup.', outcome: 'Checkout p95 latency dropped from 800ms to 120ms.', impact: 'Conversion improved by 3% in the A/B test.' },
  { day: '2026-11-17', title: 'Kubernetes rollout', content: 'Moved the billing worker to Kubernetes with Helm charts and wrote a GitHub Actions pipeline for canary deploys. Paired with two engineers on the TypeScript migration.', outcome: 'Deploys now take 6 minutes instead of 40.', impact: '' },
  { day: '2026-11-18', title: 'Mentoring and planning', content: 'Led sprint planning for the payments team and mentored a junior engineer on React testing with Jest. Wrote the design doc for the refunds API.', outcome: 'Sprint scope agreed with product.', impact: '' },
]

async function seedWorklogs (services: Services, user: TestUser): Promise<string[]> {
  const db = services.database.db
  const client = await db.insertInto('client').values({ tenant_id: user.tenantId, user_id: user.id, name: 'Acme Payments' }).returning('id').executeTakeFirstOrThrow()
  const project = await db.insertInto('project').values({ tenant_id: user.tenantId, user_id: user.id, client_id: client.id, name: 'Checkout', role: 'Senior engineer', started_on: '2026-01-01' }).returning('id').executeTakeFirstOrThrow()
  const ids: string[] = []
  for (const log of LOGS) {
    const row = await db.insertInto('worklog').values({
      tenant_id: user.tenantId,
      user_id: user.id,
      occurred_on: log.day,
      title: log.title,
      content: log.content,
      outcome: log.outcome,
      impact: log.impact,
      client_id: client.id,
      project_id: project.id,
      tags: toJson(['payments']),
      effort_minutes: 240,
      status: 'final',
    }).returning('id').executeTakeFirstOrThrow()
    ids.push(row.id)
  }
  return ids
}

async function waitForJob (services: Services, id: string): Promise<Record<string, unknown>> {
  const job = await eventually(async () => {
    const current = await services.jobs.get(id)
    return current.status === 'success' || current.status === 'failed' ? current : undefined
  }, 20_000, `job ${id}`)
  if (job.status !== 'success') throw new Error(`job ${job.type} failed: ${job.error}`)
  return job.result as Record<string, unknown>
}

async function setup (t: { teardown(fn: () => Promise<void> | void): void }): Promise<{ services: Services; app: App; alice: TestUser; worklogs: string[] }> {
  const services = await startTestServices(t, { worker: true })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  return { services, app, alice, worklogs: await seedWorklogs(services, alice) }
}

t.test('worklogs → analyze → skills → resume, and the resume is valid JSON Resume', async (t) => {
  const { services, app, alice, worklogs } = await setup(t)
  const db = services.database.db
  for (const worklogId of worklogs) {
    const { job } = await services.jobs.enqueue(db, { type: 'worklog.analyze', tenantId: alice.tenantId, userId: alice.id, payload: { worklog_id: worklogId } })
    const result = await waitForJob(services, job.id)
    t.ok(Number(result.skill_signals) > 0, `signals found for ${worklogId}`)
  }
  const analyzed = await db.selectFrom('worklog').select(['enrichment_status', 'ai_summary']).where('id', '=', worklogs[0]!).executeTakeFirstOrThrow()
  t.equal(analyzed.enrichment_status, 'enriched')
  t.ok(analyzed.ai_summary.length > 20)

  // Analysis is safe to repeat: suggestions are replaced, not piled up.
  const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM worklog_skill_signal WHERE worklog_id = ${worklogs[0]!}`.execute(db)
  const { job: again } = await services.jobs.enqueue(db, { type: 'worklog.analyze', tenantId: alice.tenantId, userId: alice.id, payload: { worklog_id: worklogs[0]! } })
  await waitForJob(services, again.id)
  const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM worklog_skill_signal WHERE worklog_id = ${worklogs[0]!}`.execute(db)
  t.equal(after.rows[0]?.n, before.rows[0]?.n)

  // Chained skills.extract jobs (WORKFLOW_AUTO_CHAIN) merged the signals into skills.
  const skills = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: '/api/skills/?sort=confidence', headers: alice.headers })
    const list = res.json<Array<{ name: string; level: string; id: string }>>()
    return list.length >= 5 ? list : undefined
  }, 20_000, 'skills from the chained extraction')
  const names = skills.map((s) => s.name)
  for (const expected of ['PostgreSQL', 'Kubernetes', 'TypeScript', 'Redis', 'React']) t.ok(names.includes(expected), `found ${expected}`)
  t.equal(new Set(names).size, names.length, 'no duplicate skills')
  const evidence = await app.inject({ method: 'GET', url: `/api/skills/${skills.find((s) => s.name === 'PostgreSQL')!.id}/evidence/`, headers: alice.headers })
  t.match(evidence.json(), [{ worklog_id: worklogs[0], excerpt: /PostgreSQL/ }])

  await db.updateTable('worklog_bullet').set({ is_selected: true }).where('tenant_id', '=', alice.tenantId).where('kind', '=', 'resume').execute()
  const refresh = await app.inject({ method: 'POST', url: '/api/resume/refresh/', headers: alice.headers })
  t.equal(refresh.statusCode, 202)
  t.match(refresh.json(), { status: 'queued', job_id: /^[0-9a-f-]{36}$/, message: /resume/ })
  await waitForJob(services, refresh.json().job_id as string)
  const resume = await app.inject({ method: 'GET', url: '/api/resume/?format=jsonresume', headers: alice.headers })
  t.equal(resume.statusCode, 200)
  const document = resume.json<{ basics: { name: string }; work: Array<{ highlights: string[] }>; skills: Array<{ name: string }> }>()
  t.same(validateJsonResume(document), [], 'valid against the JSON Resume schema')
  t.ok(document.work.length > 0 && document.work[0]!.highlights.length > 0, 'work with highlights from the selected bullets')
  t.ok(document.skills.some((s) => s.name === 'PostgreSQL' || (s as { keywords?: string[] }).keywords?.includes('PostgreSQL')))
  const pdf = await app.inject({ method: 'GET', url: '/api/resume/?format=pdf', headers: alice.headers })
  t.equal(pdf.headers['content-type'], 'application/pdf')
  t.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-')
  const docx = await app.inject({ method: 'GET', url: '/api/resume/?format=docx', headers: alice.headers })
  t.equal(docx.rawPayload.subarray(0, 2).toString(), 'PK', 'a DOCX is a zip')
  const md = await app.inject({ method: 'GET', url: '/api/resume/?format=md', headers: alice.headers })
  t.match(md.body, /^# /)

  const events = await services.jobs.events(refresh.json().job_id as string)
  t.ok(events.some((e) => e.source === 'llm'), 'the model call is on the timeline')
  const calls = await db.selectFrom('llm_call').select(['purpose', 'outcome']).where('tenant_id', '=', alice.tenantId).execute()
  t.ok(calls.length >= 5 && calls.every((c) => c.outcome === 'ok'), 'every call accounted')
})

t.test('reports are generated, downloadable, shareable without auth, expire and revoke', async (t) => {
  const { services, app, alice } = await setup(t)
  const generate = await app.inject({ method: 'POST', url: '/api/reports/generate/', headers: alice.headers, payload: { kind: 'weekly', period_start: '2026-11-16', period_end: '2026-11-22' } })
  t.equal(generate.statusCode, 202, generate.body)
  const result = await waitForJob(services, generate.json().job_id as string)
  const list = await app.inject({ method: 'GET', url: '/api/reports/', headers: alice.headers })
  t.match(list.json(), [{ id: result.report_id, kind: 'weekly', period_start: '2026-11-16', period_end: '2026-11-22' }])
  const md = await app.inject({ method: 'GET', url: `/api/reports/${result.report_id as string}/?format=md`, headers: alice.headers })
  t.match(md.body, /Checkout p95 latency dropped from 800ms to 120ms|800ms/)
  // Reports are personal: a teammate in the same tenant (even an admin) gets a 404, as if
  // it did not exist, and does not see it listed.
  const teammate = await signUp(app, services, { tenantId: alice.tenantId, role: 'admin' })
  const inTenant = { ...teammate.headers, 'x-tenant-id': alice.tenantId }
  const theirs = await app.inject({ method: 'GET', url: `/api/reports/${result.report_id as string}/`, headers: inTenant })
  t.equal(theirs.statusCode, 404)
  t.equal(theirs.json().code, 'not_found')
  t.same((await app.inject({ method: 'GET', url: '/api/reports/', headers: inTenant })).json(), [])
  const bad = await app.inject({ method: 'POST', url: '/api/reports/generate/', headers: alice.headers, payload: { kind: 'weekly', period_start: '2026-11-22', period_end: '2026-11-01' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().field, 'period_end')

  const share = await app.inject({ method: 'POST', url: '/api/share-links/', headers: alice.headers, payload: { target_kind: 'report', target_id: result.report_id } })
  t.equal(share.statusCode, 201, share.body)
  const { token, id } = share.json<{ token: string; id: string }>()
  t.ok(token.length >= 43, '≥ 256-bit token')
  const open = await app.inject({ method: 'GET', url: `/api/share/${token}/` })
  t.equal(open.statusCode, 200, 'no auth, no service token')
  t.notMatch(open.body, /"(id|tenant_id|user_id|job_id|client_id)"/, 'no internal ids in the public view')
  t.notMatch(open.body, new RegExp(alice.tenantId), 'not even inside the text')
  t.match(open.json(), { kind: 'report', report_kind: 'weekly' })

  const revoke = await app.inject({ method: 'DELETE', url: `/api/share-links/${id}/`, headers: alice.headers })
  t.equal(revoke.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: `/api/share/${token}/` })).statusCode, 404, 'revoked')
  const links = await app.inject({ method: 'GET', url: '/api/share-links/', headers: alice.headers })
  t.equal(links.statusCode, 200)
  t.equal(links.json().length, 1)
  t.match(links.json()[0], { id, target_kind: 'report', target_id: result.report_id, access_count: 1, revoked_at: /^\d{4}-\d\d-\d\dT/ }, 'opened once, then revoked; the token is never listed')
  t.notOk('token' in links.json()[0])

  const second = await app.inject({ method: 'POST', url: '/api/share-links/', headers: alice.headers, payload: { target_kind: 'report', target_id: result.report_id } })
  await services.database.db.updateTable('share_link').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', second.json().id as string).execute()
  t.equal((await app.inject({ method: 'GET', url: `/api/share/${second.json().token as string}/` })).statusCode, 404, 'expired')
  const bob = await signUp(app, services)
  const cross = await app.inject({ method: 'POST', url: '/api/share-links/', headers: bob.headers, payload: { target_kind: 'report', target_id: result.report_id } })
  t.equal(cross.statusCode, 404, 'another tenant cannot share alice\'s report')
})

t.test('DISABLE_SHARING turns sharing off', async (t) => {
  const services = await startTestServices(t, { env: { DISABLE_SHARING: 'true' } })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const res = await app.inject({ method: 'POST', url: '/api/share-links/', headers: alice.headers, payload: { target_kind: 'resume' } })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'sharing_disabled')
  t.equal((await app.inject({ method: 'GET', url: `/api/share/${'x'.repeat(43)}/` })).statusCode, 404)
})
