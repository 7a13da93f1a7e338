/**
 * The LLM error family. Every failure a provider can produce is one of these,
 * so callers (workflows, the call recorder) can branch on `code` without
 * string-matching messages, and the recorder can store the code as the call's
 * outcome.
 */

export const LLM_ERROR_CODES = [
  'llm_timeout',
  'llm_rate_limited',
  'llm_http_error',
  'llm_invalid_output',
  'llm_aborted',
  'llm_budget_exceeded',
  'llm_config',
] as const

export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number]

/** Token usage already spent when a call failed (e.g. a failed repair attempt still costs tokens). */
export interface LlmSpentUsage {
  promptTokens: number;
  completionTokens: number;
  attempts: number;
}

export interface LlmErrorOptions {
  cause?: unknown;
  spent?: LlmSpentUsage;
}

export class LlmError extends Error {
  readonly code: LlmErrorCode
  /** Tokens consumed before the failure, when the provider knows them. */
  readonly spent: LlmSpentUsage | undefined

  constructor (code: LlmErrorCode, message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LlmError'
    this.code = code
    this.spent = options.spent
  }
}

export class LlmTimeoutError extends LlmError {
  readonly timeoutMs: number
  constructor (timeoutMs: number, options: LlmErrorOptions = {}) {
    super('llm_timeout', `LLM call timed out after ${timeoutMs} ms`, options)
    this.name = 'LlmTimeoutError'
    this.timeoutMs = timeoutMs
  }
}

export class LlmRateLimitedError extends LlmError {
  readonly retryAfterMs: number | undefined
  constructor (message: string, retryAfterMs: number | undefined, options: LlmErrorOptions = {}) {
    super('llm_rate_limited', message, options)
    this.name = 'LlmRateLimitedError'
    this.retryAfterMs = retryAfterMs
  }
}

export class LlmHttpError extends LlmError {
  /** HTTP status, or 0 when the request never got a response (connection refused, reset, DNS). */
  readonly status: number
  readonly serverMessage: string
  constructor (status: number, serverMessage: string, options: LlmErrorOptions = {}) {
    super(
      'llm_http_error',
      status === 0 ? `LLM request failed: ${serverMessage}` : `LLM server answered HTTP ${status}: ${serverMessage}`,
      options
    )
    this.name = 'LlmHttpError'
    this.status = status
    this.serverMessage = serverMessage
  }
}

export class LlmInvalidOutputError extends LlmError {
  /** The raw text of the last answer, kept for debugging (never shown to end users). */
  readonly rawText: string
  readonly validationErrors: string[]
  constructor (message: string, rawText: string, validationErrors: string[], options: LlmErrorOptions = {}) {
    super('llm_invalid_output', message, options)
    this.name = 'LlmInvalidOutputError'
    this.rawText = rawText
    this.validationErrors = validationErrors
  }
}

export class LlmAbortedError extends LlmError {
  constructor (options: LlmErrorOptions = {}) {
    super('llm_aborted', 'LLM call aborted by the caller', options)
    this.name = 'LlmAbortedError'
  }
}

export class LlmBudgetExceededError extends LlmError {
  constructor (message: string, options: LlmErrorOptions = {}) {
    super('llm_budget_exceeded', message, options)
    this.name = 'LlmBudgetExceededError'
  }
}

export class LlmConfigError extends LlmError {
  constructor (message: string, options: LlmErrorOptions = {}) {
    super('llm_config', message, options)
    this.name = 'LlmConfigError'
  }
}

export function isLlmError (value: unknown): value is LlmError {
  return value instanceof LlmError
}
