import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { CleanupReport } from '../../src/workflows/system/cleanup.ts'
import { insertBackdatedAuthEvent, insertBackdatedJob } from '../helpers/backdated.ts'
import { startTestServices, TEST_SECRET_KEY } from '../helpers/services.ts'

const run = promisify(execFile)
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

t.test('`afterresume cleanup --dry-run` counts without deleting; `cleanup` deletes the same', async (t) => {
  const services = await startTestServices(t)
  const db = services.database.db
  const env = { ...process.env, DATABASE_URL: services.url, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', DATA_DIR: services.config.dataDir, FAILED_JOB_RETENTION_DAYS: '20' }
  const cli = async (...args: string[]): Promise<CleanupReport> => JSON.parse((await run(process.execPath, [MAIN, ...args], { env })).stdout) as CleanupReport

  const oldSuccess = await insertBackdatedJob(db, { status: 'success', ageDays: 31, events: 3 })
  const oldFailed = await insertBackdatedJob(db, { status: 'failed', ageDays: 25, events: 2 })
  const recent = await insertBackdatedJob(db, { status: 'success', ageDays: 2 })
  await insertBackdatedAuthEvent(db, 400)
  const jobIds = async (): Promise<string[]> => (await db.selectFrom('job').select('id').orderBy('created_at').execute()).map((j) => j.id)

  const dry = await cli('cleanup', '--dry-run')
  t.match(dry, {
    dry_run: true,
    finished_jobs: { jobs: 1, events: 3, finished_before: String },
    failed_jobs: { jobs: 1, events: 2 },
    auth_events: { rows: 1 },
  }, 'the settings of the environment apply (FAILED_JOB_RETENTION_DAYS=20)')
  t.same(await jobIds(), [oldSuccess, oldFailed, recent], 'nothing deleted')

  const real = await cli('cleanup')
  t.match(real, { dry_run: false, finished_jobs: { jobs: 1, events: 3 }, failed_jobs: { jobs: 1, events: 2 }, auth_events: { rows: 1 } })
  t.same(await jobIds(), [recent])
  t.equal((await db.selectFrom('auth_event').select('id').execute()).length, 0)
})
