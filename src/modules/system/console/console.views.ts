// Rendering the console's pages: Eta templates under views/ (every interpolation
// HTML-escaped unless a template says otherwise with <%~ %>, which they do only for other
// rendered templates and for JSON made safe for a <script type="application/json">), and
// the small formatting helpers the templates share as `it.h`.
import { join } from 'node:path'
import { Eta } from 'eta'
import type { Asset } from './console.assets.ts'

export const CONSOLE_ROOT = '/system/console/'

export interface ViewHelpers {
  /** The link to a console asset, with its content version. */
  asset(name: string): string
  /** A time as UTC, to the second; '—' for none. */
  time(value: Date | string | null | undefined): string
  /** How long before `now`: "4 s ago", "3 min ago". */
  ago(value: Date | null | undefined): string
  /** Milliseconds for people: "0.4 ms", "320 ms", "2.5 s", "3.1 min". */
  ms(value: number | null | undefined): string
  /** Whole numbers with thousands separators. */
  num(value: number | null | undefined): string
  usd(value: number | null | undefined): string
  /** JSON, indented, for a <pre>. */
  pretty(value: unknown): string
  /** JSON a <script type="application/json"> can hold: no "<" can close the element. */
  scriptJson(value: unknown): string
  short(id: string | null | undefined): string
  /** The jobs list with these filters (empty ones left out). */
  jobsUrl(filter: Record<string, string | number | undefined>): string
}

export interface Views {
  render(name: string, model: object): string
}

function helpers (assets: ReadonlyMap<string, Asset>, now: () => Date): ViewHelpers {
  return {
    asset: (name) => `${CONSOLE_ROOT}assets/${name}?v=${assets.get(name)?.version ?? '0'}`,
    time: (value) => {
      if (value === null || value === undefined) return '—'
      const date = typeof value === 'string' ? new Date(value) : value
      return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`
    },
    ago: (value) => {
      if (value === null || value === undefined) return '—'
      const seconds = Math.max(0, Math.round((now().getTime() - value.getTime()) / 1000))
      if (seconds < 120) return `${seconds} s ago`
      if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`
      return `${Math.round(seconds / 3600)} h ago`
    },
    ms: (value) => {
      if (value === null || value === undefined) return '—'
      const n = Number(value)
      if (n < 10) return `${n.toFixed(1)} ms`
      if (n < 1000) return `${Math.round(n)} ms`
      if (n < 60_000) return `${(n / 1000).toFixed(1)} s`
      return `${(n / 60_000).toFixed(1)} min`
    },
    num: (value) => value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US'),
    usd: (value) => value === null || value === undefined ? '—' : `$${Number(value).toFixed(4)}`,
    pretty: (value) => JSON.stringify(value, null, 2) ?? 'null',
    scriptJson: (value) => JSON.stringify(value).replace(/</g, '\\u003c'),
    short: (id) => id === null || id === undefined ? '—' : id.slice(0, 8),
    jobsUrl,
  }
}

/** The jobs list with these filters (empty ones left out). */
export function jobsUrl (filter: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') params.set(key, String(value))
  const query = params.toString()
  return `${CONSOLE_ROOT}jobs${query === '' ? '' : `?${query}`}`
}

export function createViews (assets: ReadonlyMap<string, Asset>, now: () => Date): Views {
  const eta = new Eta({ views: join(import.meta.dirname, 'views'), cache: true, autoEscape: true, autoTrim: [false, 'nl'] })
  return {
    render: (name, model) => eta.render(`./${name}`, { ...model, h: helpers(assets, now) }),
  }
}
