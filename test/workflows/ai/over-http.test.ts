// The four AI workflows end to end through the real worker and the real
// OpenAI-compatible provider, against a chat-completions server on 127.0.0.1. The
// server plays the model: it reads the prompt it is sent and answers in the schema the
// request carries, so the prompts' schemas travel over the wire and the answers are
// validated on the way back. Faults (a 503, malformed JSON, a hang) are injected per
// schema to exercise the provider's own retry, repair and timeout, and the job retry.
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { LocalLlmProvider } from '../../../src/agents/local.provider.ts'
import { ReportDraftSchema } from '../../../src/agents/report.types.ts'
import { ResumeDraftSchema } from '../../../src/agents/resume.types.ts'
import { SkillGroupingSchema } from '../../../src/agents/skill.types.ts'
import { WorklogAnalysisSchema } from '../../../src/agents/worklog.types.ts'
import { WORKLOG_ANALYZE_SYSTEM } from '../../../src/agents/prompts/worklog-analyze.v2.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import type { Job } from '../../../src/platform/jobs/job.table.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { createLlmProvider, type LlmSettings } from '../../../src/platform/llm/index.ts'
import type { Services } from '../../../src/runtime.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'
import { completion, hang, startChatServer, status, type ChatServer, type Reply, type SeenRequest } from '../../helpers/chat-server.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'

type SchemaName = 'worklog_analysis' | 'skill_grouping' | 'report_draft' | 'resume_draft'
type Fault = 'overloaded' | 'malformed' | 'hang'

const SCHEMAS: Record<SchemaName, unknown> = {
  worklog_analysis: WorklogAnalysisSchema,
  skill_grouping: SkillGroupingSchema,
  report_draft: ReportDraftSchema,
  resume_draft: ResumeDraftSchema,
}

const USAGE = { prompt_tokens: 100, completion_tokens: 20 }

const WORKLOG = {
  title: 'Tuned queries',
  content: 'Rewrote the reporting queries in PostgreSQL. Added a Redis cache in front of them.',
  outcome: 'Dashboard load time fell from 4 s to 600 ms.',
}

// What the "model" writes, so the test can find its words in what the workflows store.
const MODEL = {
  summary: (title: string) => `Model summary of "${title}": reporting queries rewritten and cached.`,
  resumeBullet: 'Cut dashboard load time from 4 s to 600 ms by rewriting PostgreSQL queries and adding a Redis cache.',
  statusBullet: 'Reporting: dashboard load time down from 4 s to 600 ms.',
  reportTitle: (period: string) => `Model weekly report, ${period}`,
  reportItem: (heading: string) => `The model wrote this under ${heading}.`,
  label: 'Backend Engineer',
  resumeSummary: 'Backend engineer who makes slow reports fast.',
}

function schemaOf (req: SeenRequest): SchemaName {
  const name = req.body.response_format?.json_schema?.name
  if (name === undefined || !(name in SCHEMAS)) throw new Error(`the model server got a request without a known json_schema: ${JSON.stringify(req.body.response_format)}`)
  return name as SchemaName
}

