/**
 * The one way agents talk to a provider: a structured request whose answer
 * must come back as schema-valid JSON. Logs the call through the agent
 * context so the workflow layer can turn it into events.
 */
import { LlmInvalidOutputError } from '../platform/llm/llm.errors.ts'
import type { LlmOutputSchema, LlmProvider, LlmRequest, LlmResponse, LlmTask } from '../platform/llm/llm.types.ts'
import type { AgentContext } from './agent.types.ts'

export interface StructuredAsk<T> {
  purpose: string;
  promptVersion: string;
  system: string;
  user: string;
  schema: LlmOutputSchema<T>;
  task: LlmTask;
  maxTokens: number;
  /** Low by default: these are extraction and rewriting tasks, not creative writing. */
  temperature?: number;
}

export async function askForJson<T> (ctx: AgentContext, provider: LlmProvider, ask: StructuredAsk<T>): Promise<{ json: T; response: LlmResponse<T> }> {
  const request: LlmRequest<T> = {
    purpose: ask.purpose,
    system: ask.system,
    user: ask.user,
    schema: ask.schema,
    task: ask.task,
    maxTokens: ask.maxTokens,
    temperature: ask.temperature ?? 0.2,
  }
  if (ctx.signal) request.signal = ctx.signal
  ctx.log('debug', `${ask.purpose}: calling ${provider.name}/${provider.model}`, { promptVersion: ask.promptVersion })
  const response = await provider.complete(request)
  if (response.json === undefined) {
    // Providers validate whenever a schema is given; a missing json means a provider bug, reported as invalid output.
    throw new LlmInvalidOutputError(`${provider.name} returned no JSON for '${ask.purpose}'`, response.text, ['json missing'])
  }
  ctx.log('info', `${ask.purpose}: answered by ${response.usage.provider}/${response.usage.model}`, {
    promptVersion: ask.promptVersion,
    promptTokens: response.usage.promptTokens,
    completionTokens: response.usage.completionTokens,
    latencyMs: response.usage.latencyMs,
    attempts: response.attempts,
  })
  return { json: response.json, response }
}
