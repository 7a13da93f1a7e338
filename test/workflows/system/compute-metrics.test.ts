import t from 'tap'
import { eventually, startTestServices } from '../../helpers/services.ts'

t.test('system.compute_metrics counts jobs by type and status and reports the failure rate', async (t) => {
  const services = await startTestServices(t, { worker: true })
  const db = services.database.db
  const ids: string[] = []
  for (let i = 0; i < 3; i++) ids.push((await services.jobs.enqueue(db, { type: 'system.echo', payload: { i } })).job.id)
  ids.push((await services.jobs.enqueue(db, { type: 'system.echo', payload: { fail_attempts: 9 }, maxRetries: 0 })).job.id)
  for (const id of ids) await eventually(async () => ['success', 'failed'].includes((await services.jobs.get(id)).status) || undefined, 15_000, 'the echo jobs')

  const { job } = await services.jobs.enqueue(db, { type: 'system.compute_metrics', payload: { window_hours: 1 } })
  const done = await eventually(async () => { const j = await services.jobs.get(job.id); return j.status === 'success' ? j : undefined }, 15_000, 'the metrics job')
  const result = done.result as { total_jobs: number; failure_rate: number; by_type: Array<{ type: string; total: number; success: number; failed: number; run_p50_ms: number | null }> }
  const echo = result.by_type.find((r) => r.type === 'system.echo')
  t.match(echo, { total: 4, success: 3, failed: 1 })
  t.ok(echo?.run_p50_ms !== null, 'run-time percentiles computed')
  t.equal(result.failure_rate, 0.25, 'one of four finished echo jobs failed (the metrics job itself is still running)')
  const events = (await services.jobs.events(job.id)).map((e) => e.message)
  t.same(events, ['job queued', 'job started', 'computing job metrics', 'job metrics computed', 'job completed'])
})
