// The pure core of gamification: no database, no clock. The reward_evaluate workflow
// loads inputs, calls evaluateReward, and persists planLedgerEvents with ON CONFLICT DO NOTHING.
export * from './reward-config.ts'
export * from './local-day.ts'
export * from './entry.ts'
export * from './meaningful-entry.ts'
export * from './xp.ts'
export * from './streak.ts'
export * from './badges.ts'
export * from './challenges.ts'
export * from './evaluate.ts'
