/**
 * What every agent shares: the context a workflow hands it. Each agent's own inputs
 * and output schemas live beside it (worklog.types.ts, skill.types.ts,
 * report.types.ts, resume.types.ts); enumerations come from src/vocabulary/.
 */

export type AgentLogLevel = 'debug' | 'info' | 'warning' | 'error'

/** Supplied by the workflow layer: cancellation plus a log sink (which becomes event rows). */
export interface AgentContext {
  signal?: AbortSignal;
  log(level: AgentLogLevel, message: string, data?: Record<string, unknown>): void;
}