/** The model's answer to one prompt, read from the prompt text as a real model would. */
function answer (req: SeenRequest): unknown {
  const system = req.body.messages[0]?.content ?? ''
  const user = req.body.messages[1]?.content ?? ''
  switch (schemaOf(req)) {
    case 'worklog_analysis': {
      const title = /^Title: (.*)$/m.exec(user)?.[1] ?? ''
      const done = user.split('What was done:\n')[1]?.split('\n\n')[0] ?? ''
      const sentences = done.split(/(?<=\.)\s+/)
      // The model quotes the words that show each skill; one quote ("Memcached") is not in the sentence it cites.
      const quotes: Record<string, string[]> = { PostgreSQL: ['PostgreSQL'], Redis: ['a Redis cache', 'Memcached'] }
      const skillSignals = ['PostgreSQL', 'Redis'].filter((name) => done.includes(name))
        .map((name) => ({ name, kind: 'database', confidence: 0.9, basis: 'named', evidence: sentences.find((s) => s.includes(name)) ?? '', evidenceSpans: quotes[name] }))
      return {
        summary: MODEL.summary(title),
        suggestedWorkType: 'delivery',
        skillSignals,
        bullets: [{ kind: 'resume', text: MODEL.resumeBullet }, { kind: 'status', text: MODEL.statusBullet }],
        metrics: [{ value: 600, unit: 'ms', baseline: 4, raw: 'from 4 s to 600 ms', context: WORKLOG.outcome }],
      }
    }
    case 'skill_grouping': {
      const names = [...user.matchAll(/^- (.+?)(?: \((\w+)\))?$/gm)]
      return { groups: names.map(([, name, kind]) => ({ canonical: name, kind: kind ?? 'tool', members: [name] })) }
    }
    case 'report_draft': {
      const period = /for (\S+ to \S+)/.exec(user)?.[1] ?? ''
      const sections = [...system.matchAll(/key "(\w+)", heading "([^"]+)"/g)].map(([, key, heading]) => ({ key, heading, items: [MODEL.reportItem(heading!)] }))
      return { title: MODEL.reportTitle(period), sections }
    }
    case 'resume_draft': {
      const groups = (part: string) => part.split(/\n(?=\[key: )/).flatMap((block) => {
        const key = /^\[key: (.+?)\]/.exec(block)?.[1]
        return key === undefined ? [] : [{ key, highlights: [...block.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]!) }]
      })
      const [work = '', projects = ''] = user.split('\nProjects:\n')
      return { label: MODEL.label, summary: MODEL.resumeSummary, work: groups(work.split('\nWork:\n')[1] ?? ''), projects: groups(projects) }
    }
  }
}

/**
 * The model server. `faults` lists, per schema, what goes wrong with its first requests
 * (in order); after them every request is answered properly. `always` faults never stop.
 */
async function startModel (t: Tap, faults: Partial<Record<SchemaName, Fault[]>> = {}, always: Partial<Record<SchemaName, Fault>> = {}): Promise<ChatServer> {
  const count = new Map<SchemaName, number>()
  return startChatServer(t, (req): Reply => {
    const schema = schemaOf(req)
    const n = count.get(schema) ?? 0
    count.set(schema, n + 1)
    const fault = always[schema] ?? faults[schema]?.[n]
    if (fault === 'overloaded') return status(503, 'The model is overloaded, try again')
    if (fault === 'hang') return hang
    const json = JSON.stringify(answer(req))
    // Prose around a cut-off object: not JSON, so the provider has to ask for a repair.
    if (fault === 'malformed') return completion(`Here is the analysis: ${json.slice(0, -1)}`, USAGE)
    return completion(json, USAGE)
  })
}

interface Tap { teardown(fn: () => unknown): void }

interface Setup { services: Services; alice: TestUser; worklogId: string; model: ChatServer }

async function setup (t: Tap, model: ChatServer, llm: Partial<LlmSettings> = {}): Promise<Setup> {
  const provider = createLlmProvider({ provider: 'openai', baseUrl: model.baseUrl, model: 'test-model', apiKey: 'sk-test', ...llm }, () => new LocalLlmProvider())
  const registry = registerWorkflows(new JobRegistry(), { llm: provider, autoChain: false })
  const services = await startTestServices(t, { worker: true, registry })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const db = services.database.db
  const client = await db.insertInto('client').values({ tenant_id: alice.tenantId, user_id: alice.id, name: 'Acme Analytics' }).returning('id').executeTakeFirstOrThrow()
  const project = await db.insertInto('project').values({ tenant_id: alice.tenantId, user_id: alice.id, client_id: client.id, name: 'Dashboards', role: 'Backend engineer', started_on: '2026-01-01' }).returning('id').executeTakeFirstOrThrow()
  const worklog = await db.insertInto('worklog').values({
    tenant_id: alice.tenantId,
    user_id: alice.id,
    occurred_on: '2026-11-20',
    ...WORKLOG,
    client_id: client.id,
    project_id: project.id,
    tags: toJson([]),
    effort_minutes: 180,
    status: 'final',
  }).returning('id').executeTakeFirstOrThrow()
  return { services, alice, worklogId: worklog.id, model }
}

/**
 * Waits for a job to end. With `fastForward`, a retry pg-boss scheduled seconds ahead
 * (the AI types back off 10 s and more) is made due at once, so the test does not sit
 * out the backoff; the row keeps the time pg-boss chose.
 */
