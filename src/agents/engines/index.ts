/**
 * Entry point of the deterministic local engines used by the local LLM
 * provider: one engine per task kind, plus an extractive summariser for free
 * text requests that carry no task.
 */
import type { AgentTask } from '../tasks.ts'
import { findSkills } from '../taxonomy/index.ts'
import { splitSentences, truncateAtWord, withPeriod, words } from '../text.ts'
import { extractMetrics } from './metrics.ts'
import { composeReportDraftLocally } from './report.engine.ts'
import { composeResumeDraftLocally } from './resume.engine.ts'
import { groupSkillNamesLocally } from './skills.engine.ts'
import { analyzeWorklogLocally } from './worklog.engine.ts'

export function runLocalTask (task: AgentTask): unknown {
  switch (task.kind) {
    case 'worklog.analyze':
      return analyzeWorklogLocally(task.input)
    case 'skills.merge':
      return groupSkillNamesLocally(task.input)
    case 'report.compose':
      return composeReportDraftLocally(task.input)
    case 'resume.compose':
      return composeResumeDraftLocally(task.input)
  }
}

/** Human-readable rendering of a task result, for the response's `text`. */
export function describeLocalResult (task: AgentTask, json: unknown): string {
  switch (task.kind) {
    case 'worklog.analyze': {
      const r = json as ReturnType<typeof analyzeWorklogLocally>
      return [r.summary, ...r.bullets.filter((b) => b.kind === 'resume').map((b) => `- ${b.text}`)].join('\n')
    }
    case 'report.compose': {
      const r = json as ReturnType<typeof composeReportDraftLocally>
      return [r.title, ...r.sections.flatMap((s) => [`${s.heading}:`, ...s.items.map((i) => `- ${i}`)])].join('\n')
    }
    case 'skills.merge':
    case 'resume.compose':
      return JSON.stringify(json)
  }
}

/**
 * Extractive summary of arbitrary text: up to three sentences chosen by a
 * deterministic score (numbers, named skills, position, word overlap with the
 * rest of the text), shown in their original order.
 */
export function summarizeText (text: string, maxSentences = 3): string {
  const sentences = splitSentences(text)
  if (sentences.length <= maxSentences) return truncateAtWord(sentences.map((s) => withPeriod(s.text)).join(' '), 600)
  const frequency = new Map<string, number>()
  for (const w of words(text)) if (w.length > 3) frequency.set(w, (frequency.get(w) ?? 0) + 1)
  const scored = sentences.map((s, i) => {
    const tokens = words(s.text).filter((w) => w.length > 3)
    const centrality = tokens.length === 0 ? 0 : tokens.reduce((sum, w) => sum + (frequency.get(w) ?? 0) - 1, 0) / tokens.length
    const score =
      centrality +
      (extractMetrics(s.text).length > 0 ? 1.5 : 0) +
      Math.min(1.5, findSkills(s.text).length * 0.5) +
      (i === 0 ? 1 : 0) -
      (tokens.length < 3 ? 1 : 0)
    return { text: s.text, i, score }
  })
  const chosen = [...scored]
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, maxSentences)
    .sort((a, b) => a.i - b.i)
  return truncateAtWord(chosen.map((s) => withPeriod(s.text)).join(' '), 600)
}
