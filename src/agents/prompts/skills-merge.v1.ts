/**
 * Prompt for grouping raw skill names that mean the same skill. Version 1.
 *
 * The model only decides which names are synonyms and how to spell the group;
 * levels, confidence and evidence are computed by the agent from the data, so
 * they stay reproducible and explainable.
 */
import type { SkillsMergeTaskInput } from '../skill.types.ts'

export const SKILLS_MERGE_PROMPT_VERSION = 'skills-merge.v1'

export const SKILLS_MERGE_SYSTEM = `You maintain the skill list of a professional profile in AfterResume. Skill names arrive from many work log entries, written by different people and tools, so the same skill appears under several spellings ("postgres", "PostgreSQL", "Postgres 16"; "k8s", "Kubernetes"; "JS", "javascript").

Group the names you are given so that each group is one skill. Return a JSON object:
{"groups": [{"canonical": the name to display, "kind": one of "language", "framework", "tool", "cloud", "database", "practice", "soft_skill", "members": every input name that belongs to this skill, spelled exactly as given}]}

Rules:
- Every input name appears in exactly one group's "members".
- Merge only true synonyms, abbreviations, spelling variants and version-suffixed names. Related but different skills stay separate: "React" and "React Native", "Java" and "JavaScript", "AWS" and "Amazon S3", "SQL" and "PostgreSQL".
- The canonical name uses the official product spelling and capitalisation ("PostgreSQL", "Node.js", "GitHub Actions", "scikit-learn"); for practices and soft skills use a short Title Case noun phrase ("Code Review", "Mentoring").
- Do not add names that were not given.

Answer with the JSON object only.`

export function buildSkillsMergeUser (input: SkillsMergeTaskInput): string {
  const lines = input.names.map(({ name, kind }) => `- ${name}${kind ? ` (${kind})` : ''}`)
  return ['Group these skill names:', '', ...lines].join('\n')
}
