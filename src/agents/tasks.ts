// The tasks agents hand the local provider: the structured twin of each prompt, so the
// deterministic engines answer from fields instead of parsing prose.
import type { LlmTask } from '../platform/llm/llm.types.ts'
import type { ReportInput } from './report.types.ts'
import type { ResumeComposeTaskInput } from './resume.types.ts'
import type { SkillsMergeTaskInput } from './skill.types.ts'
import type { WorklogInput } from './worklog.types.ts'

export type AgentTask =
  | { kind: 'worklog.analyze'; input: WorklogInput }
  | { kind: 'skills.merge'; input: SkillsMergeTaskInput }
  | { kind: 'report.compose'; input: ReportInput }
  | { kind: 'resume.compose'; input: ResumeComposeTaskInput }

export type AgentTaskKind = AgentTask['kind']

const KINDS: ReadonlySet<string> = new Set<AgentTaskKind>(['worklog.analyze', 'skills.merge', 'report.compose', 'resume.compose'])

/** Tasks only ever come from our agents, so the kind decides the input's shape. */
export function isAgentTask (task: LlmTask): task is AgentTask {
  return KINDS.has(task.kind)
}
