import t from 'tap'
import { Type } from 'typebox'
import {
  createLlmProvider,
  estimateCostUsd,
  LlmBudgetExceededError,
  LlmError,
  OpenAiCompatibleProvider,
  outputSchema,
  parseRetryAfter,
  withCallRecorder,
  type LlmCallRecord,
} from '../../../src/platform/llm/index.ts'
import { completion, hang, startChatServer, status } from '../../helpers/chat-server.ts'

const Answer = Type.Object({ verdict: Type.Enum(['yes', 'no']), score: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false })
const ANSWER = outputSchema('verdict', Answer)

function provider (baseUrl: string, extra: Partial<ConstructorParameters<typeof OpenAiCompatibleProvider>[0]> = {}) {
  return new OpenAiCompatibleProvider({ baseUrl, model: 'test-model', apiKey: 'sk-test', backoffBaseMs: 20, ...extra })
}

const ask = { purpose: 'test.verdict', system: 'Answer with JSON.', user: 'Is the sky blue?', schema: ANSWER }

t.test('returns schema-valid JSON with usage from the response', async (t) => {
  const server = await startChatServer(t, [completion('{"verdict":"yes","score":0.9}', { prompt_tokens: 321, completion_tokens: 54 })])
  const res = await provider(server.baseUrl).complete({ ...ask, maxTokens: 100, temperature: 0 })
  t.same(res.json, { verdict: 'yes', score: 0.9 })
  t.equal(res.usage.promptTokens, 321)
  t.equal(res.usage.completionTokens, 54)
  t.equal(res.usage.provider, 'openai')
  t.equal(res.usage.model, 'test-model')
  t.equal(res.attempts, 1)
  const req = server.seen[0]!
  t.equal(req.url, '/v1/chat/completions')
  t.equal(req.headers.authorization, 'Bearer sk-test')
  t.equal(req.body.max_tokens, 100)
  t.equal(req.body.response_format?.type, 'json_schema')
  t.equal(req.body.response_format?.json_schema?.name, 'verdict')
  t.equal(req.body.response_format?.json_schema?.strict, true)
  t.same(req.body.messages.map((m) => m.role), ['system', 'user'])
})

