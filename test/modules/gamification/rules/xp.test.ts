import { createHash } from 'node:crypto'
import t from 'tap'
import {
  challengeRewardIdempotencyKey,
  computeXp,
  levelForXp,
  levelProgress,
  reasonHash,
  xpIdempotencyKey,
  xpUnitsFor,
} from '../../../../src/modules/gamification/rules/xp.ts'
import { config, entry, text } from './fixtures.ts'

const fresh = { dailyXpSoFar: 0 }

t.test('the seed example: 250 chars, 1 attachment, 2 tags, an outcome → 46 XP', async (t) => {
  const xp = computeXp(entry({ content: text(250), attachmentCount: 1, tags: ['api', 'auth'], outcome: 'Login works again' }), config, fresh)
  t.equal(xp.amount, 46)
  t.same(xp.breakdown, { base: 10, attachments: 5, tags: 6, length: 10, outcome: 15, metrics: 0, agile: 0 })
  t.equal(xp.capped, false)
  t.equal(xp.uncappedAmount, 46)
  t.same(xp.units.map((u) => u.reason), ['entry', 'attachment:1', 'tag:1', 'tag:2', 'length', 'outcome'])
})

t.test('each seed rule', async (t) => {
  const amount = (overrides: Parameters<typeof entry>[0]) => computeXp(entry(overrides), config, fresh).amount
  t.equal(amount({}), 10, 'base 10')
  t.equal(amount({ attachmentCount: 2 }), 20, '+5 per attachment')
  t.equal(amount({ attachmentCount: 7 }), 25, 'attachments capped at 3')
  t.equal(amount({ tags: ['a', 'b', 'c'] }), 19, '+3 per tag')
  t.equal(amount({ tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }), 25, 'tags capped at 5')
  t.equal(amount({ tags: ['a', 'A', ' a '] }), 13, 'repeated tags count once')
  t.equal(amount({ content: text(199) }), 10, '199 characters: no length bonus')
  t.equal(amount({ content: text(200) }), 20, '200 characters: +10')
  t.equal(amount({ impact: 'Team unblocked' }), 25, '+15 for outcome/impact')
  t.equal(amount({ outcome: 'Shipped', impact: 'Team unblocked' }), 25, 'outcome and impact are one bonus')
  t.equal(amount({ metrics: { tickets_closed: 4 } }), 20, '+10 for metrics')
  t.equal(amount({ epicId: '1', sprintId: '2' }), 15, '+5 once for agile fields')
  t.equal(
    amount({ content: text(300), attachmentCount: 3, tags: ['a', 'b', 'c', 'd', 'e'], outcome: 'Cut costs by 30%', sprintId: '1' }),
    10 + 15 + 15 + 10 + 15 + 10 + 5,
    'everything: 80'
  )
})

t.test('daily cap of 200 XP', async (t) => {
  const rich = entry({ content: text(300), attachmentCount: 3, tags: ['a', 'b', 'c', 'd', 'e'], outcome: 'Cut costs by 30%', sprintId: '1' })
  const under = computeXp(rich, config, { dailyXpSoFar: 120 })
  t.equal(under.amount, 80)
  t.equal(under.capped, false)
  const over = computeXp(rich, config, { dailyXpSoFar: 155 })
  t.equal(over.amount, 45, 'only what is left of the cap')
  t.equal(over.uncappedAmount, 80)
  t.equal(over.capped, true)
  t.equal(Object.values(over.breakdown).reduce((a, b) => a + b, 0), 45, 'breakdown sums to the granted amount')
  t.equal(over.units.reduce((a, u) => a + u.amount, 0), 45, 'units sum to the granted amount')
  t.same(over.units.at(-1), { reason: 'length', category: 'length', amount: 5, fullAmount: 10 }, 'the unit the cap cut keeps what fit')
  const full = computeXp(rich, config, { dailyXpSoFar: 200 })
  t.equal(full.amount, 0)
  t.equal(full.capped, true)
  t.same(full.units, [{ reason: 'entry', category: 'base', amount: 0, fullAmount: 10 }], 'the base unit is still recorded to mark the entry rewarded')
  t.equal(computeXp(rich, config, { dailyXpSoFar: 260 }).amount, 0, 'never negative')
})

