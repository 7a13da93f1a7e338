// The AI pipeline's job types (seed 000 workflows 1–4). Each needs its user to still hold
// the permission when it runs (`requires`), retries with backoff for model hiccups, gets a
// generous expiry because real models can be slow, and is paid work (`credits`): with
// billing on it reserves credits for up to its estimated tokens — the prompt the largest
// inputs make plus the agent's maxTokens, with room for one repair attempt.
import type { JobRegistry } from '../../platform/jobs/registry.ts'
import type { LlmProvider } from '../../platform/llm/llm.types.ts'
import { reportGenerate, ReportGeneratePayload } from './report-generate.ts'
import { resumeRefresh, ResumeRefreshPayload } from './resume-refresh.ts'
import { skillsExtract, SkillsExtractPayload } from './skills-extract.ts'
import { worklogAnalysisRefused, worklogAnalyze, WorklogAnalyzePayload } from './worklog-analyze.ts'

export interface AiWorkflowDeps {
  llm: LlmProvider
  /** WORKFLOW_AUTO_CHAIN: worklog.analyze enqueues skills.extract when it succeeds. */
  autoChain: boolean
}

export function registerAiWorkflows (registry: JobRegistry, deps: AiWorkflowDeps): JobRegistry {
  const common = { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 1800 } as const
  registry.register('worklog.analyze', worklogAnalyze(deps), {
    ...common,
    requires: 'work:write',
    credits: { estimatedTokens: 6000 },
    onRefused: worklogAnalysisRefused,
    payload: WorklogAnalyzePayload,
    description: 'Summary, work type, skill signals, resume bullets and metrics for one work log.',
  })
  registry.register('skills.extract', skillsExtract(deps), {
    ...common,
    requires: 'work:write',
    credits: { estimatedTokens: 8000 },
    payload: SkillsExtractPayload,
    description: 'Merge a person\'s skill signals into normalized skills with evidence.',
  })
  registry.register('report.generate', reportGenerate(deps), {
    ...common,
    requires: 'reports:write',
    credits: { estimatedTokens: 12000 },
    payload: ReportGeneratePayload,
    description: 'A status, standup, weekly, monthly, sprint or summary report as Markdown.',
  })
  registry.register('resume.refresh', resumeRefresh(deps), {
    ...common,
    requires: 'reports:write',
    credits: { estimatedTokens: 12000 },
    payload: ResumeRefreshPayload,
    description: 'Build the resume (JSON Resume + Markdown) from profile, bullets, projects and skills.',
  })
  return registry
}