t.test('falls back to json_object when json_schema is unsupported, and remembers it', async (t) => {
  const server = await startChatServer(t, [
    status(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."),
    completion('{"verdict":"no","score":0.2}'),
    completion('{"verdict":"yes","score":0.7}'),
  ])
  const p = provider(server.baseUrl)
  const first = await p.complete(ask)
  t.same(first.json, { verdict: 'no', score: 0.2 })
  t.equal(first.attempts, 2)
  t.equal(server.seen[1]?.body.response_format?.type, 'json_object')
  t.match(server.seen[1]?.body.messages[0]?.content, /JSON Schema/, 'schema travels in the system prompt')
  t.equal(p.usesJsonSchema, false)
  const second = await p.complete(ask)
  t.same(second.json, { verdict: 'yes', score: 0.7 })
  t.equal(server.seen.length, 3, 'second call goes straight to json_object')
  t.equal(server.seen[2]?.body.response_format?.type, 'json_object')
})

t.test('repairs malformed JSON with one extra call', async (t) => {
  const server = await startChatServer(t, [
    completion('Sure! {"verdict": "yes", "score": 0.9', { prompt_tokens: 100, completion_tokens: 10 }),
    completion('{"verdict":"yes","score":0.9}', { prompt_tokens: 150, completion_tokens: 12 }),
  ])
  const res = await provider(server.baseUrl).complete(ask)
  t.same(res.json, { verdict: 'yes', score: 0.9 })
  t.equal(res.attempts, 2)
  t.equal(res.usage.promptTokens, 250, 'usage sums both calls')
  t.equal(res.usage.completionTokens, 22)
  const repair = server.seen[1]!.body.messages
  t.same(repair.map((m) => m.role), ['system', 'user', 'assistant', 'user'])
  t.equal(repair[2]?.content, 'Sure! {"verdict": "yes", "score": 0.9')
  t.match(repair[3]?.content, /not valid JSON/)
})

t.test('still-invalid JSON after repair fails with llm_invalid_output naming the first error', async (t) => {
  const server = await startChatServer(t, [completion('{"verdict":"maybe","score":0.5}'), completion('{"verdict":"maybe","score":0.5}')])
  const error = await provider(server.baseUrl).complete(ask).then(
    () => null,
    (e: unknown) => e
  )
  t.ok(error instanceof LlmError)
  t.equal((error as LlmError).code, 'llm_invalid_output')
  t.match((error as LlmError).message, /\/verdict/)
  t.equal(server.seen.length, 2, 'exactly one repair attempt')
  t.match(server.seen[1]?.body.messages[3]?.content, /\/verdict/, 'the repair prompt carries the validation errors')
})

t.test('429 with Retry-After is honoured, then retried', async (t) => {
  const server = await startChatServer(t, [status(429, 'Rate limit reached', { 'retry-after': '1' }), completion('{"verdict":"yes","score":1}')])
  const started = Date.now()
  const res = await provider(server.baseUrl).complete(ask)
  t.same(res.json, { verdict: 'yes', score: 1 })
  t.equal(server.seen.length, 2)
  const waited = server.seen[1]!.at - server.seen[0]!.at
  t.ok(waited >= 950, `waited ${waited} ms between attempts`)
  t.ok(Date.now() - started >= 950)
  t.equal(res.attempts, 2)
})

t.test('500 is retried with backoff', async (t) => {
  const server = await startChatServer(t, [status(500, 'upstream exploded'), completion('{"verdict":"no","score":0}')])
  const res = await provider(server.baseUrl).complete(ask)
  t.same(res.json, { verdict: 'no', score: 0 })
  t.equal(server.seen.length, 2)
})

t.test('5xx beyond maxRetries fails with llm_http_error carrying the status', async (t) => {
  const server = await startChatServer(t, [status(503, 'overloaded')])
  const error = (await provider(server.baseUrl, { maxRetries: 1 }).complete(ask).catch((e: unknown) => e)) as LlmError & { status: number }
  t.equal(error.code, 'llm_http_error')
  t.equal(error.status, 503)
  t.equal(server.seen.length, 2)
})

t.test('other 4xx fail at once with the server message', async (t) => {
  const server = await startChatServer(t, [status(401, 'Incorrect API key provided')])
  const error = (await provider(server.baseUrl).complete(ask).catch((e: unknown) => e)) as LlmError & { status: number; serverMessage: string }
  t.equal(error.code, 'llm_http_error')
  t.equal(error.status, 401)
  t.equal(error.serverMessage, 'Incorrect API key provided')
  t.equal(server.seen.length, 1, 'not retried')
})

t.test('a slow server times out with llm_timeout', async (t) => {
  const server = await startChatServer(t, [hang])
  const started = Date.now()
  const error = (await provider(server.baseUrl, { timeoutMs: 250 }).complete(ask).catch((e: unknown) => e)) as LlmError
  t.equal(error.code, 'llm_timeout')
  const elapsed = Date.now() - started
  t.ok(elapsed >= 240 && elapsed < 3000, `gave up after ${elapsed} ms`)
  t.equal(server.seen.length, 1, 'timeouts are not retried')
})

t.test('caller abort ends the call with llm_aborted and closes the connection', async (t) => {
  const server = await startChatServer(t, [hang])
  const controller = new AbortController()
  const pending = provider(server.baseUrl).complete({ ...ask, signal: controller.signal })
  while (server.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  controller.abort(new Error('user cancelled'))
  const error = (await pending.catch((e: unknown) => e)) as LlmError
  t.equal(error.code, 'llm_aborted')
  const closedInTime = await Promise.race([server.closed[0]!.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000))])
  t.ok(closedInTime, 'server saw the request connection close')
})

t.test('free-text requests return the text without JSON', async (t) => {
  const server = await startChatServer(t, [completion('The sky is blue.')])
  const res = await provider(server.baseUrl).complete({ purpose: 'test.text', system: 's', user: 'u' })
  t.equal(res.text, 'The sky is blue.')
  t.equal(res.json, undefined)
  t.equal(server.seen[0]?.body.response_format, undefined)
})

t.test('usage falls back to estimates when the server sends none', async (t) => {
  const server = await startChatServer(t, [
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ choices: [{ message: { content: '{"verdict":"yes","score":0.5}' } }] }))
    },
  ])
  const res = await provider(server.baseUrl).complete(ask)
  // About four characters a token, rounded up: the two messages as sent are 94 characters
  // of JSON (24 tokens), the reply's content 29 (8 tokens).
  t.same(server.seen[0]?.body.messages, [{ role: 'system', content: 'Answer with JSON.' }, { role: 'user', content: 'Is the sky blue?' }])
  t.equal(res.usage.promptTokens, 24)
  t.equal(res.usage.completionTokens, 8)
})

