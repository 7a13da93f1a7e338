import t from 'tap'
import { sql } from 'kysely'
import { normalizeCron } from '../../../src/platform/jobs/schedules.ts'
import { eventually, startTestServices } from '../../helpers/services.ts'

t.test('cron expressions and time zones are validated on input', async (t) => {
  t.equal(normalizeCron('@every_minute', 'UTC'), '* * * * *')
  t.equal(normalizeCron('@daily', 'Europe/Berlin'), '0 0 * * *')
  t.equal(normalizeCron(' 0  9 * * 1-5 ', 'America/New_York'), '0 9 * * 1-5')
  t.throws(() => normalizeCron('61 * * * *', 'UTC'), { field: 'cron', message: /Invalid cron/ })
  t.throws(() => normalizeCron('*/5 * * * * *', 'UTC'), { field: 'cron', message: /five fields/ })
  t.throws(() => normalizeCron('@fortnightly', 'UTC'), { field: 'cron', message: /Unknown cron macro/ })
  t.throws(() => normalizeCron('@daily', 'Mars/Olympus'), { field: 'timezone', message: /Unknown time zone/ })
})

t.test('create, disable, enable and delete keep pg-boss in step', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const mirrored = async (id: string): Promise<string | undefined> => {
    const { rows } = await sql<{ cron: string }>`SELECT cron FROM pgboss.schedule WHERE key = ${id}`.execute(db)
    return rows[0]?.cron
  }
  const schedule = await services.schedules.create({ name: 'nightly metrics', jobType: 'system.compute_metrics', cron: '@daily', timezone: 'Europe/Berlin' })
  t.equal(await mirrored(schedule.id), '0 0 * * *')
  t.ok(schedule.next_run_at !== null)
  await t.rejects(services.schedules.create({ name: 'nightly metrics', jobType: 'system.echo', cron: '@hourly' }), { status: 409, field: 'name', message: /already exists/ })
  await t.rejects(services.schedules.create({ name: 'bad', jobType: 'nope.type', cron: '@hourly' }), { code: 'unknown_job_type' })
  await services.schedules.setEnabled(schedule.id, false)
  t.equal(await mirrored(schedule.id), undefined, 'disabled schedules leave pg-boss')
  await services.schedules.update(schedule.id, { enabled: true, cron: '30 6 * * *' })
  t.equal(await mirrored(schedule.id), '30 6 * * *')
  await services.schedules.remove(schedule.id)
  t.equal(await mirrored(schedule.id), undefined)
  t.same(await services.schedules.list(), [])
})

t.test('reconcile restores a mirror lost between our commit and pg-boss', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const schedule = await services.schedules.create({ name: 'echo', jobType: 'system.echo', cron: '@hourly' })
  await sql`DELETE FROM pgboss.schedule`.execute(db)
  await sql`INSERT INTO pgboss.schedule (name, key, cron) VALUES ('afterresume.schedule_fire', 'stale-key', '* * * * *')`.execute(db)
  t.same(await services.schedules.reconcile(), { added: 1, removed: 1 })
  const { rows } = await sql<{ key: string }>`SELECT key FROM pgboss.schedule`.execute(db)
  t.same(rows.map((r) => r.key), [schedule.id])
})

t.test('a schedule fires end to end: pg-boss cron → normal job with trigger schedule', async (t) => {
  const services = await startTestServices(t, { worker: true, scheduler: true })
  const schedule = await services.schedules.create({ name: 'every minute', jobType: 'system.echo', cron: '@every_minute', payload: { from: 'cron' } })
  // pg-boss cron has minute resolution: the first firing comes at the next minute boundary.
  const job = await eventually(async () => {
    const { jobs } = await services.jobs.list({ status: 'success', type: 'system.echo' })
    return jobs.find((j) => j.schedule_id === schedule.id)
  }, 80_000, 'the schedule to fire and its job to finish')
  t.equal(job.trigger, 'schedule')
  t.same(job.result, { from: 'cron' })
  const after = await services.schedules.get(schedule.id)
  t.ok(after.last_run_at !== null, 'last_run_at is stamped')
  t.equal(after.last_job_id, job.id)
  t.ok(after.next_run_at !== null && after.next_run_at > after.last_run_at!)
})
