// Where the test tooling keeps what it can rebuild: under node_modules, so a fresh
// `npm ci` starts clean and git never sees it.
import { join, resolve } from 'node:path'

export const CACHE_DIR = join(resolve(import.meta.dirname, '..', '..'), 'node_modules', '.cache')

/**
 * Node's compile cache shared by every process of a test or mutation run: each module is
 * stripped and compiled once, not in every process (about a third of each start-up).
 * Node keys it by content, so an edited file is simply compiled again.
 */
export const COMPILE_CACHE = process.env.NODE_COMPILE_CACHE ?? join(CACHE_DIR, 'afterresume-compile')
