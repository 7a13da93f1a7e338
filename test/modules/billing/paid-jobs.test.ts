// Reserve → capture → release around paid jobs, through the real worker, the real
// OpenAI-compatible provider (against a chat-completions server on 127.0.0.1 that reports
// 1,200 prompt and 300 completion tokens a call) and real PostgreSQL. Pricing is
// CREDITS_PER_1K_TOKENS=1: worklog.analyze holds 6 credits (6,000 tokens estimated),
// test.paid holds 5 (5,000), and a call of 1,500 tokens costs 2 (1.5, rounded up).
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { LocalLlmProvider } from '../../../src/agents/local.provider.ts'
import { llmForJob } from '../../../src/modules/ai/job-llm.ts'
import { changeCredits } from '../../../src/modules/billing/billing.service.ts'
import { NO_REQUEST } from '../../../src/modules/identity/audit.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import type { ExecutionContext } from '../../../src/platform/jobs/context.ts'
import type { Job } from '../../../src/platform/jobs/job.table.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { createLlmProvider, type LlmProvider } from '../../../src/platform/llm/index.ts'
import type { Services } from '../../../src/runtime.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'
import { completion, startChatServer, type ChatServer } from '../../helpers/chat-server.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'
import { checkoutCompleted, signed, startStripe, stripeEnv } from '../../helpers/stripe.ts'

interface Tap { teardown(fn: () => unknown): void }

const USAGE = { prompt_tokens: 1200, completion_tokens: 300 }
const ANALYSIS = { summary: 'Tuned the reporting queries.', suggestedWorkType: 'delivery', skillSignals: [], bullets: [], metrics: [] }

/** A paid job type of the test's own: one model call per attempt, then fail, wait or finish as told. */
function paidWorkflow (provider: LlmProvider) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>) => {
    await llmForJob(ctx, provider).complete({ purpose: 'test.paid', system: 'Say ok.', user: 'ok?', maxTokens: 100, signal: ctx.signal })
    if (ctx.attempt <= Number(payload.fail_attempts ?? 0)) throw new Error(`attempt ${ctx.attempt} fails on purpose`)
    // The timer takes the signal, so an abort that came during the model call ends it at once.
    if (payload.wait === true) await sleep(15_000, undefined, { signal: ctx.signal }).catch(() => ctx.signal.throwIfAborted())
    return { attempt: ctx.attempt }
  }
}

interface Setup { services: Services; app: Awaited<ReturnType<typeof buildTestApp>>; alice: TestUser; model: ChatServer; worklogId: string }

async function setup (t: Tap, env: Record<string, string> | 'billing off', worker = true): Promise<Setup> {
  const model = await startChatServer(t, (req) => completion(JSON.stringify(req.body.response_format?.json_schema?.name === 'worklog_analysis' ? ANALYSIS : { ok: true }), USAGE))
  const provider = createLlmProvider({ provider: 'openai', baseUrl: model.baseUrl, model: 'test-model', apiKey: 'sk-test' }, () => new LocalLlmProvider())
  const registry = registerWorkflows(new JobRegistry(), { llm: provider, autoChain: false }).register('test.paid', paidWorkflow(provider), {
    credits: { estimatedTokens: 5000 },
    retryLimit: 2,
    retryDelay: 1,
    retryBackoff: false,
    payload: Type.Object({ fail_attempts: Type.Optional(Type.Integer()), wait: Type.Optional(Type.Boolean()) }),
  }).register('test.paid_slow', paidWorkflow(provider), {
    // Outlives its expiry: pg-boss ends the attempt, and with no retry left, the job.
    credits: { estimatedTokens: 5000 },
    expireInSeconds: 1,
    retryLimit: 0,
    payload: Type.Object({ wait: Type.Boolean() }),
  })
  const services = await startTestServices(t, { worker, registry, ...(env !== 'billing off' && { env }) })
  const app = await buildTestApp(t, services)
  const alice = await signUp(app, services)
  const worklog = await services.database.db.insertInto('worklog').values({
    tenant_id: alice.tenantId,
    user_id: alice.id,
    occurred_on: '2026-11-20',
    title: 'Tuned queries',
    content: 'Rewrote the reporting queries in PostgreSQL.',
    tags: toJson([]),
  }).returning('id').executeTakeFirstOrThrow()
  return { services, app, alice, model, worklogId: worklog.id }
}

async function billedSetup (t: Tap, worker = true): Promise<Setup> {
  return setup(t, stripeEnv(await startStripe(t), { CREDITS_PER_1K_TOKENS: '1' }), worker)
}

