import t from 'tap'
import { sql } from 'kysely'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { LocalLlmProvider } from '../../../src/agents/local.provider.ts'
import type { LlmProvider } from '../../../src/platform/llm/llm.types.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { signUp } from '../../helpers/auth.ts'

/** The built-in provider, except that the first call for each purpose fails like an overloaded server. */
function flaky (): LlmProvider & { failures: number } {
  const inner = new LocalLlmProvider()
  const failed = new Set<string>()
  const provider = {
    name: inner.name,
    model: inner.model,
    failures: 0,
    async complete (request: Parameters<LlmProvider['complete']>[0]) {
      if (!failed.has(request.purpose)) {
        failed.add(request.purpose)
        provider.failures++
        throw new Error('the model server is overloaded (simulated)')
      }
      return inner.complete(request)
    },
  }
  return provider as LlmProvider & { failures: number }
}

t.test('AI workflows retry after a model failure and write their results once', async (t) => {
  const llm = flaky()
  const registry = registerWorkflows(new JobRegistry(), { llm, autoChain: false })
  const services = await startTestServices(t, { worker: true, registry })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const db = services.database.db
  const worklog = await db.insertInto('worklog').values({
    tenant_id: alice.tenantId,
    user_id: alice.id,
    occurred_on: '2026-11-20',
    title: 'Tuned queries',
    content: 'Rewrote the reporting queries in PostgreSQL and added a Redis cache in front of them.',
    outcome: 'Dashboard load time fell from 4 s to 600 ms.',
    tags: toJson([]),
    enrichment_status: 'reviewed',
  }).returning('id').executeTakeFirstOrThrow()

  const { job: analyze } = await services.jobs.enqueue(db, { type: 'worklog.analyze', tenantId: alice.tenantId, userId: alice.id, payload: { worklog_id: worklog.id } })
  const { job: report } = await services.jobs.enqueue(db, { type: 'report.generate', tenantId: alice.tenantId, userId: alice.id, payload: { kind: 'weekly', period_start: '2026-11-16', period_end: '2026-11-22' } })
  const ids = [analyze.id, report.id]
  // skills.extract and resume.refresh read what analysis wrote, so they go after it.
  const analyzed = await eventually(async () => {
    const job = await services.jobs.get(analyze.id)
    return job.status === 'success' || job.status === 'failed' ? job : undefined
  }, 60_000, 'the analysis')
  t.equal(analyzed.status, 'success', 'the analysis succeeded on its retry')
  const enriched = await db.selectFrom('worklog').select('enrichment_status').where('id', '=', worklog.id).executeTakeFirstOrThrow()
  t.equal(enriched.enrichment_status, 'enriched', 'the retried analysis wrote its result')
  const signals = await db.selectFrom('worklog_skill_signal').select('name').where('worklog_id', '=', worklog.id).where('source', '=', 'ai').orderBy('name').execute()
  t.same(signals.map((s) => s.name), ['PostgreSQL', 'Redis'], 'the skills the entry names, suggested once (not once per attempt)')
  const { job: skills } = await services.jobs.enqueue(db, { type: 'skills.extract', tenantId: alice.tenantId, userId: alice.id, payload: { user_id: alice.id } })
  await eventually(async () => (await services.jobs.get(skills.id)).status === 'success' || undefined, 60_000, 'the skills')
  const { job: resume } = await services.jobs.enqueue(db, { type: 'resume.refresh', tenantId: alice.tenantId, userId: alice.id, payload: {} })
  ids.push(skills.id, resume.id)
  for (const id of ids) {
    const done = await eventually(async () => {
      const job = await services.jobs.get(id)
      return job.status === 'success' || job.status === 'failed' ? job : undefined
    }, 60_000, `job ${id} after its retry`)
    t.equal(done.status, 'success', `${done.type} succeeded`)
    t.equal(done.attempt, 2, `${done.type} needed its retry`)
    const events = (await services.jobs.events(id)).map((e) => e.message)
    t.ok(events.some((m) => /attempt 1 failed: the model server is overloaded/.test(m)), `${done.type}: the failed attempt is on the timeline`)
    t.ok(events.some((m) => m.startsWith('retry 1 of')), `${done.type}: the retry is on the timeline`)
  }
  t.equal(llm.failures, 4, 'each workflow\'s first model call failed once')
  const { rows } = await sql<{ reports: number; resumes: number; signals: number; failed_calls: number }>`
    SELECT (SELECT count(*)::int FROM worklog_report) AS reports,
           (SELECT count(*)::int FROM resume) AS resumes,
           (SELECT count(*)::int FROM worklog_skill_signal WHERE source = 'ai') AS signals,
           (SELECT count(*)::int FROM llm_call WHERE outcome <> 'ok') AS failed_calls`.execute(db)
  t.equal(rows[0]?.reports, 1, 'one report, not one per attempt')
  t.equal(rows[0]?.resumes, 1, 'one resume')
  const skillNames = await db.selectFrom('skill').select('name').where('user_id', '=', alice.id).orderBy('name').execute()
  t.same(skillNames.map((s) => s.name), ['PostgreSQL', 'Redis'], 'the skills extracted from the two signals, once each')
  t.equal(rows[0]?.signals, 2, 'the two suggested signals, written once')
  t.equal(rows[0]?.failed_calls, 4, 'the failed calls are accounted for')
})
