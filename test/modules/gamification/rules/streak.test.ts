import t from 'tap'
import { initialStreakState, updateStreak, type StreakState } from '../../../../src/modules/gamification/rules/streak.ts'
import { addDays } from '../../../../src/modules/gamification/rules/local-day.ts'
import { config } from './fixtures.ts'

const state = (overrides: Partial<StreakState>): StreakState => ({ ...initialStreakState(config), ...overrides })

t.test('first entry starts a streak of 1', async (t) => {
  const u = updateStreak(initialStreakState(config), '2025-12-31', config)
  t.same(u.state, { current: 1, longest: 1, lastEntryDate: '2025-12-31', freezesRemaining: 3, freezesUsed: 0 })
  t.equal(u.updated, true)
  t.equal(u.broken, false)
  t.equal(u.freezeUsed, false)
})

t.test('same day: no change', async (t) => {
  const s = state({ current: 4, longest: 9, lastEntryDate: '2025-12-31' })
  const u = updateStreak(s, '2025-12-31', config)
  t.equal(u.state, s, 'the very same state')
  t.equal(u.updated, false)
})

t.test('consecutive day: +1 (the seed example: 1 → 2)', async (t) => {
  const u = updateStreak(state({ current: 1, longest: 1, lastEntryDate: '2025-12-30' }), '2025-12-31', config)
  t.equal(u.state.current, 2)
  t.equal(u.state.longest, 2)
  t.equal(u.updated, true)
})

t.test('one missed day consumes a freeze and the streak goes on', async (t) => {
  const u = updateStreak(state({ current: 5, longest: 5, lastEntryDate: '2025-12-29', freezesRemaining: 2, freezesUsed: 1 }), '2025-12-31', config)
  t.equal(u.freezeUsed, true)
  t.equal(u.broken, false)
  t.same(u.state, { current: 6, longest: 6, lastEntryDate: '2025-12-31', freezesRemaining: 1, freezesUsed: 2 })
})

t.test('one missed day without a freeze resets to 1', async (t) => {
  const u = updateStreak(state({ current: 5, longest: 12, lastEntryDate: '2025-12-29', freezesRemaining: 0 }), '2025-12-31', config)
  t.equal(u.broken, true)
  t.equal(u.freezeUsed, false)
  t.same(u.state, { current: 1, longest: 12, lastEntryDate: '2025-12-31', freezesRemaining: 0, freezesUsed: 0 }, 'longest is kept')
})

t.test('two missed days break the streak even with freezes left', async (t) => {
  const u = updateStreak(state({ current: 5, longest: 5, lastEntryDate: '2025-12-28', freezesRemaining: 3 }), '2025-12-31', config)
  t.equal(u.broken, true)
  t.equal(u.state.current, 1)
  t.equal(u.state.longest, 5)
  t.equal(u.state.freezesRemaining, 3, 'no freeze is spent on a gap it cannot bridge')
})

t.test('a day before the last counted day changes nothing', async (t) => {
  const s = state({ current: 3, longest: 3, lastEntryDate: '2025-12-31' })
  const u = updateStreak(s, '2025-12-25', config)
  t.equal(u.state, s)
  t.equal(u.updated, false)
  t.equal(u.broken, false)
})

t.test('freezes: earned back every 7 streak days, never above 3', async (t) => {
  let s = state({ freezesRemaining: 1 })
  let earned = 0
  let day = '2025-12-01'
  for (let i = 0; i < 21; i++) {
    const u = updateStreak(s, day, config)
    if (u.freezeEarned) earned++
    s = u.state
    day = addDays(day, 1)
  }
  t.equal(s.current, 21)
  t.equal(earned, 2, 'at 7 and 14; at 21 the cap of 3 is already reached')
  t.equal(s.freezesRemaining, 3)
  const again = updateStreak(s, addDays(day, -1), config)
  t.equal(again.freezeEarned, false, 'a same-day re-evaluation earns nothing')
})

t.test('a freeze-bridged day can reach a milestone', async (t) => {
  const u = updateStreak(state({ current: 6, longest: 6, lastEntryDate: '2025-12-29', freezesRemaining: 1 }), '2025-12-31', config)
  t.equal(u.state.current, 7)
  t.equal(u.freezeUsed, true)
  t.equal(u.freezeEarned, true)
  t.equal(u.state.freezesRemaining, 1, 'spent one, earned one')
})
