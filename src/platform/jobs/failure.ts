// What a job failure may show, and to whom. The job row and its events keep the whole
// error (message, class, stack) for staff: /system/*, psql and the logs. Tenant users —
// read_only members included — see a message meant for them and a code: the messages of
// errors raised on purpose (PermanentJobError, AppError, LlmError) are written for users;
// anything else (a PostgreSQL error, a TypeError, a bug) may name tables, constraints or
// server paths, so it is shown as a generic internal error.
import { AppError } from '../errors.ts'
import { LlmError, LLM_ERROR_CODES } from '../llm/llm.errors.ts'
import type { JsonObject } from '../db/json.ts'

/**
 * Thrown by a workflow for a failure no retry can fix (bad input, budget exhausted). Its
 * message is shown to the tenant's users: write it for them.
 */
export class PermanentJobError extends Error {
  /** What kind of failure it is, when more is known than "permanent" (e.g. insufficient_credits). */
  readonly code: string | undefined

  constructor (message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'PermanentJobError'
    this.code = options?.code
  }
}

/**
 * Thrown by a workflow that was told by someone else's server to come back later (a rate
 * limit with a reset time). The attempt fails like any other (it uses one of the type's
 * retries), but its retry starts at `retryAt` instead of after the type's backoff; a
 * worker never sleeps through the wait. Its message is shown to the tenant's users.
 */
export class RetryLaterError extends Error {
  readonly retryAt: Date
  constructor (message: string, retryAt: Date, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RetryLaterError'
    this.retryAt = retryAt
  }
}

export const RETRY_LATER = 'retry_later'
export const INTERNAL_ERROR = 'internal_error'
const INTERNAL_MESSAGE = 'The job failed because of an internal error. The operators can look it up by the job id.'
/** An LLM server's own error text can carry its address or a provider's internals. */
const LLM_HTTP_MESSAGE = 'The language model server did not answer as expected.'

/** Event data keys only staff see: the error's class and stack, and which process ran it. */
const INTERNAL_EVENT_KEYS = new Set(['stack', 'error_name', 'worker', 'cause'])

/** The code stored beside a failure's message (job.error_code, event data.error_code). */
export function failureCode (error: Error): string {
  if (error instanceof PermanentJobError) {
    return error.code ?? (error.cause instanceof LlmError ? error.cause.code : 'permanent_failure')
  }
  if (error instanceof RetryLaterError) return RETRY_LATER
  if (error instanceof AppError || error instanceof LlmError) return error.code
  return INTERNAL_ERROR
}

/** The message a tenant user may read for a failure with this code. */
export function publicFailureMessage (code: string | null, message: string): string {
  if (code === null || code === INTERNAL_ERROR) return INTERNAL_MESSAGE
  if (code === 'llm_http_error') return LLM_HTTP_MESSAGE
  return message
}

/** A job's error as the tenant API shows it; a failure without a code is internal. */
export function publicJobError (job: { error: string | null; error_code: string | null }): { error: string | null; error_code: string | null } {
  if (job.error === null) return { error: null, error_code: job.error_code }
  const code = job.error_code ?? INTERNAL_ERROR
  return { error: publicFailureMessage(code, job.error), error_code: code }
}

/**
 * An event as the tenant API shows it: internal data keys dropped, and a raw `error` —
 * in the data and wherever the message quotes it — replaced by its public message. Its
 * code is data.error_code, or for an LLM call event the call's outcome.
 */
export function publicEvent (event: { message: string; data: JsonObject }): { message: string; data: JsonObject } {
  const { message, data } = event
  const shown: JsonObject = {}
  for (const [key, value] of Object.entries(data)) {
    if (!INTERNAL_EVENT_KEYS.has(key)) shown[key] = value
  }
  if (typeof data.error !== 'string') return { message, data: shown }
  const code = typeof data.error_code === 'string'
    ? data.error_code
    : typeof data.outcome === 'string' && (LLM_ERROR_CODES as readonly string[]).includes(data.outcome) ? data.outcome : INTERNAL_ERROR
  const safe = publicFailureMessage(code, data.error)
  shown.error = safe
  shown.error_code = code
  return { message: data.error === '' ? message : message.replaceAll(data.error, safe), data: shown }
}
