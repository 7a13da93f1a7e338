/**
 * The one interface every LLM provider implements. Agents only ever see
 * `LlmProvider`; which backend answers (the deterministic local engine or an
 * OpenAI-compatible server) is a deployment decision.
 */
import type { TSchema, Static } from 'typebox'

export type LlmProviderName = 'local' | 'openai' | 'vllm' | 'ollama'

/**
 * A JSON schema the answer must satisfy. `T` is carried only at the type level
 * so `complete()` can return `LlmResponse<T>` without casts at call sites.
 */
export interface LlmOutputSchema<T> {
  /** Short identifier, sent to servers as the json_schema name (letters, digits, _ and -). */
  name: string;
  schema: TSchema;
  /** Phantom marker for the static type; never set at run time. */
  readonly __output?: T;
}

export function outputSchema<S extends TSchema> (name: string, schema: S): LlmOutputSchema<Static<S>> {
  return { name, schema }
}

/**
 * A structured description of the work, for the local engine. HTTP providers
 * ignore it and work from the prompt text, which carries the same information.
 * Its shapes belong to the agents (src/agents/tasks.ts), which is also where the
 * local provider that reads them lives; the platform only carries it.
 */
export interface LlmTask {
  readonly kind: string
  readonly input: unknown
}

export interface LlmRequest<T = unknown> {
  /** What the call is for ('worklog.analyze', …); used for accounting and events. */
  purpose: string;
  system: string;
  user: string;
  schema?: LlmOutputSchema<T>;
  task?: LlmTask;
  maxTokens?: number;
  temperature?: number;
  /** Per HTTP attempt; providers default to 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LlmUsage {
  provider: LlmProviderName;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
}

export interface LlmResponse<T = unknown> {
  text: string;
  /** Present when the request carried a schema; already validated against it. */
  json?: T;
  usage: LlmUsage;
  /** HTTP attempts made, including retries and the repair attempt (1 for the local provider). */
  attempts: number;
}

export interface LlmProvider {
  readonly name: LlmProviderName;
  readonly model: string;
  complete<T = unknown>(request: LlmRequest<T>): Promise<LlmResponse<T>>;
}

/**
 * Deterministic token estimate (~4 characters per token for English prose and
 * code). Used when a server reports no usage and for the local provider.
 */
export function estimateTokens (text: string): number {
  if (text.length === 0) return 0
  return Math.ceil(text.length / 4)
}
