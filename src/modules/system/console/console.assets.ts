// The console's static files, read once at start and served from memory: its own script
// and stylesheet, and uPlot (the chart library) straight from node_modules. No CDN: many
// self-hosters run offline, and the CSP allows scripts and styles from 'self' only.
// Pages link them with a content hash (?v=…), so a file can be cached for good and a new
// release is fetched at once.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

export interface Asset {
  body: Buffer
  contentType: string
  /** First 16 hex digits of the SHA-256 of the body: the ?v= of its links and its ETag. */
  version: string
}

const require = createRequire(import.meta.url)
const OWN = join(import.meta.dirname, 'assets')

const SOURCES: Record<string, { path: string; contentType: string }> = {
  'console.js': { path: join(OWN, 'console.js'), contentType: 'text/javascript; charset=utf-8' },
  'console.css': { path: join(OWN, 'console.css'), contentType: 'text/css; charset=utf-8' },
  'uplot.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), contentType: 'text/css; charset=utf-8' },
}

export function loadAssets (): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const [name, source] of Object.entries(SOURCES)) {
    const body = readFileSync(source.path)
    assets.set(name, { body, contentType: source.contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 16) })
  }
  return assets
}
