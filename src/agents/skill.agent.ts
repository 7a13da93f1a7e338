/**
 * SkillAgent: merges skill signals from many work logs into a profile of
 * normalised skills with a level, a confidence and evidence.
 *
 * The provider only decides which raw names are the same skill (spelling
 * variants, abbreviations). Everything numeric is computed here, from the data
 * and an explicit `asOf` date, so the same signals always give the same profile.
 *
 * Formula, per merged skill (d = distinct work logs it appears in):
 *   frequency F = min(1, log2(1 + d) / log2(1 + 12))     saturates at 12 logs
 *   recency   R = 0.5 ^ (daysSinceLastSeen / 180)         half-life of 180 days
 *   depth     D = mean over its logs of 1 (log has a metric), 0.6 (has an
 *                 outcome but no metric) or 0 (neither)
 *   score       = 0.5·F + 0.25·R + 0.25·D                  in [0, 1]
 *   level       = expert        if score ≥ 0.80 and d ≥ 10
 *                 advanced      if score ≥ 0.60 and d ≥ 5
 *                 intermediate  if score ≥ 0.35 and d ≥ 2
 *                 beginner      otherwise
 *   confidence  = 1 − Π(1 − c_w) over its logs, c_w being the highest signal
 *                 confidence within log w (independent pieces of evidence
 *                 combine as a noisy-OR), capped at 0.999
 * The distinct-log minimums stop a single, very recent, well-documented entry
 * from making anyone an expert.
 */
import { outputSchema, type LlmProvider } from '../platform/llm/llm.types.ts'
import type { AgentContext } from './agent.types.ts'
import { type MergeSkillsInput, type MergedSkill, type SkillEvidence, type SkillSignalInput, SkillGroupingSchema } from './skill.types.ts'
import type { SkillKind, SkillLevel } from '../vocabulary/career.ts'
import { askForJson } from './ask.ts'
import { SKILLS_MERGE_PROMPT_VERSION, SKILLS_MERGE_SYSTEM, buildSkillsMergeUser } from './prompts/skills-merge.v1.ts'
import { normalizeSkillName, skillKindOf } from './taxonomy/index.ts'
import { truncateAtWord } from './text.ts'

const SKILL_GROUPING_OUTPUT = outputSchema('skill_grouping', SkillGroupingSchema)

const FREQUENCY_SATURATION_LOGS = 12
const RECENCY_HALF_LIFE_DAYS = 180
const MAX_EVIDENCE = 5
const DAY_MS = 86_400_000

export async function mergeSkills (ctx: AgentContext, provider: LlmProvider, input: MergeSkillsInput): Promise<MergedSkill[]> {
  const asOf = parseDate(input.asOf, 'asOf')
  const signals = input.signals.filter((s) => s.name.trim().length > 0)
  if (signals.length === 0) return []

  const names = new Map<string, SkillKind | null>()
  for (const s of signals) if (!names.has(s.name)) names.set(s.name, s.kind ?? null)
  const { json } = await askForJson(ctx, provider, {
    purpose: 'skills.merge',
    promptVersion: SKILLS_MERGE_PROMPT_VERSION,
    system: SKILLS_MERGE_SYSTEM,
    user: buildSkillsMergeUser({ names: [...names].map(([name, kind]) => ({ name, kind })) }),
    schema: SKILL_GROUPING_OUTPUT,
    task: { kind: 'skills.merge', input: { names: [...names].map(([name, kind]) => ({ name, kind })) } },
    maxTokens: 2000,
    temperature: 0,
  })

  // Raw name → canonical name and kind. The model's canonical spelling is itself normalised so
  // that a model answer and the local engine agree on known skills.
  const canonicalOf = new Map<string, { name: string; kind: SkillKind }>()
  for (const group of json.groups) {
    const name = normalizeSkillName(group.canonical)
    if (!name) continue
    const kind = skillKindOf(name) ?? group.kind
    for (const member of group.members) if (names.has(member) && !canonicalOf.has(member)) canonicalOf.set(member, { name, kind })
  }

  const bySkill = new Map<string, { name: string; kind: SkillKind; signals: SkillSignalInput[] }>()
  for (const signal of signals) {
    const mapped = canonicalOf.get(signal.name) ?? fallbackCanonical(signal)
    const key = mapped.name.toLowerCase()
    const bucket = bySkill.get(key) ?? { name: mapped.name, kind: mapped.kind, signals: [] }
    bucket.signals.push(signal)
    bySkill.set(key, bucket)
  }

  const merged = [...bySkill.values()].map((b) => scoreSkill(b.name, b.kind, b.signals, asOf))
  merged.sort((a, b) => b.score - a.score || b.confidence - a.confidence || a.name.localeCompare(b.name))
  ctx.log('info', 'skills.merge: done', { signals: signals.length, skills: merged.length })
  return merged
}