async function finished (services: Services, id: string, fastForward = false): Promise<Job> {
  return eventually(async () => {
    if (fastForward) await sql`UPDATE pgboss.job SET start_after = now() WHERE id = ${id} AND state = 'retry' AND start_after > now()`.execute(services.database.db)
    const job = await services.jobs.get(id)
    return job.status === 'success' || job.status === 'failed' ? job : undefined
  }, 30_000, `job ${id}`)
}

/** analysis and the weekly report first; skills read the analysis, the resume reads both. */
async function runPipeline ({ services, alice, worklogId }: Setup, fastForward = false): Promise<Record<string, Job>> {
  const db = services.database.db
  const as = { tenantId: alice.tenantId, userId: alice.id }
  const { job: analyze } = await services.jobs.enqueue(db, { ...as, type: 'worklog.analyze', payload: { worklog_id: worklogId } })
  const { job: report } = await services.jobs.enqueue(db, { ...as, type: 'report.generate', payload: { kind: 'weekly', period_start: '2026-11-16', period_end: '2026-11-22' } })
  const analyzed = await finished(services, analyze.id, fastForward)
  const { job: skills } = await services.jobs.enqueue(db, { ...as, type: 'skills.extract', payload: { user_id: alice.id } })
  const skilled = await finished(services, skills.id, fastForward)
  const { job: resume } = await services.jobs.enqueue(db, { ...as, type: 'resume.refresh', payload: {} })
  return {
    'worklog.analyze': analyzed,
    'skills.extract': skilled,
    'report.generate': await finished(services, report.id, fastForward),
    'resume.refresh': await finished(services, resume.id, fastForward),
  }
}

/** Everything the four workflows store, written once, in the model's words. */
async function assertStored (t: Test, { services, alice, worklogId }: Setup, jobs: Record<string, Job>): Promise<void> {
  const db = services.database.db
  for (const [type, job] of Object.entries(jobs)) t.equal(job.status, 'success', `${type} succeeded${job.error === null ? '' : `: ${job.error}`}`)

  const worklog = await db.selectFrom('worklog').select(['ai_summary', 'enrichment_status', 'enrichment_suggestions']).where('id', '=', worklogId).executeTakeFirstOrThrow()
  t.equal(worklog.enrichment_status, 'enriched')
  t.equal(worklog.ai_summary, MODEL.summary(WORKLOG.title), 'the summary is the model\'s, about the entry it was sent')
  t.match(worklog.enrichment_suggestions, { suggested_work_type: 'delivery', metrics: [{ value: 600, unit: 'ms', baseline: 4, raw: 'from 4 s to 600 ms' }] })
  const signals = await db.selectFrom('worklog_skill_signal').select(['name', 'evidence', 'confidence', 'basis', 'evidence_spans']).where('worklog_id', '=', worklogId).where('source', '=', 'ai').orderBy('name').execute()
  t.same(signals, [
    { name: 'PostgreSQL', evidence: 'Rewrote the reporting queries in PostgreSQL.', confidence: 0.9, basis: 'named', evidence_spans: [{ text: 'PostgreSQL', start: 33, end: 43 }] },
    { name: 'Redis', evidence: 'Added a Redis cache in front of them.', confidence: 0.9, basis: 'named', evidence_spans: [{ text: 'a Redis cache', start: 6, end: 19 }] },
  ], 'the skill signals the model found, once each, with the quoted words located and the one it made up dropped')
  const bullets = await db.selectFrom('worklog_bullet').select(['kind', 'text']).where('worklog_id', '=', worklogId).orderBy('order').execute()
  t.same(bullets, [{ kind: 'resume', text: MODEL.resumeBullet }, { kind: 'status', text: MODEL.statusBullet }])

  const skills = await db.selectFrom('skill').select(['name', 'kind']).where('user_id', '=', alice.id).orderBy('name').execute()
  t.same(skills.map((s) => s.name), ['PostgreSQL', 'Redis'], 'the skills merged from the signals')

  const reports = await db.selectFrom('worklog_report').select(['title', 'content_md', 'job_id']).where('user_id', '=', alice.id).execute()
  t.equal(reports.length, 1, 'one report')
  t.equal(reports[0]?.title, MODEL.reportTitle('2026-11-16 to 2026-11-22'))
  t.equal(reports[0]?.job_id, jobs['report.generate']?.id)
  for (const heading of ['Highlights', 'Work completed', 'Metrics', 'Next week']) {
    t.match(reports[0]?.content_md, `## ${heading}\n\n- ${MODEL.reportItem(heading)}`, `the report's "${heading}" section is the model's`)
  }
  t.match(reports[0]?.content_md, '## Time', 'the hours are added by the agent, not the model')

  const resumes = await db.selectFrom('resume').select(['json_resume', 'markdown']).where('user_id', '=', alice.id).execute()
  t.equal(resumes.length, 1, 'one resume')
  t.match(resumes[0]?.json_resume, {
    basics: { label: MODEL.label, summary: MODEL.resumeSummary },
    work: [{ name: 'Acme Analytics', highlights: [MODEL.resumeBullet] }],
  }, 'the resume holds the model\'s headline, summary and the highlight it chose from the analysis bullets')
  t.match(resumes[0]?.markdown, MODEL.resumeBullet)
}