t.test('call recorder reports one record per call with its outcome', async (t) => {
  const server = await startChatServer(t, [
    completion('{"verdict":"yes","score":0.4}', { prompt_tokens: 80, completion_tokens: 9 }),
    status(400, 'bad request: unknown field'),
  ])
  const records: LlmCallRecord[] = []
  const recorded = withCallRecorder(provider(server.baseUrl), async (r) => {
    records.push(r)
  })
  await recorded.complete(ask)
  await recorded.complete(ask).catch(() => undefined)
  t.equal(records.length, 2)
  t.match(records[0], { purpose: 'test.verdict', provider: 'openai', model: 'test-model', promptTokens: 80, completionTokens: 9, outcome: 'ok' })
  t.equal(records[0]?.error, undefined)
  t.match(records[1], { purpose: 'test.verdict', outcome: 'llm_http_error' })
  t.match(records[1]?.error, /400/)
})

t.test('beforeCall can refuse a call; the refusal is recorded and no request is sent', async (t) => {
  const server = await startChatServer(t, [completion('{"verdict":"yes","score":0.4}')])
  const records: LlmCallRecord[] = []
  const estimates: number[] = []
  const recorded = withCallRecorder(
    provider(server.baseUrl),
    async (r) => {
      records.push(r)
    },
    {
      beforeCall: (estimate) => {
        estimates.push(estimate.maxCompletionTokens)
        throw new LlmBudgetExceededError('daily LLM budget of $1.00 reached')
      },
    }
  )
  const error = (await recorded.complete({ ...ask, maxTokens: 500 }).catch((e: unknown) => e)) as LlmError
  t.equal(error.code, 'llm_budget_exceeded')
  t.same(estimates, [500])
  t.equal(server.seen.length, 0)
  t.equal(records.length, 1)
  t.equal(records[0]?.outcome, 'llm_budget_exceeded')
})

t.test('estimateCostUsd uses the price table; local and self-hosted models are free', async (t) => {
  t.equal(estimateCostUsd({ provider: 'openai', model: 'gpt-4o-mini', promptTokens: 10_000, completionTokens: 2_000 }), 0.0027)
  t.equal(estimateCostUsd({ provider: 'local', model: 'afterresume-local-v1', promptTokens: 10_000, completionTokens: 2_000 }), 0)
  t.equal(estimateCostUsd({ provider: 'ollama', model: 'llama3.1:8b', promptTokens: 10_000, completionTokens: 2_000 }), 0)
  t.equal(estimateCostUsd({ provider: 'openai', model: 'unknown-model', promptTokens: 1, completionTokens: 1 }), null)
  t.equal(estimateCostUsd({ provider: 'openai', model: 'custom', promptTokens: 1000, completionTokens: 1000 }, { custom: { promptPer1k: 1, completionPer1k: 2 } }), 3)
})

t.test('parseRetryAfter understands seconds and HTTP dates', async (t) => {
  t.equal(parseRetryAfter('2'), 2000)
  t.equal(parseRetryAfter(null), undefined)
  const now = Date.parse('2025-01-01T00:00:00Z')
  t.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('not a date'), undefined)
})

t.test('createLlmProvider validates settings with actionable errors', async (t) => {
  const local = new OpenAiCompatibleProvider({ providerName: 'openai', baseUrl: 'http://local.invalid/v1', model: 'stand-in for the local provider' })
  const noLocal = (): never => { throw new Error('the local provider is not wanted here') }
  t.equal(createLlmProvider({ provider: 'local' }, () => local), local, 'local: whatever the composition root passes in')
  const missingUrl = t.throws(() => createLlmProvider({ provider: 'ollama', model: 'llama3.1' }, noLocal)) as unknown as LlmError
  t.equal(missingUrl.code, 'llm_config')
  t.match(missingUrl.message, /OLLAMA_ENDPOINT.*\/v1/)
  const missingModel = t.throws(() => createLlmProvider({ provider: 'vllm', baseUrl: 'http://vllm:8000/v1' }, noLocal)) as unknown as LlmError
  t.match(missingModel.message, /LLM_MODEL_NAME/)
  t.throws(() => createLlmProvider({ provider: 'openai', baseUrl: 'ftp://x', model: 'm' }, noLocal), { code: 'llm_config' })
  const vllm = createLlmProvider({ provider: 'vllm', baseUrl: 'http://vllm:8000/v1', model: 'qwen' }, noLocal)
  t.equal(vllm.name, 'vllm')
  t.equal(vllm.model, 'qwen')
})
