// system.echo: returns its payload. For smoke tests, health probes of the whole
// enqueue → worker → record path, and the throughput benchmark.
import { setTimeout as sleep } from 'node:timers/promises'
import type { ExecutionContext } from '../../platform/jobs/context.ts'
import type { JsonObject } from '../../platform/db/json.ts'

export async function echo (ctx: ExecutionContext, payload: JsonObject): Promise<JsonObject> {
  // `sleep_ms` lets tests hold a job in `running` (cancellation, shutdown, crash tests).
  const sleepMs = typeof payload.sleep_ms === 'number' ? Math.min(payload.sleep_ms, 600_000) : 0
  // The timer takes the signal itself, so a job cancelled before its sleep began (while the
  // runner admitted it) does not sleep out the whole time; it ends with the abort's reason.
  if (sleepMs > 0) await sleep(sleepMs, undefined, { signal: ctx.signal }).catch(() => ctx.signal.throwIfAborted())
  // `fail_attempts` makes the first N attempts fail, to exercise retries end to end.
  if (typeof payload.fail_attempts === 'number' && ctx.attempt <= payload.fail_attempts) {
    throw new Error(`echo asked to fail attempt ${ctx.attempt}`)
  }
  return payload
}
