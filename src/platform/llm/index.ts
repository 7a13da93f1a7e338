/**
 * Provider factory and the public surface of the LLM layer.
 *
 * The caller maps environment to settings: LLM_PROVIDER → provider,
 * LLM_VLLM_ENDPOINT or OLLAMA_ENDPOINT (plus "/v1" for Ollama's
 * OpenAI-compatible API) → baseUrl, LLM_MODEL_NAME → model.
 */
import { LlmConfigError } from './llm.errors.ts'
import type { LlmProvider, LlmProviderName } from './llm.types.ts'
import { OpenAiCompatibleProvider } from './openai.provider.ts'

export * from './llm.errors.ts'
export * from './llm.types.ts'
export { OpenAiCompatibleProvider, parseAndValidate, parseRetryAfter, type OpenAiProviderOptions } from './openai.provider.ts'
export {
  withCallRecorder,
  estimateCostUsd,
  DEFAULT_PRICE_TABLE,
  type LlmCallRecord,
  type LlmCallOutcome,
  type LlmCallEstimate,
  type CallRecorderOptions,
  type ModelPrice,
  type PriceTable,
} from './usage-recorder.ts'

export interface LlmSettings {
  provider: LlmProviderName;
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

const PROVIDERS: readonly LlmProviderName[] = ['local', 'openai', 'vllm', 'ollama']

/** Where each HTTP provider's base URL usually comes from, for error messages. */
const BASE_URL_HINT: Record<Exclude<LlmProviderName, 'local'>, string> = {
  openai: 'set LLM_BASE_URL (for OpenAI itself: https://api.openai.com/v1)',
  vllm: 'set LLM_VLLM_ENDPOINT to the vLLM server, e.g. http://vllm:8000/v1',
  ollama: 'set OLLAMA_ENDPOINT to the Ollama server; its OpenAI-compatible API lives under /v1, e.g. http://ollama:11434/v1',
}

/**
 * `local` is the caller's: the built-in provider runs the agents' engines, which the
 * platform must not import (docs/architecture.md), so the composition root passes it in.
 */
export function createLlmProvider (settings: LlmSettings, local: () => LlmProvider): LlmProvider {
  if (!PROVIDERS.includes(settings.provider)) {
    throw new LlmConfigError(`Unknown LLM provider '${String(settings.provider)}'; use one of: ${PROVIDERS.join(', ')}.`)
  }
  if (settings.provider === 'local') return local()

  const baseUrl = settings.baseUrl?.trim()
  if (!baseUrl) {
    throw new LlmConfigError(`LLM provider '${settings.provider}' needs a base URL: ${BASE_URL_HINT[settings.provider]}.`)
  }
  try {
    const url = new URL(baseUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`)
  } catch (error) {
    throw new LlmConfigError(`LLM base URL '${baseUrl}' is not a valid http(s) URL.`, { cause: error })
  }
  const model = settings.model?.trim()
  if (!model) {
    throw new LlmConfigError(
      `LLM provider '${settings.provider}' needs a model name: set LLM_MODEL_NAME (e.g. "gpt-4o-mini" for OpenAI, "llama3.1:8b" for Ollama).`
    )
  }
  if (settings.provider === 'openai' && !settings.apiKey && /api\.openai\.com/.test(baseUrl)) {
    throw new LlmConfigError('The OpenAI API needs an API key: set LLM_API_KEY.')
  }
  const options: ConstructorParameters<typeof OpenAiCompatibleProvider>[0] = { providerName: settings.provider, baseUrl, model }
  if (settings.apiKey) options.apiKey = settings.apiKey
  if (settings.timeoutMs !== undefined) options.timeoutMs = settings.timeoutMs
  if (settings.maxRetries !== undefined) options.maxRetries = settings.maxRetries
  return new OpenAiCompatibleProvider(options)
}
