/**
 * Provider for any OpenAI-compatible chat-completions server: OpenAI itself,
 * vLLM, Ollama's /v1 endpoint, LM Studio, llama.cpp server, …
 *
 * Responsibilities beyond a plain HTTP call:
 *  - structured output via `json_schema`, falling back once (and for good, per
 *    instance) to `json_object` for servers that do not support it;
 *  - validation of every JSON answer against the TypeBox schema, with exactly
 *    one repair round-trip before giving up;
 *  - retries for 429/5xx/network failures honouring Retry-After;
 *  - per-attempt timeouts and caller cancellation that really abort the socket.
 */
import { Value } from 'typebox/value'
import {
  LlmAbortedError,
  LlmError,
  LlmHttpError,
  LlmInvalidOutputError,
  LlmRateLimitedError,
  LlmTimeoutError,
  type LlmSpentUsage,
} from './llm.errors.ts'
import {
  estimateTokens,
  type LlmOutputSchema,
  type LlmProvider,
  type LlmProviderName,
  type LlmRequest,
  type LlmResponse,
} from './llm.types.ts'

export interface OpenAiProviderOptions {
  /** Base URL including the version path, e.g. https://api.openai.com/v1 or http://ollama:11434/v1. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Reported in usage; 'vllm' and 'ollama' use this same implementation. */
  providerName?: Exclude<LlmProviderName, 'local'>;
  timeoutMs?: number;
  maxRetries?: number;
  /** Upper bound for any single wait, whatever Retry-After says. */
  maxRetryDelayMs?: number;
  /** First backoff step when the server gives no Retry-After; doubles each retry. */
  backoffBaseMs?: number;
}

interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

type ResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: unknown; strict: true } }
  | { type: 'json_object' }

interface ChatCompletionBody {
  choices?: Array<{ message?: { content?: string | null }; finish_reason?: string }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  model?: string;
}

interface AttemptResult {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

const DEFAULT_TIMEOUT_MS = 60_000
const DEFAULT_MAX_RETRIES = 2
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000
const DEFAULT_BACKOFF_BASE_MS = 500

export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name: Exclude<LlmProviderName, 'local'>
  readonly model: string
  readonly #endpoint: string
  readonly #apiKey: string | undefined
  readonly #timeoutMs: number
  readonly #maxRetries: number
  readonly #maxRetryDelayMs: number
  readonly #backoffBaseMs: number
  /** Flipped to false the first time the server rejects json_schema; later calls go straight to json_object. */
  #jsonSchemaSupported = true

  constructor (options: OpenAiProviderOptions) {
    this.name = options.providerName ?? 'openai'
    this.model = options.model
    this.#endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`
    this.#apiKey = options.apiKey
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS
    this.#backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS
  }