async function finished (services: Services, id: string): Promise<Job> {
  return eventually(async () => {
    const job = await services.jobs.get(id)
    return job.status === 'success' || job.status === 'failed' || job.status === 'cancelled' ? job : undefined
  }, 20_000, `job ${id} to end`)
}

async function grant (s: Setup, credits: number): Promise<void> {
  await changeCredits(s.services.database.db, { tenantId: s.alice.tenantId, kind: 'grant', credits, reason: 'test credits', staffUserId: null, actor: { by: 'test' } }, NO_REQUEST)
}

/** The job's ledger rows, in order: [kind, amount]. */
async function movesOf (services: Services, jobId: string): Promise<Array<[string, number]>> {
  const rows = await services.database.db.selectFrom('credit_entry').select(['kind', 'amount']).where('job_id', '=', jobId).orderBy('id').execute()
  return rows.map((r) => [r.kind, r.amount])
}

async function balance (services: Services, tenantId: string): Promise<{ available: number; reserved: number }> {
  const row = await services.database.db.selectFrom('credit_balance').select(['available', 'reserved']).where('tenant_id', '=', tenantId).executeTakeFirst()
  return row ?? { available: 0, reserved: 0 }
}

t.test('0 credits: the enqueueing endpoints answer 402 up front, and a job that gets queued anyway fails for good with no model call', async (t) => {
  const s = await billedSetup(t)
  const { app, alice, services } = s
  const requests = [
    { url: `/api/worklogs/${s.worklogId}/analyze/`, payload: undefined, needs: 'worklog.analyze needs 6' },
    { url: '/api/reports/generate/', payload: { kind: 'weekly' }, needs: 'report.generate needs 12' },
    { url: '/api/resume/refresh/', payload: undefined, needs: 'resume.refresh needs 12' },
    { url: '/api/skills/recompute/', payload: undefined, needs: 'skills.extract needs 8' },
  ]
  for (const request of requests) {
    const res = await app.inject({ method: 'POST', url: request.url, headers: alice.headers, ...(request.payload !== undefined && { payload: request.payload }) })
    t.equal(res.statusCode, 402, request.url)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(res.json(), {
      type: 'urn:afterresume:problem:insufficient_credits',
      title: 'Payment Required',
      status: 402,
      code: 'insufficient_credits',
      detail: `This workspace has 0 credits available and ${request.needs}. An owner can buy credits (POST /api/billing/checkout/), or an operator can grant some.`,
    })
  }
  t.same((await services.jobs.list({ tenantId: alice.tenantId })).total, 0, 'no job was queued')

  // A save's automatic analysis is not a request for paid work: it is queued, and refused when it runs.
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'worklog.analyze', trigger: 'system', tenantId: alice.tenantId, userId: alice.id, payload: { worklog_id: s.worklogId } })
  const failed = await finished(services, job.id)
  t.same({ status: failed.status, attempt: failed.attempt, error_code: failed.error_code, error: failed.error }, {
    status: 'failed',
    attempt: 1,
    error_code: 'insufficient_credits',
    error: 'This workspace has 0 credits available and worklog.analyze needs 6. An owner can buy credits (POST /api/billing/checkout/), or an operator can grant some.',
  }, 'failed at once, without its retries, with a code saying why')
  t.equal(s.model.seen.length, 0, 'the model was never called')
  t.same(await services.database.db.selectFrom('llm_call').select('id').execute(), [], 'no LLM call was made or recorded')
  const worklog = await services.database.db.selectFrom('worklog').select('enrichment_status').where('id', '=', s.worklogId).executeTakeFirstOrThrow()
  t.equal(worklog.enrichment_status, 'error', 'the work log says its analysis did not happen, instead of pending for ever')
  const shown = await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/`, headers: alice.headers })
  t.match(shown.json(), { status: 'failed', error_code: 'insufficient_credits', error: /^This workspace has 0 credits available/ }, 'the tenant is told why')
  t.same(await services.database.db.selectFrom('credit_entry').select('id').execute(), [], 'nothing was reserved')
})

t.test('after a signed checkout the job runs: its hold is captured to the tokens it used and the rest released', async (t) => {
  const s = await billedSetup(t)
  const { app, alice, services } = s
  const bought = await app.inject({ method: 'POST', url: '/api/billing/webhook/', ...signedRequest(checkoutCompleted('evt_buy', { id: 'cs_buy', tenantId: alice.tenantId, credits: 500 })) })
  t.same(bought.json().outcome, 'granted 500 credits')
  const accepted = await app.inject({ method: 'POST', url: `/api/worklogs/${s.worklogId}/analyze/`, headers: alice.headers })
  t.equal(accepted.statusCode, 202, accepted.body)
  const done = await finished(services, accepted.json().job_id as string)
  t.equal(done.status, 'success', done.error ?? '')
  t.same(await movesOf(services, done.id), [['reserve', 6], ['capture', 2], ['release', 4]], '6 held, 2 charged for 1,500 tokens, 4 back')
  t.same(await balance(services, alice.tenantId), { available: 498, reserved: 0 })
  const hold = await services.database.db.selectFrom('credit_reservation').select(['job_type', 'amount', 'captured']).select((eb) => eb('settled_at', 'is not', null).as('settled')).where('job_id', '=', done.id).executeTakeFirstOrThrow()
  t.same(hold, { job_type: 'worklog.analyze', amount: 6, captured: 2, settled: true })
  t.same(await services.database.db.selectFrom('llm_call').select(['prompt_tokens', 'completion_tokens']).where('job_id', '=', done.id).execute(), [USAGE], 'the usage charged is the call recorded')
  const captured = await app.inject({ method: 'GET', url: '/api/billing/ledger/?kind=capture', headers: alice.headers })
  t.match(captured.json(), { count: 1, results: [{ kind: 'capture', amount: 2, available_delta: 0, reserved_delta: -2, job_id: done.id, reason: 'worklog.analyze: used 2 of 6 reserved' }] })
})

function signedRequest (event: object) {
  const { payload, headers } = signed(event)
  return { payload, headers }
}

t.test('a retried job holds once and is charged for the tokens of every attempt; a failure, a cancellation or an expiry charges nothing', async (t) => {
  const s = await billedSetup(t)
  const { alice, services } = s
  await grant(s, 20)
  const as = { tenantId: alice.tenantId, userId: alice.id }

  const { job: retried } = await services.jobs.enqueue(services.database.db, { ...as, type: 'test.paid', payload: { fail_attempts: 1 } })
  const ok = await finished(services, retried.id)
  t.same({ status: ok.status, attempt: ok.attempt }, { status: 'success', attempt: 2 })
  t.same(await movesOf(services, ok.id), [['reserve', 5], ['capture', 3], ['release', 2]], 'one hold for both attempts; 3,000 tokens cost 3')
  t.same(await balance(services, alice.tenantId), { available: 17, reserved: 0 })

  const { job: doomed } = await services.jobs.enqueue(services.database.db, { ...as, type: 'test.paid', payload: { fail_attempts: 9 }, maxRetries: 0 })
  const failed = await finished(services, doomed.id)
  t.same({ status: failed.status, error: failed.error }, { status: 'failed', error: 'attempt 1 fails on purpose' })
  t.same(await movesOf(services, failed.id), [['reserve', 5], ['release', 5]], 'a job that did not succeed is charged nothing')

  const { job: waiting } = await services.jobs.enqueue(services.database.db, { ...as, type: 'test.paid', payload: { wait: true } })
  await eventually(async () => (await services.jobs.get(waiting.id)).status === 'running' || undefined, 10_000, 'the waiting job to run')
  await eventually(async () => (await movesOf(services, waiting.id)).length === 1 || undefined, 10_000, 'its hold')
  t.same(await balance(services, alice.tenantId), { available: 12, reserved: 5 }, 'held while it runs')
  await services.jobs.cancel(waiting.id, { by: 'test' })
  t.same(await movesOf(services, waiting.id), [['reserve', 5], ['release', 5]], 'cancelling gives the hold back at once')
  t.same(await balance(services, alice.tenantId), { available: 17, reserved: 0 })
  const events = await eventually(async () => {
    const messages = (await services.jobs.events(waiting.id)).map((e) => e.message)
    return messages.includes('workflow stopped after cancellation') ? messages : undefined
  }, 10_000, 'the workflow to stop')
  t.ok(events.includes('job cancelled'))
  t.same(await movesOf(services, waiting.id), [['reserve', 5], ['release', 5]], 'the runner\'s own settling after the stop finds nothing more to do')

  const { job: slow } = await services.jobs.enqueue(services.database.db, { ...as, type: 'test.paid_slow', payload: { wait: true } })
  const expired = await finished(services, slow.id)
  t.same({ status: expired.status, error: expired.error }, { status: 'failed', error: 'This operation was aborted' }, 'the attempt outlived expireInSeconds')
  t.same(await movesOf(services, slow.id), [['reserve', 5], ['release', 5]], 'an expired job gives its hold back')
  t.same(await balance(services, alice.tenantId), { available: 17, reserved: 0 })
})

t.test('holds of a job whose worker died or that is gone are released by the worker\'s sweep; a queued job keeps its hold', async (t) => {
  const s = await billedSetup(t)
  const { alice, services } = s
  const db = services.database.db
  await grant(s, 15)
  const later = new Date(Date.now() + 3_600_000)
  const hold = (jobId: string) => services.jobs.credits.reserve({ jobId, tenantId: alice.tenantId, type: 'test.paid', estimatedTokens: 5000 })

  // A job a worker was running when it died, and pg-boss has given up on (its retries used up).
  const { job: crashed } = await services.jobs.enqueue(db, { tenantId: alice.tenantId, userId: alice.id, type: 'test.paid', payload: {}, runAt: later })
  t.equal(await hold(crashed.id), undefined)
  await db.updateTable('job').set({ status: 'running', attempt: 1, started_at: new Date(Date.now() - 60_000), updated_at: new Date(Date.now() - 60_000) }).where('id', '=', crashed.id).execute()
  await sql`UPDATE pgboss.job SET state = 'failed', output = '{"message":"job heartbeat missed"}'::jsonb WHERE id = ${crashed.id}`.execute(db)
  // A hold whose job row is gone (pruned, or its enqueue never committed).
  const gone = randomUUID()
  t.equal(await hold(gone), undefined)
  // A job still waiting to run: its hold must stay.
  const { job: queued } = await services.jobs.enqueue(db, { tenantId: alice.tenantId, userId: alice.id, type: 'test.paid', payload: {}, runAt: later })
  t.equal(await hold(queued.id), undefined)
  t.same(await balance(services, alice.tenantId), { available: 0, reserved: 15 })

  await eventually(async () => (await movesOf(services, crashed.id)).length === 2 && (await movesOf(services, gone)).length === 2 ? true : undefined, 15_000, 'the sweep to release both')
  t.match(await services.jobs.get(crashed.id), { status: 'failed', error: 'job heartbeat missed' }, 'the orphan sweep failed the job first')
  t.same(await movesOf(services, crashed.id), [['reserve', 5], ['release', 5]])
  t.same(await movesOf(services, gone), [['reserve', 5], ['release', 5]])
  const queuedHold = await db.selectFrom('credit_reservation').select('settled_at').where('job_id', '=', queued.id).executeTakeFirstOrThrow()
  t.equal(queuedHold.settled_at, null, 'the queued job still holds its credits')
  t.same(await balance(services, alice.tenantId), { available: 10, reserved: 5 })
  const { rows } = await sql<{ open: number }>`SELECT count(*)::int AS open FROM credit_reservation WHERE settled_at IS NULL`.execute(db)
  t.equal(rows[0]?.open, 1, 'no other hold is left open')
  t.equal(await services.jobs.credits.releaseAbandoned(), 0, 'a sweep now finds nothing to release')
})

t.test('two jobs reserving the last credits at once: exactly one wins, every time', async (t) => {
  // No worker: its sweep would release these holds, whose jobs exist nowhere.
  const s = await billedSetup(t, false)
  const { alice, services } = s
  for (let round = 1; round <= 10; round++) {
    await grant(s, 5)
    const [a, b] = [randomUUID(), randomUUID()]
    const verdicts = await Promise.all([a, b].map((jobId) => services.jobs.credits.reserve({ jobId, tenantId: alice.tenantId, type: 'test.paid', estimatedTokens: 5000 })))
    t.same(verdicts.filter((v) => v === undefined).length, 1, `round ${round}: one hold`)
    t.same(verdicts.filter((v) => v !== undefined), ['This workspace has 0 credits available and test.paid needs 5. An owner can buy credits (POST /api/billing/checkout/), or an operator can grant some.'], `round ${round}: the other is refused`)
    t.same(await balance(services, alice.tenantId), { available: 0, reserved: 5 * round })
  }
  const { rows } = await sql<{ holds: number; reserves: number }>`
    SELECT (SELECT count(*)::int FROM credit_reservation) AS holds, (SELECT count(*)::int FROM credit_entry WHERE kind = 'reserve') AS reserves`.execute(services.database.db)
  t.same(rows[0], { holds: 10, reserves: 10 }, 'a refused reserve writes nothing')
})

t.test('billing off: paid job types run as before and nothing is reserved', async (t) => {
  const s = await setup(t, 'billing off')
  const accepted = await s.app.inject({ method: 'POST', url: `/api/worklogs/${s.worklogId}/analyze/`, headers: s.alice.headers })
  t.equal(accepted.statusCode, 202)
  const done = await finished(s.services, accepted.json().job_id as string)
  t.equal(done.status, 'success')
  t.equal(s.model.seen.length, 1)
  const { rows } = await sql<{ entries: number; holds: number }>`
    SELECT (SELECT count(*)::int FROM credit_entry) AS entries, (SELECT count(*)::int FROM credit_reservation) AS holds`.execute(s.services.database.db)
  t.same(rows[0], { entries: 0, holds: 0 })
})
