// A worker in its own process, for tests that kill one (SIGKILL) or stop one (SIGTERM).
// Prints "ready" once it is fetching jobs. Reads TEST_WORKER_DATABASE_URL.
import { createLogger } from '../../src/platform/observability/logger.ts'
import { startServices } from '../../src/runtime.ts'
import { testConfig } from './services.ts'

const url = process.env.TEST_WORKER_DATABASE_URL
if (url === undefined) throw new Error('TEST_WORKER_DATABASE_URL is required')
const config = testConfig(url)
const services = await startServices(config, url, createLogger({ level: 'silent' }), {
  worker: true,
  scheduler: false,
  superviseIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
})
process.once('SIGTERM', () => {
  services.stop().then(() => process.exit(0), () => process.exit(1))
})
process.stdout.write('ready\n')
