// Stryker configuration for one mutation group, chosen by MUTATION_GROUP (set by
// test/mutation/run.ts, which also provides the test database). Run it through
// `npm run test:mutation [group …]`, not `npx stryker run` directly.
import { readFileSync } from 'node:fs'

const group = process.env.MUTATION_GROUP
if (group === undefined) throw new Error('Run mutation tests with `npm run test:mutation [group …]` (test/mutation/run.ts).')
const { MUTATION_GROUPS } = await import('./test/mutation/groups.ts')
const chosen = MUTATION_GROUPS[group]
if (chosen === undefined) throw new Error(`Unknown mutation group ${group}`)

/** A region of groups.ts as Stryker's `file:from-to` line range. */
function lineRange (file, region) {
  const lines = readFileSync(file, 'utf8').split('\n')
  const from = lines.findIndex((line) => line.includes(region.from))
  const to = region.to === undefined ? lines.length : lines.findIndex((line, i) => i > from && line.includes(region.to))
  if (from < 0 || to < 0) throw new Error(`${file}: the region "${region.from}" … "${region.to}" was not found; update test/mutation/groups.ts`)
  return `${file}:${from + 1}-${to}`
}

export default {
  mutate: chosen.regions === undefined ? [chosen.file] : chosen.regions.map((region) => lineRange(chosen.file, region)),
  testRunner: 'command',
  commandRunner: {
    // Each test file run as a plain Node script (a tap test exits non-zero when any
    // assertion fails): ~1 s instead of ~6 s through tap's CLI per mutant. The database
    // and template come from run.ts through the environment.
    command: chosen.tests.map((file) => `node ${file}`).join(' && '),
  },
  coverageAnalysis: 'off',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // A mutant that makes a test wait for a timeout is slow, not surviving.
  timeoutMS: 60_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  htmlReporter: { fileName: `reports/mutation/${group}.html` },
  // Anchored: a bare 'reports' would also drop src/modules/reports from the sandbox.
  ignorePatterns: ['/.data', '/.tap', '/reports', '/coverage'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
