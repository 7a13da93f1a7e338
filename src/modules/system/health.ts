// Deep health for staff: every readiness check run at once, each with its time and, when
// it fails, the reason (which /api/readyz keeps to itself).
export interface CheckResult { ok: boolean; ms: number; error?: string }

export async function runChecks (checks: Record<string, () => Promise<void>>): Promise<Record<string, CheckResult>> {
  return Object.fromEntries(await Promise.all(Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
    const started = performance.now()
    try {
      await check()
      return [name, { ok: true, ms: Math.round(performance.now() - started) }]
    } catch (error) {
      return [name, { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message }]
    }
  })))
}
