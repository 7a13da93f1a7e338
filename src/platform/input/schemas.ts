// TypeBox building blocks for the input policy of policy.ts. Module schemas use these for
// every date, URL and paging number they accept, so the limits live in one place.
import { Type } from 'typebox'
import { FORMATS, MAX_OFFSET, MAX_PAGE, MAX_PAGE_SIZE, MAX_YEAR, MIN_YEAR } from './policy.ts'

const DAY_RANGE = `between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`

/** A calendar day, YYYY-MM-DD. */
export const Day = (description = 'YYYY-MM-DD') => Type.String({ format: FORMATS.date, description: `${description} (${DAY_RANGE})` })
/** A calendar day or null (clears it). */
export const NullableDay = (description = 'YYYY-MM-DD') => Type.Union([Day(description), Type.Null()])

/** A link a user will click: absolute http(s) only. */
export const WebUrl = (maxLength: number, description = 'An absolute http:// or https:// URL.') =>
  Type.String({ format: FORMATS.webUrl, minLength: 1, maxLength, description })
/** A URL field that may be left empty (''). */
export const OptionalWebUrl = (maxLength: number) => Type.Union([WebUrl(maxLength), Type.Literal('')])

/** ?page= (1-based) and ?page_size= of page-number pagination. */
export const PageNumber = Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 })
export const PageSize = Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
/** ?limit= of offset pagination. */
export const Limit = (options: { max?: number; default: number }) =>
  Type.Integer({ minimum: 1, maximum: options.max ?? MAX_PAGE_SIZE, default: options.default })
export const Offset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
