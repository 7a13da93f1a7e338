// Reward rules as data. The seed (000 "Configuration") defines a versioned RewardConfig
// that admins can edit; version 1 is the seed's defaults. Keys keep the seed's snake_case
// spelling because this object is stored as-is in a reward_config row and shown in admin.
//
// Keys the seed states only in prose (attachment/tag caps, 100 XP per level) or not at
// all (backfill grace, how freezes are earned) are added here so that every number the
// rules use lives in one versioned place.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

const Count = (description: string) => Type.Integer({ minimum: 0, description })
const Positive = (description: string) => Type.Integer({ minimum: 1, description })

export const XpRulesSchema = Type.Object(
  {
    base_entry: Count('XP for any meaningful entry'),
    per_attachment: Count('XP per attachment, up to max_attachments'),
    max_attachments: Count('Attachments that earn XP (seed: max 3)'),
    per_tag: Count('XP per distinct tag, up to max_tags'),
    max_tags: Count('Tags that earn XP (seed: max 5)'),
    length_bonus_threshold: Positive('Content length (characters) that earns the length bonus'),
    length_bonus: Count('XP when the content reaches length_bonus_threshold'),
    outcome_bonus: Count('XP when the entry states an outcome or impact'),
    metrics_bonus: Count('XP when the entry carries metrics'),
    agile_field_bonus: Count('XP when the entry is linked to an epic, feature, story, task or sprint'),
  },
  { additionalProperties: false }
)

export const RewardConfigSchema = Type.Object(
  {
    min_entry_length: Positive('Minimum content length in characters for an entry to count'),
    max_entries_per_hour: Positive('Entries per rolling hour; later ones are rejected as spam'),
    duplicate_threshold_seconds: Count('A near-duplicate of an entry made this recently is rejected'),
    max_daily_xp: Count('XP a user can earn per local day'),
    xp_per_level: Positive('XP between two levels (seed: 100 XP/level)'),
    xp_rules: XpRulesSchema,
    max_freezes: Count('Streak freezes a user can hold'),
    freeze_earned_every_streak_days: Positive('A freeze is earned back each time the streak reaches a multiple of this'),
    backfill_grace_days: Count('How many days before its creation day an entry may still count for the streak'),
  },
  { additionalProperties: false }
)

export type XpRules = Static<typeof XpRulesSchema>
export type RewardConfig = Static<typeof RewardConfigSchema>

/** A reward_config row: immutable once written; a change is a new version. */
export const RewardConfigRowSchema = Type.Object(
  {
    version: Positive('Monotonic version; version 1 holds the seed defaults'),
    rules: RewardConfigSchema,
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false }
)

export type RewardConfigRow = Static<typeof RewardConfigRowSchema>

export const DEFAULT_REWARD_CONFIG_VERSION = 1

/** Version 1: the seed's numbers. Frozen so no caller can tune rewards by mutation. */
export const DEFAULT_REWARD_CONFIG: Readonly<RewardConfig> = deepFreeze({
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

export class InvalidRewardConfigError extends Error {
  override readonly name = 'InvalidRewardConfigError'
}

/** Validates stored/admin-supplied rules; a bad row must fail loudly, not reward oddly. */
export function parseRewardConfig (value: unknown): RewardConfig {
  if (Value.Check(RewardConfigSchema, value)) return value
  const problems = Value.Errors(RewardConfigSchema, value).map((e) => `${e.instancePath || '/'} ${e.message}`)
  throw new InvalidRewardConfigError(`invalid reward config: ${problems.join('; ')}`)
}

function deepFreeze<T extends object> (value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child)
  }
  return Object.freeze(value)
}
