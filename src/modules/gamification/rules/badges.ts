// Step 6 of reward evaluation (seed: award_badges) and the ten badge definitions.
//
// The seeds list badges twice. Seed 000 (the workflow, with a trigger for each) names
// exactly ten: first_entry, streak_7/30/100, total_entries_10/50/100, first_attachment,
// level_5, level_10. Seed 001 says "10 badge definitions" but its prose adds "first
// outcome", which would make eleven and has no trigger anywhere. The catalogue is the
// ten with triggers; outcomes are rewarded by the outcome XP bonus and the weekly
// write_outcomes challenge.
//
// Thresholds are "reached", not "equal": the seed's `worklog count == 1` and
// `attachment_count == 1` would never fire for someone whose first upload holds two files,
// or whose evaluation runs after a second entry already exists.

export type BadgeCategory = 'milestone' | 'quality' | 'level'

/** The statistic a badge watches. */
export type BadgeTrigger = 'entry_count' | 'current_streak' | 'attachment_count' | 'level'

export interface BadgeDefinition {
  readonly code: string
  readonly name: string
  readonly description: string
  readonly category: BadgeCategory
  readonly trigger: BadgeTrigger
  readonly threshold: number
}

export const BADGE_DEFINITIONS: readonly BadgeDefinition[] = Object.freeze([
  { code: 'first_entry', name: 'First Entry', description: 'Logged your first meaningful entry.', category: 'milestone', trigger: 'entry_count', threshold: 1 },
  { code: 'streak_7', name: 'Week Streak', description: 'Logged work 7 days in a row.', category: 'milestone', trigger: 'current_streak', threshold: 7 },
  { code: 'streak_30', name: 'Month Streak', description: 'Logged work 30 days in a row.', category: 'milestone', trigger: 'current_streak', threshold: 30 },
  { code: 'streak_100', name: '100-Day Streak', description: 'Logged work 100 days in a row.', category: 'milestone', trigger: 'current_streak', threshold: 100 },
  { code: 'total_entries_10', name: '10 Entries', description: 'Logged 10 meaningful entries.', category: 'milestone', trigger: 'entry_count', threshold: 10 },
  { code: 'total_entries_50', name: '50 Entries', description: 'Logged 50 meaningful entries.', category: 'milestone', trigger: 'entry_count', threshold: 50 },
  { code: 'total_entries_100', name: '100 Entries', description: 'Logged 100 meaningful entries.', category: 'milestone', trigger: 'entry_count', threshold: 100 },
  { code: 'first_attachment', name: 'Evidence Attached', description: 'Attached evidence to an entry for the first time.', category: 'quality', trigger: 'attachment_count', threshold: 1 },
  { code: 'level_5', name: 'Level 5', description: 'Reached level 5.', category: 'level', trigger: 'level', threshold: 5 },
  { code: 'level_10', name: 'Level 10', description: 'Reached level 10.', category: 'level', trigger: 'level', threshold: 10 },
].map((badge) => Object.freeze(badge as BadgeDefinition)))

export interface BadgeStats {
  /** Meaningful (rewarded) entries of the user, this one included. */
  readonly entryCount: number
  readonly currentStreak: number
  /** Attachments on the user's meaningful entries, this one included. */
  readonly attachmentCount: number
  readonly level: number
}

export interface BadgeAward {
  readonly code: string
  readonly provenance: { readonly trigger: BadgeTrigger; readonly threshold: number }
}

export function awardBadges (
  stats: BadgeStats,
  alreadyEarned: Iterable<string>,
  definitions: readonly BadgeDefinition[] = BADGE_DEFINITIONS
): BadgeAward[] {
  const earned = new Set(alreadyEarned)
  const value: Record<BadgeTrigger, number> = {
    entry_count: stats.entryCount,
    current_streak: stats.currentStreak,
    attachment_count: stats.attachmentCount,
    level: stats.level,
  }
  return definitions
    .filter((badge) => !earned.has(badge.code) && value[badge.trigger] >= badge.threshold)
    .map((badge) => ({ code: badge.code, provenance: { trigger: badge.trigger, threshold: badge.threshold } }))
}

/** The seed's badge key; the table's unique (user, badge) constraint enforces the same. */
export function badgeIdempotencyKey (userId: string, badgeCode: string): string {
  return `badge:${userId}:${badgeCode}`
}
