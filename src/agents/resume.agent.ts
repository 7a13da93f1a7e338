/**
 * ResumeAgent: turns a profile, resume bullets, projects and merged skills
 * into a JSON Resume document (https://jsonresume.org/schema) plus a Markdown
 * rendering.
 *
 * Structure and dates come from the data: one `work` entry per client, one
 * `projects` entry per project. The provider writes the headline and summary
 * and chooses highlights among the candidate bullets of each entry; anything it
 * returns for keys we did not give it is ignored.
 */
import { outputSchema, type LlmProvider } from '../platform/llm/llm.types.ts'
import type { AgentContext } from './agent.types.ts'
import { type JsonResume, type ResumeBulletInput, type ResumeComposeGroup, type ResumeInput, type ResumeProjectInput, type ResumeResult, type ResumeSkillInput, ResumeDraftSchema } from './resume.types.ts'
import type { SkillKind } from '../vocabulary/career.ts'
import { askForJson } from './ask.ts'
import { rankSkills } from './engines/resume.engine.ts'
import { RESUME_COMPOSE_PROMPT_VERSION, buildResumeSystem, buildResumeUser } from './prompts/resume-compose.v1.ts'
import { normalizeSkillName } from './taxonomy/index.ts'
import { normalizeWhitespace, truncateAtWord } from './text.ts'

const RESUME_DRAFT_OUTPUT = outputSchema('resume_draft', ResumeDraftSchema)
const MAX_HIGHLIGHTS = 5
const MAX_SKILLS = 30
const INDEPENDENT = 'Independent work'
const JSON_RESUME_SCHEMA_URL = 'https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json'

const KIND_LABELS: Record<SkillKind, string> = {
  language: 'Languages',
  framework: 'Frameworks & libraries',
  tool: 'Tools',
  cloud: 'Cloud',
  database: 'Databases',
  practice: 'Practices',
  soft_skill: 'Soft skills',
}

interface WorkPlan {
  key: string;
  client: string;
  projects: ResumeProjectInput[];
  bullets: ResumeBulletInput[];
}

interface ProjectPlan {
  key: string;
  project: ResumeProjectInput;
  bullets: ResumeBulletInput[];
}

