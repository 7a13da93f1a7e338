import t from 'tap'
import {
  areNearDuplicates,
  isMeaningfulEntry,
  normalizeForComparison,
  trigramSimilarity,
  type PriorEntry,
} from '../../../../src/modules/gamification/rules/meaningful-entry.ts'
import { config, entry, text } from './fixtures.ts'

const at = (iso: string) => new Date(iso)
const prior = (id: string, iso: string, content: string): PriorEntry => ({ id, createdAt: at(iso), content })

t.test('minimum length of 20 characters', async (t) => {
  t.same(isMeaningfulEntry(entry({ content: text(20) }), [], config).valid, true, 'exactly 20 is enough')
  const short = isMeaningfulEntry(entry({ content: text(19) }), [], config)
  t.equal(short.valid, false)
  t.same(short.reasons, ['too_short'])
  t.equal(isMeaningfulEntry(entry({ content: `   ${text(10)}          \n\n\n ` }), [], config).valid, false, 'whitespace padding does not count')
})

t.test('at most 10 entries per hour', async (t) => {
  const mine = entry({ id: '100', createdAt: at('2025-12-31T12:00:00Z') })
  const tenEarlier = Array.from({ length: 10 }, (_, i) => prior(String(i + 1), `2025-12-31T11:${String(5 + i * 5).padStart(2, '0')}:00Z`, `update number ${i} about something else entirely`))
  const limited = isMeaningfulEntry(mine, tenEarlier, config)
  t.equal(limited.valid, false, 'the 11th entry within the hour is rejected')
  t.same(limited.reasons, ['rate_limited'])
  t.equal(limited.entriesInPastHour, 10)
  t.equal(isMeaningfulEntry(mine, tenEarlier.slice(1), config).valid, true, 'the 10th is fine')
  const anHourAgo = [prior('0', '2025-12-31T11:00:00Z', 'exactly one hour before'), ...tenEarlier.slice(1)]
  t.equal(isMeaningfulEntry(mine, anHourAgo, config).valid, true, 'an entry exactly an hour earlier is outside the window')
})

t.test('later entries never change an entry\'s verdict', async (t) => {
  const mine = entry({ id: '5', createdAt: at('2025-12-31T12:00:00Z') })
  const later = Array.from({ length: 12 }, (_, i) => prior(String(10 + i), '2025-12-31T12:10:00Z', `later ${i}`))
  t.equal(isMeaningfulEntry(mine, later, config).valid, true)
  t.equal(isMeaningfulEntry(mine, [prior('5', '2025-12-31T12:00:00Z', mine.content)], config).valid, true, 'an entry is not a duplicate of itself')
})

t.test('near-duplicates within 60 seconds are rejected', async (t) => {
  const content = 'Fixed the login redirect bug in the auth service'
  const mine = entry({ id: '2', content, createdAt: at('2025-12-31T12:00:59Z') })
  const same = isMeaningfulEntry(mine, [prior('1', '2025-12-31T12:00:00Z', 'fixed the LOGIN redirect bug, in the auth service!')], config)
  t.equal(same.valid, false)
  t.same(same.reasons, ['near_duplicate'])
  t.equal(same.duplicateOf, '1')
  t.equal(
    isMeaningfulEntry(mine, [prior('1', '2025-12-31T12:00:00Z', 'Fixed the login redirect bugs in the auth services')], config).valid,
    false,
    'a small edit is still a duplicate'
  )
  t.equal(isMeaningfulEntry(mine, [prior('1', '2025-12-31T11:59:59Z', content)], config).valid, true, '60 seconds apart is allowed')
  t.equal(
    isMeaningfulEntry(mine, [prior('1', '2025-12-31T12:00:30Z', 'Reviewed the quarterly roadmap with product')], config).valid,
    true,
    'different content seconds apart is fine'
  )
})

t.test('all reasons are reported together', async (t) => {
  const mine = entry({ id: '99', content: 'tiny', createdAt: at('2025-12-31T12:00:00Z') })
  const spam = Array.from({ length: 10 }, (_, i) => prior(String(i), `2025-12-31T11:59:${String(10 + i).padStart(2, '0')}Z`, 'tiny'))
  t.same(isMeaningfulEntry(mine, spam, config).reasons, ['too_short', 'rate_limited', 'near_duplicate'])
})

t.test('similarity helpers', async (t) => {
  t.equal(normalizeForComparison('  Hello,   WORLD!! '), 'hello world')
  t.equal(trigramSimilarity('abc', 'abc'), 1)
  t.ok(trigramSimilarity('deployed the api', 'wrote the docs') < 0.5)
  t.equal(areNearDuplicates('Standup notes', 'Standup notes'), true)
  t.equal(areNearDuplicates('Standup notes for Monday', 'Standup notes for Tuesday'), false, 'short texts that differ in substance are not duplicates')
})
