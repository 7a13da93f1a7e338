/**
 * WorklogAgent: one work log in, its analysis out (summary, suggested work
 * type, skill signals, bullets, metrics). Pure: no database, no I/O besides
 * the provider it is handed.
 */
import { outputSchema, type LlmProvider } from '../platform/llm/llm.types.ts'
import type { AgentContext } from './agent.types.ts'
import { type AnalysedWorklog, type FoundSkillSignal, type WorklogAnalysis, type WorklogBullet, type WorklogInput, WorklogAnalysisSchema } from './worklog.types.ts'
import { askForJson } from './ask.ts'
import { MAX_BULLET_LENGTH } from './engines/worklog.engine.ts'
import { buildWorklogAnalyzeUser, WORKLOG_ANALYZE_PROMPT_VERSION, WORKLOG_ANALYZE_SYSTEM } from './prompts/worklog-analyze.v2.ts'
import { lookupSkill, normalizeSkillName } from './taxonomy/index.ts'
import { locateSpans, truncateAtWord } from './text.ts'

const WORKLOG_ANALYSIS_OUTPUT = outputSchema('worklog_analysis', WorklogAnalysisSchema)

export async function analyzeWorklog (ctx: AgentContext, provider: LlmProvider, worklog: WorklogInput): Promise<AnalysedWorklog> {
  if (!worklog.content.trim()) throw new Error('analyzeWorklog: the work log has no content to analyse')
  ctx.log('info', 'worklog.analyze: start', { worklogId: worklog.id ?? null, contentLength: worklog.content.length })
  const { json } = await askForJson(ctx, provider, {
    purpose: 'worklog.analyze',
    promptVersion: WORKLOG_ANALYZE_PROMPT_VERSION,
    system: WORKLOG_ANALYZE_SYSTEM,
    user: buildWorklogAnalyzeUser(worklog),
    schema: WORKLOG_ANALYSIS_OUTPUT,
    task: { kind: 'worklog.analyze', input: worklog },
    maxTokens: 1500,
  })
  const analysis = tidyAnalysis(json)
  ctx.log('info', 'worklog.analyze: done', {
    skills: analysis.skillSignals.length,
    bullets: analysis.bullets.length,
    metrics: analysis.metrics.length,
    suggestedWorkType: analysis.suggestedWorkType,
  })
  return analysis
}

/**
 * Normalises whatever the provider produced: canonical skill names (a model
 * may write "postgres"), taxonomy kinds where known, one signal per skill,
 * bounded confidence and bullet length, and evidence spans located in the
 * evidence (words a model quotes that are not there are dropped).
 */
function tidyAnalysis (raw: WorklogAnalysis): AnalysedWorklog {
  const signals = new Map<string, FoundSkillSignal>()
  for (const signal of raw.skillSignals) {
    const name = normalizeSkillName(signal.name)
    if (!name) continue
    const kind = lookupSkill(name)?.kind ?? signal.kind
    const confidence = Math.round(Math.min(1, Math.max(0, signal.confidence)) * 100) / 100
    const evidence = signal.evidence.trim()
    const existing = signals.get(name.toLowerCase())
    if (!existing || existing.confidence < confidence) {
      signals.set(name.toLowerCase(), { name, kind, confidence, basis: signal.basis, evidence, evidenceSpans: locateSpans(evidence, signal.evidenceSpans) })
    }
  }
  const seenBullets = new Set<string>()
  const bullets: WorklogBullet[] = []
  for (const bullet of raw.bullets) {
    const limit = bullet.kind === 'resume' ? MAX_BULLET_LENGTH : 300
    const text = truncateAtWord(bullet.text, limit)
    const key = `${bullet.kind}:${text.toLowerCase()}`
    if (!text || seenBullets.has(key)) continue
    seenBullets.add(key)
    bullets.push({ kind: bullet.kind, text })
  }
  return {
    summary: truncateAtWord(raw.summary, 600),
    suggestedWorkType: raw.suggestedWorkType,
    skillSignals: [...signals.values()],
    bullets,
    metrics: raw.metrics,
  }
}
