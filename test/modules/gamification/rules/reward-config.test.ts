import t from 'tap'
import { Value } from 'typebox/value'
import {
  DEFAULT_REWARD_CONFIG,
  DEFAULT_REWARD_CONFIG_VERSION,
  InvalidRewardConfigError,
  parseRewardConfig,
  RewardConfigRowSchema,
} from '../../../../src/modules/gamification/rules/reward-config.ts'

t.test('version 1 holds the seed numbers', async (t) => {
  t.equal(DEFAULT_REWARD_CONFIG_VERSION, 1)
  t.same(DEFAULT_REWARD_CONFIG, {
    min_entry_length: 20,
    max_entries_per_hour: 10,
    duplicate_threshold_seconds: 60,
    max_daily_xp: 200,
    xp_per_level: 100,
    xp_rules: {
      base_entry: 10,
      per_attachment: 5,
      max_attachments: 3,
      per_tag: 3,
      max_tags: 5,
      length_bonus_threshold: 200,
      length_bonus: 10,
      outcome_bonus: 15,
      metrics_bonus: 10,
      agile_field_bonus: 5,
    },
    max_freezes: 3,
    freeze_earned_every_streak_days: 7,
    backfill_grace_days: 1,
  })
})

t.test('frozen all the way down', async (t) => {
  t.ok(Object.isFrozen(DEFAULT_REWARD_CONFIG))
  t.ok(Object.isFrozen(DEFAULT_REWARD_CONFIG.xp_rules))
  t.throws(() => {
    ;(DEFAULT_REWARD_CONFIG.xp_rules as { base_entry: number }).base_entry = 1000
  }, TypeError)
})

t.test('schema accepts the defaults and rejects bad rows', async (t) => {
  t.same(parseRewardConfig(structuredClone(DEFAULT_REWARD_CONFIG)), DEFAULT_REWARD_CONFIG)
  t.throws(() => parseRewardConfig({ ...DEFAULT_REWARD_CONFIG, max_daily_xp: -1 }), InvalidRewardConfigError)
  t.throws(() => parseRewardConfig({ ...DEFAULT_REWARD_CONFIG, xp_per_level: 0 }), /xp_per_level/)
  t.throws(() => parseRewardConfig({ ...DEFAULT_REWARD_CONFIG, bonus_everything: 5 }), InvalidRewardConfigError)
  const { xp_rules: _rules, ...withoutRules } = DEFAULT_REWARD_CONFIG
  t.throws(() => parseRewardConfig(withoutRules), InvalidRewardConfigError)
  t.ok(Value.Check(RewardConfigRowSchema, { version: 1, rules: DEFAULT_REWARD_CONFIG, created_at: '2025-12-31T00:00:00Z' }))
  t.notOk(Value.Check(RewardConfigRowSchema, { version: 0, rules: DEFAULT_REWARD_CONFIG, created_at: '2025-12-31T00:00:00Z' }))
})
