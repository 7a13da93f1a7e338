/**
 * Local resume drafting: picks the strongest highlights per employer and
 * project from the candidate bullets, infers a headline from the skill mix
 * when the profile has none, and writes a factual summary from the skills.
 */
import type { ResumeComposeGroup, ResumeComposeTaskInput, ResumeDraft, ResumeSkillInput } from '../resume.types.ts'
import type { SkillLevel } from '../../vocabulary/career.ts'
import { lookupSkill } from '../taxonomy/index.ts'
import { capitalizeFirst, truncateAtWord, withPeriod, words } from '../text.ts'
import { isPastTenseVerb } from './verbs.ts'

const LEVEL_RANK: Record<SkillLevel, number> = { beginner: 1, intermediate: 2, advanced: 3, expert: 4 }

/** Orders skills for display: level, then confidence, then name. */
export function rankSkills (skills: readonly ResumeSkillInput[]): ResumeSkillInput[] {
  return [...skills].sort(
    (a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || (b.confidence ?? 0) - (a.confidence ?? 0) || a.name.localeCompare(b.name)
  )
}

/** Skill names that indicate a specialisation, used to infer a headline. */
const SPECIALISATIONS: Array<{ label: string; skills: string[] }> = [
  { label: 'Data Engineer', skills: ['ETL', 'Apache Airflow', 'dbt', 'Apache Spark', 'Snowflake', 'BigQuery', 'Data Warehousing', 'Apache Kafka'] },
  { label: 'Machine Learning Engineer', skills: ['Machine Learning', 'Deep Learning', 'PyTorch', 'TensorFlow', 'scikit-learn', 'Large Language Models'] },
  { label: 'DevOps Engineer', skills: ['Kubernetes', 'Terraform', 'Docker', 'Helm', 'CI/CD', 'Infrastructure as Code', 'Site Reliability Engineering', 'Ansible'] },
  { label: 'Frontend Engineer', skills: ['React', 'Vue.js', 'Angular', 'Svelte', 'CSS', 'Next.js', 'Accessibility', 'Design Systems'] },
  { label: 'Backend Engineer', skills: ['PostgreSQL', 'Node.js', 'Django', 'Spring Boot', 'REST APIs', 'Microservices', 'Go', 'Redis', 'Java'] },
  { label: 'Engineering Manager', skills: ['People Management', 'Hiring', 'Mentoring', 'Stakeholder Management', 'OKRs'] },
  { label: 'Mobile Engineer', skills: ['Mobile Development', 'React Native', 'Flutter', 'Swift', 'Kotlin', 'SwiftUI'] },
]

export function inferLabel (skills: readonly ResumeSkillInput[]): string | null {
  const weight = (name: string): number => {
    const skill = skills.find((s) => s.name === name)
    return skill ? LEVEL_RANK[skill.level] : 0
  }
  const scored = SPECIALISATIONS.map(({ label, skills: names }) => ({ label, score: names.reduce((sum, n) => sum + weight(n), 0) }))
  const [best, second] = [...scored].sort((a, b) => b.score - a.score)
  if (!best || best.score < 4) return null
  if (
    second &&
    ((best.label === 'Backend Engineer' && second.label === 'Frontend Engineer') ||
      (best.label === 'Frontend Engineer' && second.label === 'Backend Engineer')) &&
    second.score >= best.score * 0.6
  ) {
    return 'Full-Stack Engineer'
  }
  return best.label
}

function highlightScore (text: string, position: number): number {
  let score = 0
  if (/\d/.test(text)) score += 3
  if (isPastTenseVerb(words(text)[0] ?? '')) score += 2
  if (text.length >= 60 && text.length <= 200) score += 1
  // Candidates arrive with the user's selected bullets first; keep that preference.
  score -= position * 0.01
  return score
}

function similar (a: string, b: string): boolean {
  const wa = new Set(words(a))
  const wb = new Set(words(b))
  const intersection = [...wa].filter((w) => wb.has(w)).length
  const union = new Set([...wa, ...wb]).size
  return union > 0 && intersection / union >= 0.7
}

export function pickHighlights (candidates: readonly string[], max: number): string[] {
  const ranked = candidates
    .map((text, i) => ({ text: withPeriod(capitalizeFirst(truncateAtWord(text, 200))), score: highlightScore(text, i) }))
    .sort((a, b) => b.score - a.score)
  const chosen: string[] = []
  for (const { text } of ranked) {
    if (chosen.length >= max) break
    if (chosen.some((c) => similar(c, text))) continue
    chosen.push(text)
  }
  return chosen
}

function joinNames (names: string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

function summaryFor (input: ResumeComposeTaskInput, label: string | null, firstHighlight: string | undefined): string {
  if (input.profile.summary?.trim()) return truncateAtWord(input.profile.summary, 900)
  const top = rankSkills(input.skills)
    .filter((s) => s.kind !== 'soft_skill')
    .slice(0, 5)
    .map((s) => s.name)
  const soft = rankSkills(input.skills)
    .filter((s) => s.kind === 'soft_skill')
    .slice(0, 2)
    .map((s) => s.name.toLowerCase())
  const parts: string[] = []
  const role = label ?? 'Professional'
  if (top.length > 0) parts.push(`${role} with hands-on experience in ${joinNames(top)}.`)
  else parts.push(`${role} with a documented record of delivered work.`)
  if (soft.length > 0) parts.push(`Also brings ${joinNames(soft)}.`)
  if (firstHighlight) {
    const first = firstHighlight.replace(/\.$/, '')
    const lowered = lookupSkill(first.split(' ')[0] ?? '') ? first : first.charAt(0).toLowerCase() + first.slice(1)
    parts.push(`Recent work: ${lowered}.`)
  }
  return truncateAtWord(parts.join(' '), 900)
}

export function composeResumeDraftLocally (input: ResumeComposeTaskInput): ResumeDraft {
  const pick = (g: ResumeComposeGroup): { key: string; highlights: string[] } => ({
    key: g.key,
    highlights: pickHighlights(g.candidates, input.maxHighlightsPerEntry),
  })
  const work = input.work.map(pick)
  const projects = input.projects.map(pick)
  const label = input.profile.label?.trim() || inferLabel(input.skills)
  const firstHighlight = work.find((w) => w.highlights.length > 0)?.highlights[0] ?? projects.find((p) => p.highlights.length > 0)?.highlights[0]
  return { label, summary: summaryFor(input, label, firstHighlight), work, projects }
}
