/**
 * Local report composition and the report statistics. Statistics are always
 * computed here, whichever provider writes the prose, so hours and counts in a
 * report are exact.
 */
import type { ReportDraft, ReportInput, ReportSection, ReportStats, ReportWorklog } from '../report.types.ts'
import type { ReportKind } from '../../vocabulary/career.ts'
import type { WorkType } from '../../vocabulary/worklog.ts'
import { REPORT_SECTIONS } from '../prompts/report-compose.v1.ts'
import { findSkills, normalizeSkillName } from '../taxonomy/index.ts'
import { splitSentences, truncateAtWord, withPeriod } from '../text.ts'
import { extractMetrics } from './metrics.ts'
import { composeResumeBullet, composeStatusBullet, doneText, suggestWorkType } from './worklog.engine.ts'

const UNASSIGNED = 'Unassigned'
const BLOCKER_CUE = /\bblock(?:ed|er|ers|ing)\b|\bwaiting (?:on|for)\b|\bstuck\b|\bdepends on\b|\bpending (?:approval|review|sign-?off)\b|\bcan(?:no|')t proceed\b/i

function hours (minutes: number): number {
  return Math.round((minutes / 60) * 100) / 100
}

function byDateThenTitle (a: ReportWorklog, b: ReportWorklog): number {
  return a.occurredOn.localeCompare(b.occurredOn) || (a.title ?? '').localeCompare(b.title ?? '') || a.content.localeCompare(b.content)
}

/** Skills for a log: the accepted list when given, otherwise detected from its text. */
export function skillsOf (worklog: ReportWorklog): string[] {
  if (worklog.skills && worklog.skills.length > 0) return [...new Set(worklog.skills.map(normalizeSkillName).filter(Boolean))]
  return findSkills(doneText(worklog), { title: worklog.title ?? null, tags: worklog.tags ?? [] }).map((m) => m.name)
}

export function computeReportStats (worklogs: readonly ReportWorklog[]): ReportStats {
  let minutes = 0
  let billableMinutes = 0
  const days = new Set<string>()
  const byWorkType: Partial<Record<WorkType, number>> = {}
  const byStatus: ReportStats['byStatus'] = {}
  const clientMinutes = new Map<string, number>()
  const projectMinutes = new Map<string, number>()
  const skillCounts = new Map<string, number>()
  let metricsCount = 0
  for (const w of worklogs) {
    const effort = Math.max(0, w.effortMinutes ?? 0)
    minutes += effort
    if (w.isBillable) billableMinutes += effort
    days.add(w.occurredOn)
    const type = w.workType ?? suggestWorkType(w)
    byWorkType[type] = (byWorkType[type] ?? 0) + 1
    if (w.status) byStatus[w.status] = (byStatus[w.status] ?? 0) + 1
    const client = w.clientName?.trim() || UNASSIGNED
    const project = w.projectName?.trim() || UNASSIGNED
    clientMinutes.set(client, (clientMinutes.get(client) ?? 0) + effort)
    projectMinutes.set(project, (projectMinutes.get(project) ?? 0) + effort)
    for (const skill of skillsOf(w)) skillCounts.set(skill, (skillCounts.get(skill) ?? 0) + 1)
    metricsCount += extractMetrics(doneText(w)).length
  }
  const toHours = (m: Map<string, number>): Record<string, number> =>
    Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, v]) => [k, hours(v)]))
  return {
    entries: worklogs.length,
    hours: hours(minutes),
    billableHours: hours(billableMinutes),
    activeDays: days.size,
    byWorkType,
    byStatus,
    hoursByClient: toHours(clientMinutes),
    hoursByProject: toHours(projectMinutes),
    skills: [...skillCounts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name, count]) => ({ name, count })),
    metricsCount,
  }
}

function isBlocked (w: ReportWorklog): boolean {
  return (w.tags ?? []).some((t) => /^blocked$/i.test(t)) || BLOCKER_CUE.test(`${w.content}\n${w.nextSteps ?? ''}`)
}

/** Worklog status is about the entry's write-up: final/ready/archived entries describe finished work. */
function isDone (w: ReportWorklog): boolean {
  if (w.status === 'final' || w.status === 'ready' || w.status === 'archived') return true
  if (w.status === 'draft') return false
  return Boolean(w.outcome?.trim())
}

function blockerLines (worklogs: readonly ReportWorklog[]): string[] {
  const lines: string[] = []
  for (const w of worklogs) {
    for (const s of splitSentences(`${w.content}\n${w.nextSteps ?? ''}`)) {
      if (BLOCKER_CUE.test(s.text)) lines.push(withPeriod(w.title ? `${w.title}: ${s.text}` : s.text))
    }
  }
  return unique(lines)
}

function nextStepLines (worklogs: readonly ReportWorklog[], limit: number): string[] {
  const lines = [...worklogs]
    .sort((a, b) => b.occurredOn.localeCompare(a.occurredOn))
    .flatMap((w) => splitSentences(w.nextSteps ?? '').map((s) => withPeriod(s.text)))
  return unique(lines).slice(0, limit)
}

/** Ranks entries for highlights: results with numbers first, then written outcomes, then effort. */
function highlightScore (w: ReportWorklog): number {
  const metrics = extractMetrics(doneText(w)).length
  return (metrics > 0 ? 4 : 0) + (w.outcome?.trim() ? 2 : 0) + (w.impact?.trim() ? 1 : 0) + Math.min(2, (w.effortMinutes ?? 0) / 240)
}

