/**
 * ReportAgent: composes status, standup, weekly, monthly, sprint and summary
 * reports from the work logs of a period.
 *
 * The provider writes the prose sections (template per kind, see
 * prompts/report-compose.v1.ts); the agent computes the statistics itself and
 * appends them as "Time" and "Skills used" sections, then renders Markdown.
 */
import { outputSchema, type LlmProvider } from '../platform/llm/llm.types.ts'
import type { AgentContext } from './agent.types.ts'
import { type Report, type ReportInput, type ReportSection, type ReportStats, ReportDraftSchema } from './report.types.ts'
import type { ReportKind } from '../vocabulary/career.ts'
import { askForJson } from './ask.ts'
import { computeReportStats } from './engines/report.engine.ts'
import { REPORT_COMPOSE_PROMPT_VERSION, REPORT_SECTIONS, buildReportSystem, buildReportUser } from './prompts/report-compose.v1.ts'
import { normalizeWhitespace } from './text.ts'

const REPORT_DRAFT_OUTPUT = outputSchema('report_draft', ReportDraftSchema)

/** Kinds that show where the time went; a standup is about today, not hours. */
const KINDS_WITH_TIME: ReadonlySet<ReportKind> = new Set(['status', 'weekly', 'monthly', 'sprint', 'summary'])
/** Kinds that list skills used (the summary template already has its own skills section). */
const KINDS_WITH_SKILLS: ReadonlySet<ReportKind> = new Set(['weekly', 'monthly', 'sprint'])

export async function composeReport (ctx: AgentContext, provider: LlmProvider, input: ReportInput): Promise<Report> {
  if (input.period.start > input.period.end) {
    throw new Error(`composeReport: period start ${input.period.start} is after end ${input.period.end}`)
  }
  const worklogs = input.worklogs.filter((w) => w.occurredOn >= input.period.start && w.occurredOn <= input.period.end)
  if (worklogs.length !== input.worklogs.length) {
    ctx.log('warning', 'report.compose: ignored work logs outside the period', { ignored: input.worklogs.length - worklogs.length })
  }
  const scoped: ReportInput = { ...input, worklogs }
  ctx.log('info', 'report.compose: start', { kind: input.kind, entries: worklogs.length })

  const { json: draft } = await askForJson(ctx, provider, {
    purpose: 'report.compose',
    promptVersion: REPORT_COMPOSE_PROMPT_VERSION,
    system: buildReportSystem(input.kind),
    user: buildReportUser(scoped),
    schema: REPORT_DRAFT_OUTPUT,
    task: { kind: 'report.compose', input: scoped },
    maxTokens: 2500,
  })

  const stats = computeReportStats(worklogs)
  const sections: ReportSection[] = [...orderSections(input.kind, draft.sections), ...statSections(input.kind, stats)]
  const title = normalizeWhitespace(draft.title)
  return { kind: input.kind, period: input.period, title, sections, stats, markdown: renderReportMarkdown(title, input, sections, stats) }
}

/** Puts the template's sections first, in template order, then anything extra the model added. */
function orderSections (kind: ReportKind, sections: ReportSection[]): ReportSection[] {
  const order = REPORT_SECTIONS[kind].map((s) => s.key)
  const rank = (key: string): number => {
    const i = order.indexOf(key)
    return i === -1 ? order.length : i
  }
  return sections
    .map((s, i) => ({ s: { ...s, items: s.items.map(normalizeWhitespace).filter(Boolean) }, i }))
    .sort((a, b) => rank(a.s.key) - rank(b.s.key) || a.i - b.i)
    .map(({ s }) => s)
}

function statSections (kind: ReportKind, stats: ReportStats): ReportSection[] {
  const sections: ReportSection[] = []
  if (KINDS_WITH_TIME.has(kind) && stats.entries > 0) {
    const items = [`Total: ${stats.hours} h across ${stats.entries} ${stats.entries === 1 ? 'entry' : 'entries'} (${stats.billableHours} h billable)`]
    for (const [client, h] of Object.entries(stats.hoursByClient)) items.push(`Client ${client}: ${h} h`)
    for (const [project, h] of Object.entries(stats.hoursByProject)) items.push(`Project ${project}: ${h} h`)
    sections.push({ key: 'time', heading: 'Time', items })
  }
  if (KINDS_WITH_SKILLS.has(kind) && stats.skills.length > 0) {
    sections.push({ key: 'skills_used', heading: 'Skills used', items: stats.skills.slice(0, 15).map((s) => `${s.name} (${s.count})`) })
  }
  return sections
}

export function renderReportMarkdown (title: string, input: ReportInput, sections: ReportSection[], stats: ReportStats): string {
  const lines: string[] = [`# ${escapeHeading(title)}`, '']
  const scope = [input.scope?.clientName, input.scope?.projectName, input.scope?.sprintName].filter(Boolean).join(' / ')
  lines.push(`_${input.period.start} – ${input.period.end}${scope ? ` · ${scope}` : ''} · ${stats.entries} ${stats.entries === 1 ? 'entry' : 'entries'}_`, '')
  for (const section of sections) {
    lines.push(`## ${escapeHeading(section.heading)}`, '')
    if (section.key === 'time' && stats.entries > 0) {
      lines.push(...timeTable(stats), '')
      continue
    }
    for (const item of section.items) lines.push(`- ${item}`)
    lines.push('')
  }
  return `${lines.join('\n').trimEnd()}\n`
}

function timeTable (stats: ReportStats): string[] {
  const rows = [
    '| Scope | Hours |',
    '| --- | ---: |',
    ...Object.entries(stats.hoursByClient).map(([client, h]) => `| Client: ${escapeCell(client)} | ${h} |`),
    ...Object.entries(stats.hoursByProject).map(([project, h]) => `| Project: ${escapeCell(project)} | ${h} |`),
    `| **Total** (${stats.billableHours} billable) | **${stats.hours}** |`,
  ]
  const types = Object.entries(stats.byWorkType)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `${type} ${n}`)
  if (types.length > 0) rows.push('', `Entries by work type: ${types.join(', ')}.`)
  return rows
}

function escapeHeading (text: string): string {
  return text.replace(/\n/g, ' ').replace(/^#+\s*/, '')
}

function escapeCell (text: string): string {
  return text.replace(/\|/g, '\\|')
}
