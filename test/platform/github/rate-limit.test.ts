import t from 'tap'
import { rateLimitRetryAt } from '../../../src/platform/github/github-client.ts'

const now = new Date('2026-03-02T10:00:00.000Z')

t.test('when GitHub says to come back', async (t) => {
  t.same(rateLimitRetryAt(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.parse('2026-03-02T10:42:00Z') / 1000) }, now),
    new Date('2026-03-02T10:42:00.000Z'), 'primary limit: at the reset time')
  t.same(rateLimitRetryAt(429, { 'retry-after': '30' }, now), new Date('2026-03-02T10:00:30.000Z'), 'retry-after counts from now')
  t.same(rateLimitRetryAt(403, { 'retry-after': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }, now), new Date('2026-03-02T10:00:05.000Z'), 'retry-after wins')
  t.same(rateLimitRetryAt(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.parse('2026-03-02T09:00:00Z') / 1000) }, now), now, 'a reset already past: now')
  t.same(rateLimitRetryAt(429, {}, now), new Date('2026-03-02T10:01:00.000Z'), 'a 429 naming no time: a minute, as GitHub advises')
  t.equal(rateLimitRetryAt(403, { 'x-ratelimit-remaining': '12' }, now), undefined, 'a 403 with allowance left is a permission problem, not a wait')
  t.equal(rateLimitRetryAt(404, { 'retry-after': '1' }, now), undefined, 'only 403 and 429 are rate limits')
})