t.test('already awarded units are not granted again', async (t) => {
  const before = entry({ content: text(250), attachmentCount: 1, tags: ['api'] })
  const first = computeXp(before, config, fresh)
  const edited = entry({ content: text(250), attachmentCount: 2, tags: ['infra'], outcome: 'Done' })
  const again = computeXp(edited, config, { dailyXpSoFar: first.amount, alreadyAwarded: first.units.map((u) => u.reason) })
  t.same(again.units.map((u) => u.reason), ['attachment:2', 'outcome'], 'only the new evidence pays; a swapped tag does not')
  t.equal(again.amount, 20)
  const replay = computeXp(before, config, { dailyXpSoFar: first.amount, alreadyAwarded: first.units.map((u) => u.reason) })
  t.equal(replay.amount, 0)
  t.same(replay.units, [])
})

t.test('units list every signal', async (t) => {
  // Each reason is a ledger idempotency key part: renaming one would pay every past entry again.
  const rich = entry({ content: text(250), attachmentCount: 2, tags: ['a', 'b'], outcome: 'Done', metrics: { latency_ms: 40 }, epicId: 'E-1' })
  t.same(xpUnitsFor(rich, config).map((u) => [u.reason, u.category, u.amount, u.fullAmount]), [
    ['entry', 'base', 10, 10],
    ['attachment:1', 'attachments', 5, 5],
    ['attachment:2', 'attachments', 5, 5],
    ['tag:1', 'tags', 3, 3],
    ['tag:2', 'tags', 3, 3],
    ['length', 'length', 10, 10],
    ['outcome', 'outcome', 15, 15],
    ['metrics', 'metrics', 10, 10],
    ['agile', 'agile', 5, 5],
  ])
  t.same(xpUnitsFor(entry({ attachmentCount: -2 }), config).map((u) => u.reason), ['entry'], 'a nonsense count earns nothing')
})

t.test('levels: 100 XP per level, starting at 1', async (t) => {
  t.equal(levelForXp(0, config), 1)
  t.equal(levelForXp(99, config), 1)
  t.equal(levelForXp(100, config), 2)
  t.equal(levelForXp(450, config), 5)
  t.equal(levelForXp(999, config), 10)
  t.same(levelProgress(146, config), { level: 2, xpIntoLevel: 46, xpPerLevel: 100, xpToNextLevel: 54 })
  t.same(levelProgress(0, config), { level: 1, xpIntoLevel: 0, xpPerLevel: 100, xpToNextLevel: 100 })
})

t.test('idempotency keys follow xp:{user_id}:{entry_id}:{date}:{reason_hash}', async (t) => {
  const key = xpIdempotencyKey({ userId: '7', entryId: '123', localDay: '2025-12-31', reason: 'entry' })
  t.match(key, /^xp:7:123:2025-12-31:[0-9a-f]{12}$/)
  t.equal(key, xpIdempotencyKey({ userId: '7', entryId: '123', localDay: '2025-12-31', reason: 'entry' }), 'stable')
  t.equal(reasonHash('entry'), reasonHash('entry'))
  t.not(reasonHash('tag:1'), reasonHash('tag:2'))
  t.equal(reasonHash('entry'), '923fe53966c6', 'the hash must never change between releases (sha256 prefix)')
  t.equal(reasonHash('challenge:écrire'), createHash('sha256').update(Buffer.from('challenge:écrire', 'utf8')).digest('hex').slice(0, 12), 'of the UTF-8 bytes')
  const reward = challengeRewardIdempotencyKey({ userId: '7', challengeCode: 'log_days', weekStart: '2025-12-29' })
  t.match(reward, /^xp:7:challenge:2025-12-29:[0-9a-f]{12}$/)
  t.not(reward, challengeRewardIdempotencyKey({ userId: '7', challengeCode: 'write_outcomes', weekStart: '2025-12-29' }))
})