export async function composeResume (ctx: AgentContext, provider: LlmProvider, input: ResumeInput): Promise<ResumeResult> {
  if (!input.profile.name.trim()) throw new Error('composeResume: profile.name is required')
  const { work, projects } = plan(input)
  const skills = dedupeSkills(input.skills)
  ctx.log('info', 'resume.compose: start', { work: work.length, projects: projects.length, bullets: input.bullets.length, skills: skills.length })

  const group = (key: string, title: string, bullets: ResumeBulletInput[]): ResumeComposeGroup => ({
    key,
    title,
    // Selected bullets first, then most recent: the order candidates are presented in is a preference.
    candidates: [...bullets]
      .sort((a, b) => Number(Boolean(b.isSelected)) - Number(Boolean(a.isSelected)) || b.occurredOn.localeCompare(a.occurredOn) || a.text.localeCompare(b.text))
      .map((b) => normalizeWhitespace(b.text))
      .filter((t, i, all) => t.length > 0 && all.indexOf(t) === i),
  })
  const taskInput = {
    profile: input.profile,
    skills,
    work: work.map((w) => group(w.key, w.client, w.bullets)),
    projects: projects.map((p) => group(p.key, p.project.name, p.bullets)),
    maxHighlightsPerEntry: MAX_HIGHLIGHTS,
  }
  const { json: draft } = await askForJson(ctx, provider, {
    purpose: 'resume.compose',
    promptVersion: RESUME_COMPOSE_PROMPT_VERSION,
    system: buildResumeSystem(MAX_HIGHLIGHTS),
    user: buildResumeUser(taskInput),
    schema: RESUME_DRAFT_OUTPUT,
    task: { kind: 'resume.compose', input: taskInput },
    maxTokens: 3000,
  })

  const highlightsFor = (entries: Array<{ key: string; highlights: string[] }>, key: string): string[] =>
    (entries.find((e) => e.key === key)?.highlights ?? []).map((h) => truncateAtWord(h, 300)).slice(0, MAX_HIGHLIGHTS)

  const usedInWork = new Set<string>()
  const resume: JsonResume = {
    $schema: JSON_RESUME_SCHEMA_URL,
    basics: basics(input, draft.label, draft.summary),
    work: work.map((w) => {
      const highlights = highlightsFor(draft.work, w.key)
      for (const h of highlights) usedInWork.add(h.toLowerCase())
      return compact({
        name: w.client,
        position: firstNonEmpty(w.projects.map((p) => p.role)) ?? input.profile.label ?? undefined,
        url: w.projects.length === 1 ? (w.projects[0]?.url ?? undefined) : undefined,
        startDate: earliest([...w.projects.map((p) => p.startedOn), ...w.bullets.map((b) => b.occurredOn)]),
        endDate: w.projects.length > 0 && w.projects.every((p) => p.endedOn) ? latest(w.projects.map((p) => p.endedOn)) : undefined,
        highlights,
      })
    }),
    projects: projects.map((p) =>
      compact({
        name: p.project.name,
        description: p.project.description?.trim() || undefined,
        url: p.project.url ?? undefined,
        startDate: earliest([p.project.startedOn, ...p.bullets.map((b) => b.occurredOn)]),
        endDate: p.project.endedOn ?? undefined,
        roles: p.project.role ? [p.project.role] : undefined,
        entity: p.project.clientName ?? undefined,
        // A highlight already shown under the employer is not repeated under the project.
        highlights: highlightsFor(draft.projects, p.key).filter((h) => !usedInWork.has(h.toLowerCase())),
      })
    ),
    skills: rankSkills(skills)
      .slice(0, MAX_SKILLS)
      .map((s) => ({ name: s.name, level: capitalize(s.level), keywords: [KIND_LABELS[s.kind]] })),
  }
  ctx.log('info', 'resume.compose: done', { work: resume.work.length, projects: resume.projects.length, skills: resume.skills.length })
  return { resume, markdown: renderResumeMarkdown(resume) }
}

function plan (input: ResumeInput): { work: WorkPlan[]; projects: ProjectPlan[] } {
  const projectsByName = new Map(input.projects.map((p) => [p.name.trim().toLowerCase(), p]))
  const clientOf = (b: ResumeBulletInput): string => {
    if (b.clientName?.trim()) return b.clientName.trim()
    const project = b.projectName ? projectsByName.get(b.projectName.trim().toLowerCase()) : undefined
    return project?.clientName?.trim() || INDEPENDENT
  }

  const work = new Map<string, WorkPlan>()
  const ensureWork = (client: string): WorkPlan => {
    const key = `work:${slug(client)}`
    const existing = work.get(key)
    if (existing) return existing
    const created: WorkPlan = { key, client, projects: [], bullets: [] }
    work.set(key, created)
    return created
  }
  for (const p of input.projects) ensureWork(p.clientName?.trim() || INDEPENDENT).projects.push(p)
  for (const b of input.bullets) ensureWork(clientOf(b)).bullets.push(b)

  const projects: ProjectPlan[] = input.projects.map((project) => ({
    key: `project:${slug(project.name)}`,
    project,
    bullets: input.bullets.filter((b) => b.projectName?.trim().toLowerCase() === project.name.trim().toLowerCase()),
  }))

  // Most recent employer first, as resumes read.
  const ordered = [...work.values()]
    .filter((w) => w.bullets.length > 0 || w.projects.length > 0)
    .sort((a, b) => (latestActivity(b) ?? '').localeCompare(latestActivity(a) ?? '') || a.client.localeCompare(b.client))
  return { work: ordered, projects }
}

function latestActivity (w: WorkPlan): string | undefined {
  return latest([...w.bullets.map((b) => b.occurredOn), ...w.projects.map((p) => p.endedOn ?? p.startedOn)])
}

function dedupeSkills (skills: readonly ResumeSkillInput[]): ResumeSkillInput[] {
  const byName = new Map<string, ResumeSkillInput>()
  const rank = { beginner: 1, intermediate: 2, advanced: 3, expert: 4 } as const
  for (const s of skills) {
    const name = normalizeSkillName(s.name)
    if (!name) continue
    const existing = byName.get(name.toLowerCase())
    if (!existing || rank[s.level] > rank[existing.level]) byName.set(name.toLowerCase(), { ...s, name })
  }
  return [...byName.values()]
}

