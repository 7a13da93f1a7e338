// Every call that reaches a model, seen from the process that makes it (the worker): a
// client span (child of the job step that asked) and the calls/tokens/cost counters per
// provider and model. Wraps the configured provider once, in the composition root, so
// every workflow's calls pass through it; a call the budget check refuses never reaches
// the model and is not counted here (its llm_call row records the refusal).
import { LlmError } from '../llm/llm.errors.ts'
import type { LlmProvider, LlmRequest, LlmResponse } from '../llm/llm.types.ts'
import { DEFAULT_PRICE_TABLE, estimateCostUsd, type PriceTable } from '../llm/usage-recorder.ts'
import type { ServiceMetrics } from './metrics.ts'
import { inSpan, SpanKind } from './tracing.ts'

export function observeLlm (provider: LlmProvider, metrics: Pick<ServiceMetrics, 'llmCall'>, prices: PriceTable = DEFAULT_PRICE_TABLE): LlmProvider {
  return {
    name: provider.name,
    model: provider.model,
    complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      // Attribute names from OpenTelemetry's GenAI conventions, so tracing back ends show them as model calls.
      return inSpan(`chat ${provider.model}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': provider.name,
          'gen_ai.request.model': provider.model,
          'afterresume.llm.purpose': request.purpose,
        },
      }, async (span) => {
        let response: LlmResponse<T>
        try {
          response = await provider.complete(request)
        } catch (error) {
          const spent = error instanceof LlmError ? error.spent : undefined
          const figures = { provider: provider.name, model: provider.model, promptTokens: spent?.promptTokens ?? 0, completionTokens: spent?.completionTokens ?? 0 }
          metrics.llmCall({ ...figures, outcome: error instanceof LlmError ? error.code : 'llm_http_error', costUsd: estimateCostUsd(figures, prices) })
          span?.setAttributes({ 'gen_ai.usage.input_tokens': figures.promptTokens, 'gen_ai.usage.output_tokens': figures.completionTokens, 'error.type': error instanceof LlmError ? error.code : 'llm_http_error' })
          throw error
        }
        const { usage } = response
        metrics.llmCall({ provider: usage.provider, model: usage.model, outcome: 'ok', promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, costUsd: estimateCostUsd(usage, prices) })
        span?.setAttributes({
          'gen_ai.response.model': usage.model,
          'gen_ai.usage.input_tokens': usage.promptTokens,
          'gen_ai.usage.output_tokens': usage.completionTokens,
          'afterresume.llm.attempts': response.attempts,
        })
        return response
      })
    },
  }
}
