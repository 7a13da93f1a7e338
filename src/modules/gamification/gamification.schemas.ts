// Request and response schemas of /api/gamification/* and /api/admin/gamification/*.
import { Type } from 'typebox'

const Day = Type.String({ format: 'date', description: 'A local day (YYYY-MM-DD) in the user\'s time zone' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const ChallengeOut = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  week_start: Day,
  week_end: Day,
  progress: Type.Integer(),
  target: Type.Integer(),
  reward_xp: Type.Integer(),
  completed_at: Nullable(Type.String({ format: 'date-time' })),
  days_remaining: Type.Integer(),
})

export const SummaryOut = Type.Object({
  time_zone: Type.String(),
  today: Day,
  quiet_mode: Type.Boolean({ description: 'When true, active_challenges and recent_badges are empty: nothing is pushed.' }),
  streak: Type.Object({
    current: Type.Integer(),
    longest: Type.Integer(),
    last_entry_date: Nullable(Day),
    freezes_remaining: Type.Integer(),
    freezes_used: Type.Integer(),
    logged_today: Type.Boolean(),
    at_risk: Type.Boolean({ description: 'Nothing counted today yet; the next entry decides whether a freeze bridges the gap.' }),
  }),
  xp: Type.Object({
    total: Type.Integer(),
    level: Type.Integer(),
    xp_into_level: Type.Integer(),
    xp_per_level: Type.Integer(),
    xp_to_next_level: Type.Integer(),
    today: Type.Integer({ description: 'XP booked on today\'s local day' }),
    daily_cap: Type.Integer(),
  }),
  active_challenges: Type.Array(ChallengeOut),
  recent_badges: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), awarded_at: Type.String({ format: 'date-time' }) })),
})

export const BadgesOut = Type.Object({
  earned_count: Type.Integer(),
  total: Type.Integer(),
  categories: Type.Array(Type.Object({
    category: Type.String(),
    badges: Type.Array(Type.Object({
      code: Type.String(),
      name: Type.String(),
      description: Type.String(),
      trigger: Type.String(),
      threshold: Type.Integer(),
      earned: Type.Boolean(),
      awarded_at: Nullable(Type.String({ format: 'date-time' })),
    })),
  })),
})

export const ChallengesOut = Type.Object({ active: Type.Array(ChallengeOut), history: Type.Array(ChallengeOut) })

export const SettingsOut = Type.Object({ quiet_mode: Type.Boolean() })
export const SettingsPatch = Type.Object({
  quiet_mode: Type.Optional(Type.Boolean({ description: 'Hide gamification: rewards still accrue, nothing is pushed in summaries.' })),
}, { additionalProperties: false })

export const MetricsQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }, { additionalProperties: false })
export const MetricsOut = Type.Object({
  since: Day,
  active_streaks: Type.Integer(),
  average_active_streak: Type.Number(),
  longest_streak: Type.Integer(),
  users_tracked: Type.Integer(),
  users_with_xp: Type.Integer(),
  total_xp: Type.Integer(),
  xp_per_day: Type.Array(Type.Object({ day: Day, xp: Type.Integer(), users: Type.Integer(), events: Type.Integer() })),
  badge_counts: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Type.Integer() })),
})

export const GrantBody = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  amount: Type.Integer({ minimum: 1, maximum: 10_000 }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false })
export const GrantOut = Type.Object({ grant_id: Type.String({ format: 'uuid' }), user_id: Type.String(), amount: Type.Integer(), total_xp: Type.Integer(), level: Type.Integer() })

export const RevokeBody = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  badge_code: Type.String({ minLength: 1, maxLength: 64 }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false })
export const RevokeOut = Type.Object({ user_id: Type.String(), badge_code: Type.String(), revoked_at: Type.String({ format: 'date-time' }) })