function fallbackCanonical (signal: SkillSignalInput): { name: string; kind: SkillKind } {
  const name = normalizeSkillName(signal.name)
  return { name, kind: skillKindOf(name) ?? signal.kind ?? 'tool' }
}

export function levelFor (score: number, distinctLogs: number): SkillLevel {
  if (score >= 0.8 && distinctLogs >= 10) return 'expert'
  if (score >= 0.6 && distinctLogs >= 5) return 'advanced'
  if (score >= 0.35 && distinctLogs >= 2) return 'intermediate'
  return 'beginner'
}

function scoreSkill (name: string, kind: SkillKind, signals: SkillSignalInput[], asOf: number): MergedSkill {
  const perLog = new Map<string, { occurredOn: string; confidence: number; depth: number; evidence: string }>()
  for (const s of signals) {
    const depth = s.hasMetric ? 1 : s.hasOutcome ? 0.6 : 0
    const confidence = Math.min(1, Math.max(0, s.confidence))
    const current = perLog.get(s.worklogId)
    if (!current) {
      perLog.set(s.worklogId, { occurredOn: s.occurredOn, confidence, depth, evidence: s.evidence })
    } else {
      current.depth = Math.max(current.depth, depth)
      if (confidence > current.confidence) {
        current.confidence = confidence
        current.evidence = s.evidence
      }
    }
  }
  const logs = [...perLog.entries()]
  const d = logs.length
  const dates = logs.map(([, l]) => l.occurredOn).sort()
  const firstSeenOn = dates[0] ?? ''
  const lastSeenOn = dates[dates.length - 1] ?? ''
  const daysSince = Math.max(0, (asOf - parseDate(lastSeenOn, 'occurredOn')) / DAY_MS)

  const frequency = Math.min(1, Math.log2(1 + d) / Math.log2(1 + FREQUENCY_SATURATION_LOGS))
  const recency = 0.5 ** (daysSince / RECENCY_HALF_LIFE_DAYS)
  const depth = logs.reduce((sum, [, l]) => sum + l.depth, 0) / d
  const score = round(0.5 * frequency + 0.25 * recency + 0.25 * depth, 3)
  const confidence = round(Math.min(0.999, 1 - logs.reduce((p, [, l]) => p * (1 - l.confidence), 1)), 3)

  const evidence: SkillEvidence[] = logs
    .sort((a, b) => b[1].occurredOn.localeCompare(a[1].occurredOn) || b[1].confidence - a[1].confidence || a[0].localeCompare(b[0]))
    .slice(0, MAX_EVIDENCE)
    .map(([worklogId, l]) => ({ worklogId, occurredOn: l.occurredOn, excerpt: truncateAtWord(l.evidence, 300), confidence: round(l.confidence, 3) }))

  return {
    name,
    kind,
    level: levelFor(score, d),
    confidence,
    evidenceCount: signals.length,
    worklogCount: d,
    firstSeenOn,
    lastSeenOn,
    score,
    evidence,
  }
}

function parseDate (value: string, field: string): number {
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(ms)) throw new Error(`mergeSkills: ${field} '${value}' is not an ISO date`)
  return ms
}

function round (value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
