// X-Service-Token (seed 000/001): the SPA's server-side proxy proves each /api/* call came
// through it. Format: "<unix-seconds>:<hex HMAC-SHA256(secret, "<unix-seconds>")>", valid
// for 300 s either side of now. Comparison is constant-time; a value of the wrong shape
// or length is rejected before any comparison, never thrown as a 500.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SERVICE_TOKEN_WINDOW_SECONDS = 300
const SHAPE = /^(\d{1,12}):([0-9a-f]{64})$/

export function makeServiceToken (secret: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return `${nowSeconds}:${createHmac('sha256', secret).update(String(nowSeconds)).digest('hex')}`
}

export type ServiceTokenVerdict = 'ok' | 'missing' | 'malformed' | 'expired' | 'future' | 'invalid'

export function checkServiceToken (value: string | undefined, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): ServiceTokenVerdict {
  if (value === undefined || value === '') return 'missing'
  const match = SHAPE.exec(value.trim().toLowerCase())
  if (match === null) return 'malformed'
  // Stryker disable next-line StringLiteral: equivalent — both groups take part in every match; the defaults only satisfy the type checker.
  const [, stamp = '', signature = ''] = match
  const issued = Number(stamp)
  if (issued < nowSeconds - SERVICE_TOKEN_WINDOW_SECONDS) return 'expired'
  if (issued > nowSeconds + SERVICE_TOKEN_WINDOW_SECONDS) return 'future'
  const expected = createHmac('sha256', secret).update(stamp).digest()
  const given = Buffer.from(signature, 'hex')
  // Stryker disable next-line ConditionalExpression: equivalent while SHAPE admits exactly 64 hex digits; kept so a looser SHAPE can never make timingSafeEqual throw.
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'invalid'
}
