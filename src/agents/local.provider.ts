/**
 * The default provider (`LLM_PROVIDER=local`): no model, no network. Requests
 * that carry a structured `task` are answered by deterministic engines
 * (taxonomy skill matching, metric patterns, extractive summaries, report and
 * resume templates); requests without one get an extractive summary of the
 * user message. Same request, same answer, every time.
 */
import { LlmAbortedError, LlmInvalidOutputError } from '../platform/llm/llm.errors.ts'
import { estimateTokens, type LlmProvider, type LlmRequest, type LlmResponse } from '../platform/llm/llm.types.ts'
import { parseAndValidate } from '../platform/llm/openai.provider.ts'
import { describeLocalResult, runLocalTask, summarizeText } from './engines/index.ts'
import { isAgentTask } from './tasks.ts'

export const LOCAL_MODEL = 'afterresume-local-v1'

export class LocalLlmProvider implements LlmProvider {
  readonly name = 'local' as const
  readonly model = LOCAL_MODEL

  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    if (request.signal?.aborted) throw new LlmAbortedError({ cause: request.signal.reason })
    const started = performance.now()
    const promptTokens = estimateTokens(request.system) + estimateTokens(request.user)

    if (request.task === undefined || !isAgentTask(request.task)) {
      const text = summarizeText(request.user)
      return this.#response<T>(text, undefined, promptTokens, started)
    }
    const task = request.task

    let result: unknown
    try {
      result = runLocalTask(task)
    } catch (error) {
      throw new LlmInvalidOutputError(
        `local engine failed on '${task.kind}': ${error instanceof Error ? error.message : String(error)}`,
        '',
        [],
        { cause: error }
      )
    }
    const text = JSON.stringify(result)
    let json: T | undefined
    if (request.schema) {
      // The engines are ours, but the schema is the contract: check it so a drift shows up at once.
      const check = parseAndValidate(text, request.schema)
      if (!check.ok) {
        throw new LlmInvalidOutputError(
          `local engine output for '${task.kind}' does not match schema '${request.schema.name}': ${check.errors[0] ?? ''}`,
          text,
          check.errors
        )
      }
      json = check.value
    }
    return this.#response(describeLocalResult(task, result), json, promptTokens, started, text)
  }

  #response<T>(text: string, json: T | undefined, promptTokens: number, started: number, jsonText?: string): LlmResponse<T> {
    const response: LlmResponse<T> = {
      text,
      usage: {
        provider: this.name,
        model: this.model,
        promptTokens,
        // Counted on what a model would have had to write: the JSON when there is one.
        completionTokens: estimateTokens(jsonText ?? text),
        latencyMs: Math.round(performance.now() - started),
      },
      attempts: 1,
    }
    if (json !== undefined) response.json = json
    return response
  }
}
