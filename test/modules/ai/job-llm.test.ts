import t from 'tap'
import { sql } from 'kysely'
import { asJobError, llmForJob } from '../../../src/modules/ai/job-llm.ts'
import type { ExecutionContext } from '../../../src/platform/jobs/context.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { createLlmProvider } from '../../../src/platform/llm/index.ts'
import { LocalLlmProvider } from '../../../src/agents/local.provider.ts'
import type { LlmProvider } from '../../../src/platform/llm/llm.types.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'
import { insertTenant } from '../../helpers/tenants.ts'
import { completion, startChatServer, status } from '../../helpers/chat-server.ts'

/** Answers every request with a summary and usage, or a 400 when the text asks for one. */
function chatServer (t: Parameters<typeof startChatServer>[0]) {
  return startChatServer(t, (req) => req.body.messages.some((m) => m.content.includes('please fail'))
    ? status(400, 'model refuses')
    : completion('A tidy summary.', { prompt_tokens: 42, completion_tokens: 7 }))
}

function summarizer (provider: LlmProvider) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>) => {
    const llm = llmForJob(ctx, provider)
    try {
      const answer = await llm.complete({ purpose: 'test.summarize', system: 'Summarize.', user: String(payload.text ?? ''), maxTokens: 200, signal: ctx.signal })
      return { summary: answer.text }
    } catch (error) {
      throw asJobError(error)
    }
  }
}

t.test('every model call leaves an llm_call row and an llm event on the job', async (t) => {
  const server = await chatServer(t)
  const provider = createLlmProvider({ provider: 'openai', baseUrl: server.baseUrl, model: 'test-model', maxRetries: 0 }, () => new LocalLlmProvider())
  const registry = registerWorkflows(new JobRegistry()).register('test.summarize', summarizer(provider), { retryLimit: 0 })
  const services = await startTestServices(t, { worker: true, registry })
  const tenantId = await insertTenant(services.database.db)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'test.summarize', tenantId, payload: { text: 'Shipped the importer.' } })
  const done = await eventually(async () => { const j = await services.jobs.get(job.id); return j.status === 'success' ? j : undefined }, 10_000, 'the job')
  t.same(done.result, { summary: 'A tidy summary.' })
  const calls = await services.database.db.selectFrom('llm_call').selectAll().execute()
  t.match(calls, [{ tenant_id: tenantId, job_id: job.id, purpose: 'test.summarize', provider: 'openai', model: 'test-model', prompt_tokens: 42, completion_tokens: 7, outcome: 'ok' }])
  const events = await services.jobs.events(job.id)
  t.match(events.find((e) => e.source === 'llm'), { message: 'llm call: test.summarize', data: { model: 'test-model', prompt_tokens: 42, completion_tokens: 7 } })

  const { job: failing } = await services.jobs.enqueue(services.database.db, { type: 'test.summarize', tenantId, payload: { text: 'please fail' } })
  await eventually(async () => (await services.jobs.get(failing.id)).status === 'failed' || undefined, 10_000, 'the failing job')
  const failedCall = await services.database.db.selectFrom('llm_call').selectAll().where('job_id', '=', failing.id).executeTakeFirstOrThrow()
  t.match(failedCall, { outcome: 'llm_http_error', error: /model refuses/ })
})

t.test('a tenant over its monthly token budget gets a failed job and no model call', async (t) => {
  const server = await chatServer(t)
  const provider = createLlmProvider({ provider: 'openai', baseUrl: server.baseUrl, model: 'test-model', maxRetries: 0 }, () => new LocalLlmProvider())
  const registry = registerWorkflows(new JobRegistry()).register('test.summarize', summarizer(provider), { retryLimit: 3 })
  const services = await startTestServices(t, { worker: true, registry })
  const tenantId = await insertTenant(services.database.db)
  await sql`UPDATE tenant SET llm_monthly_token_budget = 100 WHERE id = ${tenantId}`.execute(services.database.db)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'test.summarize', tenantId, payload: { text: 'anything' } })
  const failed = await eventually(async () => { const j = await services.jobs.get(job.id); return j.status === 'failed' ? j : undefined }, 10_000, 'the job to fail')
  t.match(failed.error, /monthly LLM budget is used up: 0 of 100 tokens/)
  t.equal(failed.attempt, 1, 'not retried: waiting will not make the budget bigger')
  t.equal(server.seen.length, 0, 'the model was never called')
  const refused = await services.database.db.selectFrom('llm_call').select(['outcome', 'prompt_tokens']).execute()
  t.same(refused, [{ outcome: 'llm_budget_exceeded', prompt_tokens: 0 }], 'the refusal is accounted for')
})
