// What a job costs in credits (docs/billing.md). Two rules, chosen by configuration:
// CREDITS_PER_1K_TOKENS prices tokens directly; without it a job costs the USD estimate
// the llm_call ledger already computes (DEFAULT_PRICE_TABLE) at CREDITS_PER_USD. Either
// way a job costs at least CREDITS_MIN_PER_JOB, so a free self-hosted model still spends
// credits and a tenant with none cannot run AI work. Pure functions: no database here.
import type { BillingSettings } from '../../config.ts'
import { estimateCostUsd, type PriceTable } from '../../platform/llm/usage-recorder.ts'
import type { LlmProviderName } from '../../platform/llm/llm.types.ts'

export interface CreditPricing {
  readonly perThousandTokens: number | undefined
  readonly perUsd: number
  readonly minPerJob: number
  /** The configured model, whose price sizes a reservation when tokens are not priced directly. */
  readonly model: { readonly provider: LlmProviderName; readonly name: string }
  readonly prices?: PriceTable
}

/** One llm_call row, as much of it as pricing reads. */
export interface CallUsage {
  prompt_tokens: number
  completion_tokens: number
  cost_usd: number | null
}

export function creditPricing (settings: BillingSettings['pricing'], model: CreditPricing['model']): CreditPricing {
  return { perThousandTokens: settings.perThousandTokens, perUsd: settings.perUsd, minPerJob: settings.minPerJob, model }
}

/** Up to the next whole credit; products like 0.1 × 30 must not round 3 up to 4. */
function wholeCredits (credits: number): number {
  return Math.ceil(Math.round(credits * 1e6) / 1e6)
}

/**
 * The hold for a job expected to use up to `estimatedTokens`: every token priced as a
 * completion token (the dearer kind), so the hold is an upper bound of its charge.
 */
export function reservationFor (pricing: CreditPricing, estimatedTokens: number): number {
  const priced = pricing.perThousandTokens !== undefined
    ? estimatedTokens * pricing.perThousandTokens / 1000
    : (estimateCostUsd({ provider: pricing.model.provider, model: pricing.model.name, promptTokens: 0, completionTokens: estimatedTokens }, pricing.prices) ?? 0) * pricing.perUsd
  return Math.max(pricing.minPerJob, wholeCredits(priced))
}

/**
 * What a job that succeeded is charged for its calls (every attempt's: a failed attempt
 * still used tokens). A call whose model has no known price (cost_usd NULL) counts as
 * free under USD pricing; set CREDITS_PER_1K_TOKENS for such models.
 */
export function chargeFor (pricing: CreditPricing, calls: readonly CallUsage[]): number {
  const priced = pricing.perThousandTokens !== undefined
    ? calls.reduce((sum, c) => sum + c.prompt_tokens + c.completion_tokens, 0) * pricing.perThousandTokens / 1000
    : calls.reduce((sum, c) => sum + (c.cost_usd ?? 0), 0) * pricing.perUsd
  return Math.max(pricing.minPerJob, wholeCredits(priced))
}