async function llmCalls (services: Services): Promise<Array<{ purpose: string; outcome: string; provider: string; model: string; prompt_tokens: number; completion_tokens: number }>> {
  return services.database.db.selectFrom('llm_call').select(['purpose', 'outcome', 'provider', 'model', 'prompt_tokens', 'completion_tokens'])
    .orderBy('purpose').orderBy('created_at').execute()
}

const PURPOSES = ['report.compose', 'resume.compose', 'skills.merge', 'worklog.analyze']

t.test('all four workflows run against an HTTP model: schemas go out, validated answers come back and are stored', async (t) => {
  const s = await setup(t, await startModel(t))
  const jobs = await runPipeline(s)
  await assertStored(t, s, jobs)
  for (const job of Object.values(jobs)) t.equal(job.attempt, 1, `${job.type} needed one attempt`)

  const sent = s.model.seen
  t.same(sent.map(schemaOf).sort(), ['report_draft', 'resume_draft', 'skill_grouping', 'worklog_analysis'], 'one request per workflow')
  for (const req of sent) {
    const name = schemaOf(req)
    t.equal(req.url, '/v1/chat/completions')
    t.equal(req.headers.authorization, 'Bearer sk-test')
    t.equal(req.body.model, 'test-model')
    t.equal(req.body.response_format?.type, 'json_schema')
    t.equal(req.body.response_format?.json_schema?.strict, true)
    t.same(req.body.response_format?.json_schema?.schema, JSON.parse(JSON.stringify(SCHEMAS[name])), `${name}: the agent's output schema went over the wire`)
  }
  const analysis = sent.find((r) => schemaOf(r) === 'worklog_analysis')!
  t.equal(analysis.body.messages[0]?.content, WORKLOG_ANALYZE_SYSTEM)
  t.match(analysis.body.messages[1]?.content, WORKLOG.content, 'the entry is in the prompt')

  const calls = await llmCalls(s.services)
  t.same(calls, PURPOSES.map((purpose) => ({ purpose, outcome: 'ok', provider: 'openai', model: 'test-model', prompt_tokens: 100, completion_tokens: 20 })),
    'one accounted call per workflow, with the usage the server reported')
})

t.test('a 503 is retried by the provider inside the attempt: one job attempt, two requests, both counted', async (t) => {
  const s = await setup(t, await startModel(t, { worklog_analysis: ['overloaded'], skill_grouping: ['overloaded'], report_draft: ['overloaded'], resume_draft: ['overloaded'] }))
  const jobs = await runPipeline(s)
  await assertStored(t, s, jobs)
  t.equal(s.model.seen.length, 8, 'each prompt was sent twice')
  for (const job of Object.values(jobs)) {
    t.equal(job.attempt, 1, `${job.type}: the provider absorbed the 503, the job did not retry`)
    const answered = (await s.services.jobs.events(job.id)).find((e) => / answered by openai\/test-model$/.test(e.message))
    t.match(answered?.data, { attempts: 2, promptTokens: 100, completionTokens: 20 }, `${job.type}: the timeline counts both HTTP attempts`)
  }
  const calls = await llmCalls(s.services)
  t.same(calls.map((c) => [c.purpose, c.outcome]), PURPOSES.map((p) => [p, 'ok']), 'one llm_call row per logical call: the 503 cost no tokens')
})