  /** Whether this instance still asks for json_schema structured output. */
  get usesJsonSchema (): boolean {
    return this.#jsonSchemaSupported
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    const started = performance.now()
    const spent: LlmSpentUsage = { promptTokens: 0, completionTokens: 0, attempts: 0 }
    const messages: ChatMessage[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ]

    const first = await this.#exchange(request, messages, spent)
    if (!request.schema) {
      return this.#response<T>(first.content, undefined, spent, started)
    }

    const firstCheck = parseAndValidate(first.content, request.schema)
    if (firstCheck.ok) {
      return this.#response(first.content, firstCheck.value, spent, started)
    }

    // One repair round: show the model its answer and what was wrong with it.
    const repairMessages: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content:
          'Your previous answer is not valid for the required JSON schema. Problems found:\n' +
          firstCheck.errors.map((e) => `- ${e}`).join('\n') +
          '\nReply again with the corrected JSON object only: no prose, no code fences.',
      },
    ]
    const second = await this.#exchange(request, repairMessages, spent)
    const secondCheck = parseAndValidate(second.content, request.schema)
    if (secondCheck.ok) {
      return this.#response(second.content, secondCheck.value, spent, started)
    }
    throw new LlmInvalidOutputError(
      `LLM output for '${request.purpose}' failed validation after a repair attempt: ${secondCheck.errors[0] ?? 'unknown error'}`,
      second.content,
      secondCheck.errors,
      { spent: { ...spent } }
    )
  }

  #response<T>(text: string, json: T | undefined, spent: LlmSpentUsage, started: number): LlmResponse<T> {
    const response: LlmResponse<T> = {
      text,
      usage: {
        provider: this.name,
        model: this.model,
        promptTokens: spent.promptTokens,
        completionTokens: spent.completionTokens,
        latencyMs: Math.round(performance.now() - started),
      },
      attempts: spent.attempts,
    }
    if (json !== undefined) response.json = json
    return response
  }

  /**
   * One logical exchange: POST with retries, plus the json_schema → json_object
   * downgrade. Accumulates usage into `spent`.
   */
  async #exchange<T>(request: LlmRequest<T>, messages: ChatMessage[], spent: LlmSpentUsage): Promise<AttemptResult> {
    let retriesLeft = this.#maxRetries
    let retryNumber = 0
    for (;;) {
      const body = this.#body(request, messages)
      const outcome = await this.#post(request, body, spent)
      if (outcome.kind === 'ok') {
        spent.promptTokens += outcome.result.promptTokens
        spent.completionTokens += outcome.result.completionTokens
        return outcome.result
      }
      if (outcome.kind === 'schema-unsupported') {
        this.#jsonSchemaSupported = false
        continue
      }
      // outcome.kind === 'retryable'
      if (retriesLeft <= 0) throw withSpent(outcome.error, spent)
      retriesLeft -= 1
      const delay = outcome.retryAfterMs ?? this.#backoffBaseMs * 2 ** retryNumber
      retryNumber += 1
      await sleep(Math.min(Math.max(delay, 0), this.#maxRetryDelayMs), request.signal, spent)
    }
  }

  #body<T>(request: LlmRequest<T>, messages: ChatMessage[]): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.schema && !this.#jsonSchemaSupported ? withSchemaHint(messages, request.schema) : messages,
    }
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens
    if (request.temperature !== undefined) body.temperature = request.temperature
    if (request.schema) body.response_format = this.#responseFormat(request.schema)
    return body
  }

  #responseFormat<T>(schema: LlmOutputSchema<T>): ResponseFormat {
    if (!this.#jsonSchemaSupported) return { type: 'json_object' }
    return {
      type: 'json_schema',
      json_schema: { name: schema.name.replace(/[^A-Za-z0-9_-]/g, '_'), schema: schema.schema, strict: true },
    }
  }

  async #post<T>(
    request: LlmRequest<T>,
    body: Record<string, unknown>,
    spent: LlmSpentUsage
  ): Promise<
    | { kind: 'ok'; result: AttemptResult }
    | { kind: 'schema-unsupported' }
    | { kind: 'retryable'; error: LlmError; retryAfterMs: number | undefined }
  > {
    if (request.signal?.aborted) throw new LlmAbortedError({ cause: request.signal.reason, spent: { ...spent } })
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs
    const timeoutSignal = AbortSignal.timeout(timeoutMs)
    const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`

    spent.attempts += 1
    let status: number
    let retryAfter: string | null
    let text: string
    try {
      const res = await fetch(this.#endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal })
      status = res.status
      retryAfter = res.headers.get('retry-after')
      text = await res.text()
    } catch (error) {
      if (request.signal?.aborted) throw new LlmAbortedError({ cause: error, spent: { ...spent } })
      if (timeoutSignal.aborted) throw new LlmTimeoutError(timeoutMs, { cause: error, spent: { ...spent } })
      // Connection refused/reset and similar: transient as far as we can tell.
      return {
        kind: 'retryable',
        error: new LlmHttpError(0, describeNetworkError(error), { cause: error }),
        retryAfterMs: undefined,
      }
    }

    if (status >= 200 && status < 300) {
      return { kind: 'ok', result: this.#readCompletion(text, body, spent) }
    }
    const serverMessage = extractServerMessage(text)
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(retryAfter)
      return {
        kind: 'retryable',
        error: new LlmRateLimitedError(`LLM server rate-limited the request: ${serverMessage}`, retryAfterMs),
        retryAfterMs,
      }
    }
    if (status >= 500) {
      return { kind: 'retryable', error: new LlmHttpError(status, serverMessage), retryAfterMs: parseRetryAfter(retryAfter) }
    }
    const format = body.response_format as ResponseFormat | undefined
    if (status === 400 && format?.type === 'json_schema' && /response_format|json_schema/i.test(text)) {
      return { kind: 'schema-unsupported' }
    }
    throw new LlmHttpError(status, serverMessage, { spent: { ...spent } })
  }

  #readCompletion (text: string, requestBody: Record<string, unknown>, spent: LlmSpentUsage): AttemptResult {
    let parsed: ChatCompletionBody
    try {
      parsed = JSON.parse(text) as ChatCompletionBody
    } catch (error) {
      throw new LlmHttpError(200, `response body is not JSON: ${text.slice(0, 200)}`, { cause: error, spent: { ...spent } })
    }
    const content = parsed.choices?.[0]?.message?.content
    if (typeof content !== 'string') {
      throw new LlmInvalidOutputError('LLM response has no message content', text.slice(0, 2000), ['/choices/0/message/content missing'], {
        spent: { ...spent },
      })
    }
    const promptFallback = estimateTokens(JSON.stringify(requestBody.messages ?? ''))
    return {
      content,
      promptTokens: nonNegativeInt(parsed.usage?.prompt_tokens) ?? promptFallback,
      completionTokens: nonNegativeInt(parsed.usage?.completion_tokens) ?? estimateTokens(content),
    }
  }
}

/** json_object mode has no schema channel, so the schema travels in the system prompt instead. */
function withSchemaHint<T> (messages: ChatMessage[], schema: LlmOutputSchema<T>): ChatMessage[] {
  const hint =
    `\n\nRespond with a single JSON object that validates against this JSON Schema (named "${schema.name}"):\n` +
    JSON.stringify(schema.schema)
  return messages.map((m, i) => (i === 0 && m.role === 'system' ? { ...m, content: m.content + hint } : m))
}

type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] }

/** Parses model text as JSON (tolerating code fences and surrounding prose) and validates it. */
export function parseAndValidate<T> (text: string, schema: LlmOutputSchema<T>): ValidationResult<T> {
  let value: unknown
  try {
    value = JSON.parse(extractJson(text))
  } catch (error) {
    return { ok: false, errors: [`answer is not valid JSON (${error instanceof Error ? error.message : String(error)})`] }
  }
  if (Value.Check(schema.schema, value)) return { ok: true, value: value as T }
  const errors = Value.Errors(schema.schema, value).map((e) => `${e.instancePath || '/'} ${e.message}`)
  return { ok: false, errors: errors.length > 0 ? errors.slice(0, 10) : ['value does not match the schema'] }
}

function extractJson (text: string): string {
  const trimmed = text.trim()
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed)
  if (fenced?.[1] !== undefined) return fenced[1]
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed
  // Some models wrap the object in a sentence; take the outermost braces.
  const start = trimmed.indexOf('{')
  const end = trimmed.lastIndexOf('}')
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter (header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

function extractServerMessage (text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown }
    if (typeof parsed.error === 'string') return parsed.error
    if (parsed.error && typeof parsed.error.message === 'string') return parsed.error.message
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim().slice(0, 300) || '(empty response body)'
}

function describeNetworkError (error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause
    if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`
    return error.message
  }
  return String(error)
}

function nonNegativeInt (value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined
}

function withSpent (error: LlmError, spent: LlmSpentUsage): LlmError {
  // Re-create with the usage spent so far so the recorder can account for it.
  if (error instanceof LlmRateLimitedError) {
    return new LlmRateLimitedError(error.message, error.retryAfterMs, { cause: error.cause, spent: { ...spent } })
  }
  if (error instanceof LlmHttpError) {
    return new LlmHttpError(error.status, error.serverMessage, { cause: error.cause, spent: { ...spent } })
  }
  return error
}

/** Waits between retries; a caller abort ends the wait at once. */
function sleep (ms: number, signal: AbortSignal | undefined, spent: LlmSpentUsage): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LlmAbortedError({ cause: signal.reason, spent: { ...spent } }))
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new LlmAbortedError({ cause: signal?.reason, spent: { ...spent } }))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