function basics (input: ResumeInput, draftLabel: string | null, draftSummary: string): JsonResume['basics'] {
  const p = input.profile
  const location = p.location
    ? compact({ city: p.location.city ?? undefined, region: p.location.region ?? undefined, countryCode: p.location.countryCode ?? undefined })
    : undefined
  return compact({
    name: p.name.trim(),
    label: p.label?.trim() || draftLabel?.trim() || undefined,
    email: p.email ?? undefined,
    phone: p.phone ?? undefined,
    url: p.url ?? undefined,
    summary: p.summary?.trim() || draftSummary.trim() || undefined,
    location: location && Object.keys(location).length > 0 ? location : undefined,
    profiles: (p.profiles ?? []).map((pr) => compact({ network: pr.network, username: pr.username ?? undefined, url: pr.url ?? undefined })),
  })
}

export function renderResumeMarkdown (resume: JsonResume): string {
  const b = resume.basics
  const lines: string[] = [`# ${b.name}`]
  if (b.label) lines.push('', `**${b.label}**`)
  const contact = [
    b.email,
    b.phone,
    [b.location?.city, b.location?.region, b.location?.countryCode].filter(Boolean).join(', ') || undefined,
    b.url,
    ...b.profiles.map((p) => (p.url ? `[${p.network}](${p.url})` : `${p.network}: ${p.username ?? ''}`.trim())),
  ].filter(Boolean)
  if (contact.length > 0) lines.push('', contact.join(' · '))
  if (b.summary) lines.push('', '## Summary', '', b.summary)
  if (resume.work.length > 0) {
    lines.push('', '## Experience')
    for (const w of resume.work) {
      lines.push('', `### ${w.position ? `${w.position} — ` : ''}${w.name}`)
      const dates = dateRange(w.startDate, w.endDate)
      if (dates) lines.push(`_${dates}_`)
      if (w.highlights.length > 0) lines.push('', ...w.highlights.map((h) => `- ${h}`))
    }
  }
  const projects = resume.projects.filter((p) => p.highlights.length > 0 || p.description)
  if (projects.length > 0) {
    lines.push('', '## Projects')
    for (const p of projects) {
      lines.push('', `### ${p.name}${p.entity ? ` (${p.entity})` : ''}`)
      const dates = dateRange(p.startDate, p.endDate)
      if (dates) lines.push(`_${dates}_`)
      if (p.description) lines.push('', p.description)
      if (p.highlights.length > 0) lines.push('', ...p.highlights.map((h) => `- ${h}`))
    }
  }
  if (resume.skills.length > 0) {
    lines.push('', '## Skills', '')
    const byGroup = new Map<string, string[]>()
    for (const s of resume.skills) {
      const groupName = s.keywords[0] ?? 'Other'
      byGroup.set(groupName, [...(byGroup.get(groupName) ?? []), `${s.name} (${s.level})`])
    }
    for (const [groupName, names] of byGroup) lines.push(`- **${groupName}:** ${names.join(', ')}`)
  }
  return `${lines.join('\n')}\n`
}

function dateRange (start: string | undefined, end: string | undefined): string | null {
  if (!start && !end) return null
  return `${start ?? '?'} – ${end ?? 'present'}`
}

function earliest (dates: Array<string | null | undefined>): string | undefined {
  return dates.filter((d): d is string => Boolean(d)).sort()[0]
}

function latest (dates: Array<string | null | undefined>): string | undefined {
  const sorted = dates.filter((d): d is string => Boolean(d)).sort()
  return sorted[sorted.length - 1]
}

function firstNonEmpty (values: Array<string | null | undefined>): string | undefined {
  return values.find((v): v is string => Boolean(v?.trim()))?.trim()
}

function slug (text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'entry'
}

function capitalize (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Drops undefined properties so the JSON Resume document has no empty keys. */
function compact<T extends Record<string, unknown>> (value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