t.test('malformed JSON is repaired with one more exchange and the tokens of both are accounted', async (t) => {
  const s = await setup(t, await startModel(t, { worklog_analysis: ['malformed'], skill_grouping: ['malformed'], report_draft: ['malformed'], resume_draft: ['malformed'] }))
  const jobs = await runPipeline(s)
  await assertStored(t, s, jobs)
  t.equal(s.model.seen.length, 8)
  for (const name of Object.keys(SCHEMAS)) {
    const [first, repair] = s.model.seen.filter((r) => schemaOf(r) === name)
    t.same(repair?.body.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user'], `${name}: the repair shows the model its answer`)
    t.equal(repair?.body.messages[2]?.content.startsWith('Here is the analysis: {'), true)
    t.match(repair?.body.messages[3]?.content, /not valid JSON/, `${name}: and says what was wrong`)
    t.same(repair?.body.response_format, first?.body.response_format, `${name}: the repair asks for the same schema`)
  }
  for (const job of Object.values(jobs)) {
    t.equal(job.attempt, 1)
    const answered = (await s.services.jobs.events(job.id)).find((e) => / answered by openai\/test-model$/.test(e.message))
    t.match(answered?.data, { attempts: 2 }, `${job.type}: two exchanges on the timeline`)
  }
  const calls = await llmCalls(s.services)
  t.same(calls.map((c) => [c.purpose, c.outcome, c.prompt_tokens, c.completion_tokens]), PURPOSES.map((p) => [p, 'ok', 200, 40]), 'the bad answer\'s tokens are paid for too')
})

t.test('a model that does not answer in time fails the attempt; the job retry succeeds and writes once', async (t) => {
  const s = await setup(t, await startModel(t, { worklog_analysis: ['hang'], skill_grouping: ['hang'], report_draft: ['hang'], resume_draft: ['hang'] }), { timeoutMs: 1000 })
  const jobs = await runPipeline(s, true)
  await assertStored(t, s, jobs)
  for (const job of Object.values(jobs)) {
    t.equal(job.attempt, 2, `${job.type}: the second attempt succeeded`)
    const events = await s.services.jobs.events(job.id)
    const messages = events.map((e) => e.message)
    t.ok(messages.includes('attempt 1 failed: LLM call timed out after 1000 ms'), `${job.type}: the timeout is on the timeline`)
    const retry = events.find((e) => e.message === 'retry 1 of 3 scheduled')
    t.ok(Number(retry?.data.delay_ms) >= 5000, `${job.type}: pg-boss scheduled the retry with the type's backoff (${String(retry?.data.delay_ms)} ms), which the test skipped`)
  }
  t.equal(s.model.seen.length, 8)
  await Promise.all(s.model.closed)
  const calls = await llmCalls(s.services)
  t.same(calls.map((c) => [c.purpose, c.outcome]), PURPOSES.flatMap((p) => [[p, 'llm_timeout'], [p, 'ok']]), 'the timed-out call and the good one are both accounted')
})

t.test('with no retries left a timeout fails the job with a clear error and marks the entry', async (t) => {
  const s = await setup(t, await startModel(t, {}, { worklog_analysis: 'hang' }), { timeoutMs: 1000 })
  const { job } = await s.services.jobs.enqueue(s.services.database.db, { tenantId: s.alice.tenantId, userId: s.alice.id, type: 'worklog.analyze', payload: { worklog_id: s.worklogId }, maxRetries: 0 })
  const failed = await finished(s.services, job.id)
  t.equal(failed.status, 'failed')
  t.equal(failed.error, 'LLM call timed out after 1000 ms')
  t.equal(failed.attempt, 1)
  const worklog = await s.services.database.db.selectFrom('worklog').select(['enrichment_status', 'ai_summary']).where('id', '=', s.worklogId).executeTakeFirstOrThrow()
  t.same(worklog, { enrichment_status: 'error', ai_summary: '' }, 'the entry says its analysis failed, and nothing half-written')
  const signals = await s.services.database.db.selectFrom('worklog_skill_signal').select('id').where('worklog_id', '=', s.worklogId).execute()
  t.equal(signals.length, 0)
  t.same((await llmCalls(s.services)).map((c) => [c.purpose, c.outcome]), [['worklog.analyze', 'llm_timeout']])
})
