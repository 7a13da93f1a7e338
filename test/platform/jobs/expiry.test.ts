// expireInSeconds: an attempt that runs longer than its type allows is ended the way
// pg-boss ends it (retried while retries remain, then failed), and our row and timeline
// follow. The workflow here outlives a 1-second expiry by waiting for its abort signal
// (bounded, so a missing abort fails the test instead of hanging it).
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { Type } from 'typebox'
import type { ExecutionContext } from '../../../src/platform/jobs/context.ts'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'

const NEVER_FASTER_THAN_MS = 15_000
/** What an expired attempt's error says today (the abort's own message). */
const EXPIRED = 'This operation was aborted'

/** Attempts up to `slow_attempts` outlive the expiry; later ones finish at once. */
function slowWorkflow (seen: Array<{ attempt: number; aborted: boolean }>) {
  return async (ctx: ExecutionContext, payload: Record<string, unknown>) => {
    if (ctx.attempt > Number(payload.slow_attempts)) return { attempt: ctx.attempt }
    const aborted = await sleep(NEVER_FASTER_THAN_MS, false, { signal: ctx.signal }).catch(() => true)
    seen.push({ attempt: ctx.attempt, aborted })
    return { attempt: ctx.attempt, outlived: true }
  }
}

async function setup (t: Parameters<typeof startTestServices>[0]) {
  const seen: Array<{ attempt: number; aborted: boolean }> = []
  const registry = registerWorkflows(new JobRegistry()).register('test.slow', slowWorkflow(seen), {
    expireInSeconds: 1,
    retryLimit: 1,
    retryDelay: 1,
    retryBackoff: false,
    payload: Type.Object({ slow_attempts: Type.Integer({ minimum: 0 }) }),
  })
  const services = await startTestServices(t, { worker: true, registry })
  const finished = (id: string) => eventually(async () => {
    const job = await services.jobs.get(id)
    return job.status === 'success' || job.status === 'failed' ? job : undefined
  }, NEVER_FASTER_THAN_MS, `job ${id} to end`)
  return { services, seen, finished }
}

t.test('an attempt that outlives expireInSeconds is aborted and retried; the retry succeeds', async (t) => {
  const { services, seen, finished } = await setup(t)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'test.slow', payload: { slow_attempts: 1 } })
  const done = await finished(job.id)
  t.equal(done.status, 'success')
  t.equal(done.attempt, 2)
  t.same(done.result, { attempt: 2 }, 'the result is the retry\'s; the expired attempt\'s is not kept')
  t.same(seen, [{ attempt: 1, aborted: true }], 'the expired attempt\'s workflow was told to stop')
  const events = await services.jobs.events(job.id)
  const messages = events.map((e) => e.message)
  t.equal(messages.filter((m) => m === 'retry 1 of 1 scheduled').length, 1, 'one retry on the timeline')
  // pg-boss ends the handler by aborting its signal; the row carries the abort's words.
  t.match(events.find((e) => e.message === 'retry 1 of 1 scheduled')?.data, { error: EXPIRED })
  t.equal(messages.at(-1), 'job completed')
  t.equal(messages.filter((m) => m === 'job completed').length, 1)
})

t.test('when every attempt outlives it, the job ends failed once retries are used up', async (t) => {
  const { services, seen, finished } = await setup(t)
  const { job } = await services.jobs.enqueue(services.database.db, { type: 'test.slow', payload: { slow_attempts: 5 } })
  const done = await finished(job.id)
  t.equal(done.status, 'failed')
  t.equal(done.attempt, 2, 'the first attempt and its one retry')
  t.equal(done.error, EXPIRED)
  t.same(seen.map((s) => s.aborted), [true, true], 'both attempts were aborted')
  const messages = (await services.jobs.events(job.id)).map((e) => e.message)
  t.equal(messages.filter((m) => m === 'retry 1 of 1 scheduled').length, 1)
  t.equal(messages.at(-1), 'job failed')
  t.notOk(messages.includes('job completed'))
})
