/**
 * Prompts for composing reports from work logs, one structure per report kind.
 * Version 1.
 *
 * The model writes the prose sections only. Hours, counts and breakdowns are
 * computed by the agent and appended as tables, so a report can never contain
 * invented numbers about time spent.
 */
import type { ReportInput } from '../report.types.ts'
import type { ReportKind } from '../../vocabulary/career.ts'

export const REPORT_COMPOSE_PROMPT_VERSION = 'report-compose.v1'

/** Section keys and headings per report kind; shared with the local engine so both produce the same shape. */
export const REPORT_SECTIONS: Record<ReportKind, Array<{ key: string; heading: string; guidance: string }>> = {
  standup: [
    { key: 'yesterday', heading: 'Yesterday', guidance: 'what was done, one item per entry, outcome first' },
    { key: 'today', heading: 'Today', guidance: "what is planned next, taken from the entries' next steps" },
    { key: 'blockers', heading: 'Blockers', guidance: 'anything blocked or waiting on someone; "None reported." if nothing is' },
  ],
  status: [
    { key: 'done', heading: 'Done', guidance: 'finished work with its outcome' },
    { key: 'in_progress', heading: 'In progress', guidance: 'work still being written up or carried on' },
    { key: 'blocked', heading: 'Blocked', guidance: 'blocked items and what they wait on; "Nothing blocked." if none' },
    { key: 'next', heading: 'Next', guidance: 'next steps' },
  ],
  weekly: [
    { key: 'highlights', heading: 'Highlights', guidance: 'the most significant results, with their numbers' },
    { key: 'work', heading: 'Work completed', guidance: 'one line per entry' },
    { key: 'metrics', heading: 'Metrics', guidance: 'every quantitative result written in the entries' },
    { key: 'next', heading: 'Next week', guidance: 'next steps' },
  ],
  monthly: [
    { key: 'highlights', heading: 'Highlights', guidance: 'the most significant results of the month, with numbers' },
    { key: 'work', heading: 'Work by project', guidance: 'grouped by project, one line per notable entry' },
    { key: 'metrics', heading: 'Metrics', guidance: 'every quantitative result written in the entries' },
    { key: 'next', heading: 'Looking ahead', guidance: 'open next steps' },
  ],
  sprint: [
    { key: 'goal', heading: 'Sprint summary', guidance: 'what the sprint achieved in two or three sentences' },
    { key: 'highlights', heading: 'Delivered', guidance: 'completed work with outcomes' },
    { key: 'metrics', heading: 'Metrics', guidance: 'quantitative results' },
    { key: 'carry_over', heading: 'Carry-over', guidance: 'unfinished or blocked work and next steps' },
  ],
  summary: [
    { key: 'overview', heading: 'Overview', guidance: 'two or three sentences on the period as a whole' },
    { key: 'highlights', heading: 'Highlights', guidance: 'the most significant results' },
    { key: 'skills', heading: 'Skills applied', guidance: 'technologies and practices used, most used first' },
  ],
}

export function buildReportSystem (kind: ReportKind): string {
  const sections = REPORT_SECTIONS[kind]
    .map((s) => `  - key "${s.key}", heading "${s.heading}": ${s.guidance}.`)
    .join('\n')
  return `You write ${kind} reports for a professional in AfterResume from their own work log entries. The reader is their manager, client or team.

Return a JSON object: {"title": a short report title, "sections": [{"key": ..., "heading": ..., "items": [plain-text lines]}]}.
Use exactly these sections, in this order:
${sections}

Rules:
- Use only facts from the entries. Do not invent work, numbers, names or outcomes.
- Each item is one self-contained line of plain text (no Markdown bullets, no numbering), past tense for done work.
- Keep numbers exactly as written in the entries.
- Do not include hours or time totals: those are added separately.
- If a section has nothing to say, give it a single item saying so ("None reported.").

Answer with the JSON object only.`
}

export function buildReportUser (input: ReportInput): string {
  const scope = [
    input.scope?.clientName ? `client ${input.scope.clientName}` : null,
    input.scope?.projectName ? `project ${input.scope.projectName}` : null,
    input.scope?.sprintName ? `sprint ${input.scope.sprintName}` : null,
  ].filter(Boolean)
  const header = `Write a ${input.kind} report for ${input.period.start} to ${input.period.end}${scope.length ? ` (${scope.join(', ')})` : ''}.`
  const entries = input.worklogs.map((w, i) =>
    [
      `Entry ${i + 1} — ${w.occurredOn}${w.title ? ` — ${w.title}` : ''}`,
      `  Status: ${w.status ?? 'unknown'}; work type: ${w.workType ?? 'unknown'}${w.projectName ? `; project: ${w.projectName}` : ''}`,
      `  Done: ${w.content.trim()}`,
      w.outcome ? `  Outcome: ${w.outcome.trim()}` : null,
      w.impact ? `  Impact: ${w.impact.trim()}` : null,
      w.nextSteps ? `  Next steps: ${w.nextSteps.trim()}` : null,
    ]
      .filter(Boolean)
      .join('\n')
  )
  return [header, '', entries.length > 0 ? entries.join('\n\n') : '(No entries in this period.)'].join('\n')
}
