// Agents are pure and log synchronously; workflows turn those lines into `agent` events
// on the job's timeline and wait for them before moving on.
import type { AgentContext } from '../../agents/agent.types.ts'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import type { JsonObject } from '../../platform/db/json.ts'

export interface AgentScope {
  agent: AgentContext
  /** Resolves once every line the agent logged is stored. */
  flush(): Promise<void>
}

export function agentScope (ctx: ExecutionContext): AgentScope {
  const pending: Array<Promise<void>> = []
  return {
    agent: {
      signal: ctx.signal,
      log (level, message, data) {
        const stored = ctx.log(message, { level, source: 'agent', ...(data !== undefined && { data: data as JsonObject }) })
        // Observed at once: if the database is away and the workflow fails before flush(),
        // a rejection nobody awaited would end the process. flush() still reports it.
        stored.catch(() => {})
        pending.push(stored)
      },
    },
    async flush () { await Promise.all(pending) },
  }
}
