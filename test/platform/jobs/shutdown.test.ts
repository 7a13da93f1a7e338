import t from 'tap'
import { eventually, startTestServices } from '../../helpers/services.ts'
import { cloneTemplate } from '../../helpers/database.ts'

t.test('graceful shutdown lets an in-flight job finish before stopping', async (t) => {
  const database = await cloneTemplate()
  t.teardown(() => database.drop())
  const watcher = await startTestServices(t, { url: database.url })
  // The worker under test gets its own teardown-free lifecycle: we stop it ourselves.
  const worker = await startTestServices({ teardown: () => {} }, { url: database.url, worker: true })
  const { job } = await watcher.jobs.enqueue(watcher.database.db, { type: 'system.echo', payload: { sleep_ms: 1500 } })
  await eventually(async () => (await watcher.jobs.get(job.id)).status === 'running' || undefined, 10_000, 'the job to start')
  const stopping = Date.now()
  await worker.stop()
  const finished = await watcher.jobs.get(job.id)
  t.equal(finished.status, 'success', 'the running job completed during shutdown')
  t.ok(Date.now() - stopping >= 500, 'stop waited for it')
  // Nothing new is fetched after stop: a job enqueued now stays queued.
  const { job: later } = await watcher.jobs.enqueue(watcher.database.db, { type: 'system.echo' })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  t.equal((await watcher.jobs.get(later.id)).status, 'queued')
})
