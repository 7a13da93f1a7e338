// tap compiles its Test class for the plugin list it is configured with (package.json's
// "tap.plugin"), but `npm install` leaves it built with all of tap's default plugins. The
// first run after an install (every CI run) then rebuilds it (two TypeScript compiles,
// about 8 s of CPU) before the first test starts, and still gives every test file the
// mock plugin's module loader, since the runner picked its loaders before rebuilding.
// Building here, while the test database is prepared, saves both. A stamp beside the
// compile cache names the tap version and plugin list last built; when they match,
// nothing is built, and when the stamp is stale, tap's own check still rebuilds.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CACHE_DIR } from './cache.ts'

const ROOT = resolve(import.meta.dirname, '..', '..')
const STAMP = join(CACHE_DIR, 'afterresume-tap-plugins.json')

function wanted (): string {
  const project = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { tap?: { plugin?: string[] } }
  const tap = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'tap', 'package.json'), 'utf8')) as { version: string }
  return JSON.stringify({ tap: tap.version, plugin: project.tap?.plugin ?? [] })
}

function stamped (): string | undefined {
  try {
    return readFileSync(STAMP, 'utf8')
  } catch {
    return undefined
  }
}

/** Build tap's Test class for the configured plugins unless the stamp says it is. */
export async function buildTapPlugins (tapBin: string): Promise<void> {
  const want = wanted()
  if (stamped() === want) return
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [tapBin, 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', resolve)
  })
  // A failed build is left to tap's runner, which tries again and reports it.
  if (code !== 0) return
  mkdirSync(CACHE_DIR, { recursive: true })
  writeFileSync(STAMP, want)
}
