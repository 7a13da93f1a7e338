// `npm test`: start the test PostgreSQL (embedded, or TEST_DATABASE_URL), build the
// migrated template database every test file clones, run tap with any arguments given
// (`npm test -- test/platform/jobs/cancel.test.ts`), then clean up. One run's cluster
// and template are its own, so several runs on one machine cannot disturb each other.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startCluster } from './setup/cluster.ts'
import { buildTemplate, dropTemplate, TEST_SECRET_KEY } from './helpers/database.ts'
import { buildTapPlugins } from './setup/tap-plugins.ts'
import { COMPILE_CACHE } from './setup/cache.ts'

const started = performance.now()
const tapBin = fileURLToPath(new URL('../node_modules/tap/dist/esm/run.mjs', import.meta.url))
const tapBuilt = buildTapPlugins(tapBin)
const cluster = await startCluster()
const template = `afterresume_template_${process.pid}`
let code = 1
try {
  await Promise.all([buildTemplate(cluster.adminUrl, template, TEST_SECRET_KEY), tapBuilt])
  process.stdout.write(`# test database ready (${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded PostgreSQL'}) in ${Math.round(performance.now() - started)} ms\n`)
  // Ahead of any NODE_OPTIONS the caller set: see test/setup/record-no-files.ts.
  const nodeOptions = [`--import=${pathToFileURL(join(import.meta.dirname, 'setup', 'record-no-files.ts')).href}`, process.env.NODE_OPTIONS ?? ''].join(' ').trim()
  code = await new Promise<number>((resolve) => {
    // Node strips the types itself; tap must not. package.json drops tap's TypeScript
    // plugin, but tap only rebuilds itself without it during a run, after its runner has
    // read the plugin list it was installed with, so the first run after `npm install`
    // (every CI run) would load ts-node into each test file: about 10 s of compiling per
    // file, three quarters of that run's time. TAP_TYPE_STRIP_ONLY turns that plugin's
    // loader into a no-op whichever plugin list tap starts with.
    const child = spawn(process.execPath, [tapBin, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: nodeOptions, NODE_COMPILE_CACHE: COMPILE_CACHE, TAP_TYPE_STRIP_ONLY: '1', TEST_ADMIN_DATABASE_URL: cluster.adminUrl, TEST_TEMPLATE_DATABASE: template },
    })
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)))
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal))
  })
} finally {
  await dropTemplate(cluster.adminUrl, template).catch(() => {})
  cluster.stop()
}
process.exitCode = code