function highlightLines (worklogs: readonly ReportWorklog[], limit: number): string[] {
  return [...worklogs]
    .map((w, i) => ({ w, i, score: highlightScore(w) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, limit)
    .map(({ w }) => composeResumeBullet(w, w.workType ?? suggestWorkType(w), extractMetrics(doneText(w))))
}

function metricLines (worklogs: readonly ReportWorklog[]): string[] {
  return unique(
    worklogs.flatMap((w) => {
      const metrics = extractMetrics(doneText(w))
      const contexts = unique(metrics.map((m) => m.context))
      return contexts.map((c) => withPeriod(w.title ? `${w.title}: ${c}` : c))
    })
  )
}

function unique (lines: string[]): string[] {
  const seen = new Set<string>()
  return lines.filter((line) => {
    const key = line.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function orNone (items: string[], none: string): string[] {
  return items.length > 0 ? items : [none]
}

function plural (n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function entryCount (n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`
}

export function reportTitle (input: ReportInput): string {
  const labels: Record<ReportKind, string> = {
    status: 'Status report',
    standup: 'Standup',
    weekly: 'Weekly report',
    monthly: 'Monthly report',
    sprint: 'Sprint report',
    summary: 'Work summary',
  }
  const period = input.period.start === input.period.end ? input.period.start : `${input.period.start} to ${input.period.end}`
  const scope = input.scope?.sprintName ?? input.scope?.projectName ?? input.scope?.clientName
  return `${labels[input.kind]}${scope ? ` — ${scope}` : ''}, ${period}`
}

/** The deterministic report draft: same sections and keys as the prompt asks a model for. */
export function composeReportDraftLocally (input: ReportInput): ReportDraft {
  const worklogs = [...input.worklogs].sort(byDateThenTitle)
  const stats = computeReportStats(worklogs)
  const statusLines = worklogs.map((w) => composeStatusBullet(w))
  const topSkills = stats.skills.slice(0, 8).map((s) => s.name)
  const items: Record<string, string[]> = {}

  switch (input.kind) {
    case 'standup':
      items.yesterday = orNone(statusLines, 'No entries logged.')
      items.today = orNone(nextStepLines(worklogs, 8), 'No next steps logged.')
      items.blockers = orNone(blockerLines(worklogs), 'None reported.')
      break
    case 'status': {
      const blocked = worklogs.filter(isBlocked)
      const done = worklogs.filter((w) => !blocked.includes(w) && isDone(w))
      const inProgress = worklogs.filter((w) => !blocked.includes(w) && !done.includes(w))
      items.done = orNone(done.map((w) => composeStatusBullet(w)), 'Nothing finished in this period.')
      items.in_progress = orNone(inProgress.map((w) => composeStatusBullet(w)), 'Nothing in progress.')
      items.blocked = orNone(blockerLines(blocked), 'Nothing blocked.')
      items.next = orNone(nextStepLines(worklogs, 8), 'No next steps logged.')
      break
    }
    case 'weekly':
    case 'monthly': {
      items.highlights = orNone(highlightLines(worklogs, input.kind === 'weekly' ? 3 : 5), 'No entries logged.')
      items.work =
        input.kind === 'monthly'
          ? orNone(worklogs.map((w, i) => `${w.projectName?.trim() || UNASSIGNED}: ${statusLines[i]}`).sort(), 'No entries logged.')
          : orNone(statusLines, 'No entries logged.')
      items.metrics = orNone(metricLines(worklogs), 'No metrics recorded.')
      items.next = orNone(nextStepLines(worklogs, 6), 'No next steps logged.')
      break
    }
    case 'sprint': {
      const done = worklogs.filter((w) => !isBlocked(w) && isDone(w))
      const carry = worklogs.filter((w) => !done.includes(w))
      items.goal = [
        `Logged ${entryCount(stats.entries)} over ${plural(stats.activeDays, 'day')}` +
          `${stats.hours > 0 ? ` (${stats.hours} h)` : ''}; ${done.length} finished, ${carry.length} carried over.` +
          (topSkills.length > 0 ? ` Main skills: ${topSkills.slice(0, 5).join(', ')}.` : ''),
      ]
      items.highlights = orNone(highlightLines(done, 6), 'Nothing delivered in this sprint.')
      items.metrics = orNone(metricLines(worklogs), 'No metrics recorded.')
      items.carry_over = orNone(
        unique([...carry.map((w) => composeStatusBullet(w)), ...blockerLines(carry), ...nextStepLines(worklogs, 6)]),
        'Nothing carried over.'
      )
      break
    }
    case 'summary': {
      const types = Object.entries(stats.byWorkType)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([type, n]) => `${n} ${type}`)
      items.overview = [
        stats.entries === 0
          ? 'No work was logged in this period.'
          : `${entryCount(stats.entries)} over ${plural(stats.activeDays, 'day')}` +
            `${stats.hours > 0 ? `, ${stats.hours} hours in total` : ''} (${types.join(', ')}).` +
            (topSkills.length > 0 ? ` Most used skills: ${topSkills.slice(0, 5).join(', ')}.` : ''),
      ]
      items.highlights = orNone(highlightLines(worklogs, 5), 'No entries logged.')
      items.skills = orNone(
        stats.skills.slice(0, 15).map((s) => `${s.name} (${entryCount(s.count)})`),
        'No skills detected.'
      )
      break
    }
  }

  const sections: ReportSection[] = REPORT_SECTIONS[input.kind].map(({ key, heading }) => ({
    key,
    heading,
    items: (items[key] ?? []).map((line) => truncateAtWord(line, 600)),
  }))
  return { title: reportTitle(input), sections }
}
