/**
 * What metrics and tracing add to the hot paths, in microseconds: the four metric
 * updates a job makes (enqueued, started with its pickup, attempt ended, completed),
 * the one a request makes, and a span plus an event with tracing off (what ctx.step
 * and ctx.log cost when no OTLP endpoint is set). Pure CPU, no database.
 *
 *   npm run bench:metrics        BENCH_METRICS_N (500,000) iterations, three rounds
 *
 * The last line is one JSON object with the best round's figures.
 */
import { availableParallelism, cpus } from 'node:os'
import { ServiceMetrics } from '../../src/platform/observability/metrics.ts'
import { addSpanEvent, inSpan } from '../../src/platform/observability/tracing.ts'

const N = Number(process.env.BENCH_METRICS_N ?? 500_000)
const metrics = new ServiceMetrics({ processMetrics: false })

async function microseconds (work: () => unknown): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < N; i++) {
    // Awaited only when it is a promise: an await of a plain value would be timed too.
    const result = work()
    if (result instanceof Promise) await result
  }
  return (performance.now() - started) * 1000 / N
}

console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${N} iterations a figure`)
const rounds: Array<{ job_us: number; request_us: number; span_off_us: number }> = []
for (let round = 1; round <= 3; round++) {
  const figures = {
    job_us: await microseconds(() => {
      metrics.enqueued('system.echo', 1)
      metrics.started('system.echo', 0.002)
      metrics.attemptEnded('system.echo', 'success', 0.0004)
      metrics.completed('system.echo', 1)
    }),
    request_us: await microseconds(() => metrics.httpRequest('GET', '/api/jobs/:id', 200, 0.003)),
    span_off_us: await microseconds(() => inSpan('step x', { attributes: { 'afterresume.job.type': 'system.echo' } }, async () => { addSpanEvent('line', () => ({})) })),
  }
  rounds.push(figures)
  console.log(`round ${round}: a job's metrics ${figures.job_us.toFixed(2)} µs, a request's ${figures.request_us.toFixed(2)} µs, a span + event with tracing off ${figures.span_off_us.toFixed(3)} µs`)
}
const best = (key: keyof (typeof rounds)[number]): number => Math.round(Math.min(...rounds.map((r) => r[key])) * 1000) / 1000
console.log(JSON.stringify({ job_us: best('job_us'), request_us: best('request_us'), span_off_us: best('span_off_us') }))
