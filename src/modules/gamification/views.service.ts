// The user's own gamification views, what the /api/gamification/* routes call: summary,
// badges, challenges and the quiet-mode setting. Quiet mode only hides what is pushed
// (see evaluation.service.ts for the fairness rules).
import type { Executor } from '../../platform/db/database.ts'
import { addDays, levelProgress, weekContaining, type LocalDay } from './rules/index.ts'
import { loadQuietMode, loadRewardConfig, loadUserToday, loadUserXp, xpOnDay, type UserKey } from './gamification.repository.ts'
import {
  loadActiveChallengeTemplates, loadBadgeCatalog, loadBadgesAwardedSince, loadChallenges, loadStreak, saveQuietMode, type ChallengeRow,
} from './views.repository.ts'

interface ChallengeView {
  code: string
  name: string
  description: string
  week_start: string
  week_end: string
  progress: number
  target: number
  reward_xp: number
  completed_at: string | null
  days_remaining: number
}

function challengeView (r: ChallengeRow, today: LocalDay): ChallengeView {
  const weekEnd = addDays(r.week_start, 6)
  const remaining = Math.max(0, Math.round((Date.parse(weekEnd) - Date.parse(today)) / 86_400_000) + 1)
  return {
    code: r.code,
    name: r.name,
    description: r.description,
    week_start: r.week_start,
    week_end: weekEnd,
    progress: Math.min(r.progress, r.target),
    target: r.target,
    reward_xp: r.reward_xp,
    completed_at: r.completed_at?.toISOString() ?? null,
    days_remaining: r.week_start > today ? 7 : Math.min(7, remaining),
  }
}

/** This week's challenges: the stored ones, or the templates at zero before the first entry. */
async function activeChallenges (trx: Executor, key: UserKey, today: LocalDay): Promise<ChallengeView[]> {
  const week = weekContaining(today)
  const stored = await loadChallenges(trx, key, { weekStart: week.start }, 100)
  if (stored.length > 0) return stored.map((r) => challengeView(r, today))
  const templates = await loadActiveChallengeTemplates(trx, key.tenantId)
  const daysRemaining = Math.round((Date.parse(week.end) - Date.parse(today)) / 86_400_000) + 1
  return templates.map((t) => ({ ...t, week_start: week.start, week_end: week.end, progress: 0, completed_at: null, days_remaining: daysRemaining }))
}

export async function getSummary (trx: Executor, key: UserKey, now = new Date()) {
  const { rules: config } = await loadRewardConfig(trx, key.tenantId)
  const { today, timeZone } = await loadUserToday(trx, key.userId, now)
  const xp = await loadUserXp(trx, key)
  const streak = await loadStreak(trx, key)
  const quiet = await loadQuietMode(trx, key)
  const totalXp = xp?.total_xp ?? 0
  const progress = levelProgress(totalXp, config)
  const todayXp = await xpOnDay(trx, key, today)
  // A streak whose last day is before yesterday (and not bridged by a freeze on the next
  // entry) is shown as at risk rather than zeroed: only an entry can change it (fairness).
  const last = streak?.last_entry_date ?? null
  const gap = last === null ? null : Math.round((Date.parse(today) - Date.parse(last)) / 86_400_000)
  return {
    time_zone: timeZone,
    today,
    quiet_mode: quiet,
    streak: {
      current: streak?.current ?? 0,
      longest: streak?.longest ?? 0,
      last_entry_date: last,
      freezes_remaining: streak?.freezes_remaining ?? config.max_freezes,
      freezes_used: streak?.freezes_used ?? 0,
      logged_today: gap === 0,
      at_risk: gap !== null && gap >= 1 && (streak?.current ?? 0) > 0,
    },
    xp: {
      total: totalXp,
      level: progress.level,
      xp_into_level: progress.xpIntoLevel,
      xp_per_level: progress.xpPerLevel,
      xp_to_next_level: progress.xpToNextLevel,
      today: todayXp,
      daily_cap: config.max_daily_xp,
    },
    // Quiet mode: nothing is pushed. The data stays reachable on the badges/challenges pages.
    active_challenges: quiet ? [] : await activeChallenges(trx, key, today),
    recent_badges: quiet ? [] : await recentBadges(trx, key, now),
  }
}

async function recentBadges (trx: Executor, key: UserKey, now: Date) {
  const rows = await loadBadgesAwardedSince(trx, key, new Date(now.getTime() - 7 * 86_400_000))
  return rows.map((r) => ({ code: r.badge_code, name: r.name, awarded_at: r.awarded_at.toISOString() }))
}

export async function getBadges (trx: Executor, key: UserKey) {
  const rows = await loadBadgeCatalog(trx, key)
  const categories = new Map<string, Array<{ code: string; name: string; description: string; trigger: string; threshold: number; earned: boolean; awarded_at: string | null }>>()
  for (const r of rows) {
    const list = categories.get(r.category) ?? []
    list.push({ code: r.code, name: r.name, description: r.description, trigger: r.trigger, threshold: r.threshold, earned: r.awarded_at !== null, awarded_at: r.awarded_at?.toISOString() ?? null })
    categories.set(r.category, list)
  }
  const earned = rows.filter((r) => r.awarded_at !== null).length
  return { earned_count: earned, total: rows.length, categories: [...categories].map(([category, badges]) => ({ category, badges })) }
}

export async function getChallenges (trx: Executor, key: UserKey, now = new Date()) {
  const { today } = await loadUserToday(trx, key.userId, now)
  const week = weekContaining(today)
  const active = await activeChallenges(trx, key, today)
  const history = await loadChallenges(trx, key, { before: week.start }, 200)
  return { active, history: history.map((r) => challengeView(r, today)) }
}

export async function getSettings (trx: Executor, key: UserKey) {
  return { quiet_mode: await loadQuietMode(trx, key) }
}

export async function updateSettings (trx: Executor, key: UserKey, patch: { quiet_mode?: boolean }) {
  if (patch.quiet_mode !== undefined) await saveQuietMode(trx, key, patch.quiet_mode)
  return getSettings(trx, key)
}
