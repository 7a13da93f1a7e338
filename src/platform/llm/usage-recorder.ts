/**
 * Accounting for LLM calls. `withCallRecorder` wraps any provider so that every
 * call, successful or not, produces exactly one `LlmCallRecord`. The workflow
 * layer turns those records into `llm_call` rows and events; a `beforeCall`
 * hook lets it refuse a call up front (budget checks) by throwing.
 */
import { LlmError, type LlmErrorCode } from './llm.errors.ts'
import {
  estimateTokens,
  type LlmProvider,
  type LlmProviderName,
  type LlmRequest,
  type LlmResponse,
} from './llm.types.ts'

export type LlmCallOutcome = 'ok' | LlmErrorCode

export interface LlmCallRecord {
  purpose: string;
  provider: LlmProviderName;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  outcome: LlmCallOutcome;
  error?: string;
}

/** What is known before a call is made, for budget decisions. */
export interface LlmCallEstimate {
  purpose: string;
  provider: LlmProviderName;
  model: string;
  promptTokens: number;
  /** Upper bound on completion tokens: the request's maxTokens, or a default guess. */
  maxCompletionTokens: number;
}

export interface CallRecorderOptions {
  /** Throw (ideally an LlmBudgetExceededError) to refuse the call; the refusal is recorded too. */
  beforeCall?: (estimate: LlmCallEstimate) => void | Promise<void>;
}

/** When a request sets no maxTokens we assume this many for budget estimates. */
const DEFAULT_COMPLETION_ESTIMATE = 1024

export function withCallRecorder (
  provider: LlmProvider,
  record: (entry: LlmCallRecord) => Promise<void>,
  options: CallRecorderOptions = {}
): LlmProvider {
  return {
    name: provider.name,
    model: provider.model,
    async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      const promptTokens = estimateTokens(request.system) + estimateTokens(request.user)
      const started = performance.now()
      let response: LlmResponse<T>
      try {
        if (options.beforeCall) {
          await options.beforeCall({
            purpose: request.purpose,
            provider: provider.name,
            model: provider.model,
            promptTokens,
            maxCompletionTokens: request.maxTokens ?? DEFAULT_COMPLETION_ESTIMATE,
          })
        }
        response = await provider.complete(request)
      } catch (error) {
        const spent = error instanceof LlmError ? error.spent : undefined
        const failure: LlmCallRecord = {
          purpose: request.purpose,
          provider: provider.name,
          model: provider.model,
          // A refused or failed call may still have consumed tokens (e.g. a bad answer plus a bad repair).
          promptTokens: spent?.promptTokens ?? 0,
          completionTokens: spent?.completionTokens ?? 0,
          latencyMs: Math.round(performance.now() - started),
          outcome: outcomeOf(error),
          error: error instanceof Error ? error.message : String(error),
        }
        // The LLM failure is what the caller needs to see; a failing recorder must not mask it.
        await record(failure).catch(() => undefined)
        throw error
      }
      // On success a recorder failure propagates: silently losing accounting rows would break budgets.
      await record({
        purpose: request.purpose,
        provider: response.usage.provider,
        model: response.usage.model,
        promptTokens: response.usage.promptTokens,
        completionTokens: response.usage.completionTokens,
        latencyMs: response.usage.latencyMs,
        outcome: 'ok',
      })
      return response
    },
  }
}

function outcomeOf (error: unknown): LlmErrorCode {
  if (error instanceof LlmError) return error.code
  // Providers only throw LlmErrors; anything else escaped from transport code.
  return 'llm_http_error'
}

// ---------------------------------------------------------------------------
// Cost estimation
// ---------------------------------------------------------------------------

export interface ModelPrice {
  /** USD per 1,000 prompt tokens. */
  promptPer1k: number;
  /** USD per 1,000 completion tokens. */
  completionPer1k: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>

/**
 * List prices at the time of writing. Deployments override this from config
 * because prices change; the local engine is free by construction.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  'afterresume-local-v1': { promptPer1k: 0, completionPer1k: 0 },
  'gpt-4o-mini': { promptPer1k: 0.00015, completionPer1k: 0.0006 },
  'gpt-4o': { promptPer1k: 0.0025, completionPer1k: 0.01 },
  'gpt-4.1': { promptPer1k: 0.002, completionPer1k: 0.008 },
  'gpt-4.1-mini': { promptPer1k: 0.0004, completionPer1k: 0.0016 },
  'gpt-4.1-nano': { promptPer1k: 0.0001, completionPer1k: 0.0004 },
}

/** Self-hosted servers cost nothing per token unless the table says otherwise. */
const SELF_HOSTED: ReadonlySet<LlmProviderName> = new Set(['local', 'vllm', 'ollama'])

/**
 * USD cost of one call, or null when the model has no price and is not
 * self-hosted (callers should treat unknown as "cannot budget", not as free).
 */
export function estimateCostUsd (
  record: Pick<LlmCallRecord, 'provider' | 'model' | 'promptTokens' | 'completionTokens'>,
  priceTable: PriceTable = DEFAULT_PRICE_TABLE
): number | null {
  const price = priceTable[record.model]
  if (!price) return SELF_HOSTED.has(record.provider) ? 0 : null
  const cost = (record.promptTokens / 1000) * price.promptPer1k + (record.completionTokens / 1000) * price.completionPer1k
  // Round to micro-dollars so sums over many rows stay stable.
  return Math.round(cost * 1_000_000) / 1_000_000
}
