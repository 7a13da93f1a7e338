// What the service accepts as text, dates, URLs, page numbers and JSON — decided once,
// here. PostgreSQL cannot store a NUL character, an unpaired UTF-16 surrogate or the
// year 0; nested JSON beyond its stack depth fails inside the server; a page number of
// Infinity overflows OFFSET. All of these used to pass validation and end as a 500 (or
// as a job failing every retry), so they are refused at the door, naming the field:
//
// - the HTTP layer walks every request's params, query and body (input-guard.ts) and
//   validates with the formats below (formats.ts registers them in Fastify's Ajv);
// - the job registry walks every payload before it is enqueued, so a job never starts
//   with input it cannot run;
// - the bulk import walks every row (a CSV cell never passes through the HTTP walk).
//
// TypeBox's own validator (job payloads, import rows, LLM output) learns the same formats
// when this module is loaded; every schema built from schemas.ts loads it first.
import { Format } from 'typebox/format'

/**
 * Calendar days from 1900-01-01 to 2999-12-31. PostgreSQL itself takes 4713 BC to
 * 5874897 AD, but a work log, sprint or report period outside these years is a typo
 * (0025 for 2025), and years before 1900 meet local-mean-time offsets in the time zone
 * database that make "midnight in the user's zone" arithmetic odd.
 */
export const MIN_YEAR = 1900
export const MAX_YEAR = 2999
/** Objects and arrays nested deeper than this in a request body or job payload are refused. */
export const MAX_JSON_DEPTH = 32
/** Paging bounds: page × page_size and offset stay far below any integer overflow. */
export const MAX_PAGE = 10_000
export const MAX_PAGE_SIZE = 200
export const MAX_OFFSET = 1_000_000
/** URL schemes a stored link may use: anything else (javascript:, data:, file:) could run or read something when clicked. */
export const URL_SCHEMES: readonly string[] = ['http:', 'https:']

/** The format names schemas use; formats.ts registers them with Ajv, this module with TypeBox. */
export const FORMATS = {
  /** YYYY-MM-DD, a real calendar day within MIN_YEAR..MAX_YEAR (replaces the standard `date`). */
  date: 'date',
  /** An absolute http(s) URL with a host. */
  webUrl: 'web-url',
} as const

/** Plain-English messages for the formats, used by the problem handler instead of "must match format". */
export const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  [FORMATS.date]: `must be a date YYYY-MM-DD between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  [FORMATS.webUrl]: `must be an absolute URL starting with ${URL_SCHEMES.map((s) => `${s}//`).join(' or ')}`,
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

export function isPolicyDate (value: string): boolean {
  const match = DAY.exec(value)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false
  // Date.UTC rolls 31 April over to 1 May; a real day survives the round trip.
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
}

export function isWebUrl (value: string): boolean {
  // WHATWG URL parsing quietly strips tabs and newlines and trims spaces; a stored link
  // must be exactly what a browser would open, so any of them is a reason to refuse.
  if (/[\s\p{Cc}]/u.test(value)) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  return URL_SCHEMES.includes(url.protocol) && url.hostname !== ''
}

/** Why PostgreSQL could not store this text, or undefined when it can. */
export function textProblem (value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters (\\u0000)'
  if (!value.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates'
  return undefined
}

export interface InputProblem {
  /** Property names and array indexes from the walked value down to the fault. */
  readonly path: readonly string[]
  readonly message: string
}

/**
 * The first thing in a parsed request part or payload that PostgreSQL could not store:
 * a string or property name with NUL or a lone surrogate, or nesting deeper than
 * `maxDepth`. Iterative, so a 10,000-deep body cannot overflow this stack either.
 */
export function findUnstorable (value: unknown, maxDepth = MAX_JSON_DEPTH): InputProblem | undefined {
  const pending: Array<{ value: unknown; path: string[]; depth: number }> = [{ value, path: [], depth: 0 }]
  while (pending.length > 0) {
    const item = pending.pop()!
    if (typeof item.value === 'string') {
      const message = textProblem(item.value)
      if (message !== undefined) return { path: item.path, message }
      continue
    }
    if (typeof item.value !== 'object' || item.value === null) continue
    const depth = item.depth + 1
    if (depth > maxDepth) return { path: item.path, message: `must not nest objects and arrays more than ${maxDepth} levels deep` }
    const entries = Array.isArray(item.value) ? item.value.entries() : Object.entries(item.value)
    for (const [key, child] of entries) {
      const path = [...item.path, String(key)]
      if (typeof key === 'string') {
        const message = textProblem(key)
        if (message !== undefined) return { path, message: `has a property name that ${message}` }
      }
      pending.push({ value: child, path, depth })
    }
  }
  return undefined
}

Format.Set(FORMATS.date, isPolicyDate)
Format.Set(FORMATS.webUrl, isWebUrl)
