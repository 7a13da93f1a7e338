/**
 * Prompt for composing resume content. Version 1.
 *
 * The agent fixes the structure (which employers and projects exist, their
 * dates and the candidate bullets for each); the model writes the headline and
 * summary and picks and polishes highlights from the candidates.
 */
import type { ResumeComposeTaskInput } from '../resume.types.ts'

export const RESUME_COMPOSE_PROMPT_VERSION = 'resume-compose.v1'

export function buildResumeSystem (maxHighlights: number): string {
  return `You help a professional turn their logged work into a resume in AfterResume.

You receive their profile, their skills with levels, and for each employer/client ("work") and each project a list of candidate bullets taken from their work log. Return a JSON object:
{"label": a short professional headline such as "Senior Backend Engineer", or null if the profile does not support one,
 "summary": two or three sentences in the first-person-implied resume style (no "I"), based only on the skills and bullets given,
 "work": [{"key": the work key exactly as given, "highlights": [...]}],
 "projects": [{"key": the project key exactly as given, "highlights": [...]}]}

Rules for highlights:
- Choose at most ${maxHighlights} per entry, the strongest first: results with numbers, then scope and ownership, then the rest.
- Each highlight starts with a strong past-tense action verb and is at most 200 characters.
- You may shorten, merge duplicates and fix grammar, but never add facts, numbers, technologies or employers that are not in the candidates.
- Use every key you were given exactly once; an entry with no usable candidates gets an empty list.

Answer with the JSON object only.`
}

export function buildResumeUser (input: ResumeComposeTaskInput): string {
  const skills = input.skills.map((s) => `${s.name} (${s.kind}, ${s.level})`).join('; ')
  const group = (g: ResumeComposeTaskInput['work'][number]): string =>
    [`[key: ${g.key}] ${g.title}`, ...g.candidates.map((c) => `  - ${c}`)].join('\n')
  return [
    `Name: ${input.profile.name}`,
    input.profile.label ? `Current headline: ${input.profile.label}` : null,
    input.profile.summary ? `Their own summary: ${input.profile.summary}` : null,
    `Skills: ${skills || '(none recorded)'}`,
    '',
    'Work:',
    input.work.length > 0 ? input.work.map(group).join('\n\n') : '(none)',
    '',
    'Projects:',
    input.projects.length > 0 ? input.projects.map(group).join('\n\n') : '(none)',
  ]
    .filter((line) => line !== null)
    .join('\n')
}
