/**
 * Scores skill extraction against labelled work logs. Shared by the
 * recall/precision test and the benchmarks so they all measure the same thing.
 *
 * A found skill and a label are the same skill when their names are equal
 * ignoring case, or both sit in one alias group. Each side is counted once per
 * group, so an extractor that names one skill twice (or a label list with two
 * spellings of one skill) neither gains nor loses by it.
 */
import type { WorklogInput } from '../../src/agents/worklog.types.ts'
import { extractSkillSignals } from '../../src/agents/engines/worklog.engine.ts'
import { analyzeWorklog } from '../../src/agents/worklog.agent.ts'
import { LocalLlmProvider } from '../../src/agents/local.provider.ts'
import { WORKLOG_FIXTURES, type LabelledWorklog } from './fixtures/worklogs.ts'

/** Maps a skill name to the key of its alias group (its own lower-cased name when it has none). */
export type SkillKey = (name: string) => string

export function skillKeys (aliases: Readonly<Record<string, readonly string[]>> = {}): SkillKey {
  const groupOf = new Map<string, string>()
  for (const [canonical, others] of Object.entries(aliases)) {
    const key = canonical.trim().toLowerCase()
    for (const name of [canonical, ...others]) groupOf.set(name.trim().toLowerCase(), key)
  }
  return (name) => {
    const lower = name.trim().toLowerCase()
    return groupOf.get(lower) ?? lower
  }
}

export interface SkillComparison {
  truePositives: number;
  /** Labels nothing found matched, as labelled. */
  misses: string[];
  /** Found names that match no label, as found. */
  falsePositives: string[];
}

export function compareSkills (found: readonly string[], expected: readonly string[], keyOf: SkillKey): SkillComparison {
  const foundByKey = firstByKey(found, keyOf)
  const expectedByKey = firstByKey(expected, keyOf)
  let truePositives = 0
  for (const key of expectedByKey.keys()) if (foundByKey.has(key)) truePositives++
  return {
    truePositives,
    misses: [...expectedByKey].filter(([key]) => !foundByKey.has(key)).map(([, name]) => name),
    falsePositives: [...foundByKey].filter(([key]) => !expectedByKey.has(key)).map(([, name]) => name),
  }
}

function firstByKey (names: readonly string[], keyOf: SkillKey): Map<string, string> {
  const byKey = new Map<string, string>()
  for (const name of names) {
    const key = keyOf(name)
    if (!byKey.has(key)) byKey.set(key, name)
  }
  return byKey
}

export interface WorklogScore extends SkillComparison {
  id: string;
  title: string;
  found: string[];
  expected: string[];
}

export interface Tally {
  entries: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Micro-averaged over all (work log, skill) pairs. */
  recall: number;
  precision: number;
  f1: number;
}

export function tally (scores: readonly SkillComparison[]): Tally {
  let tp = 0
  let fn = 0
  let fp = 0
  for (const s of scores) {
    tp += s.truePositives
    fn += s.misses.length
    fp += s.falsePositives.length
  }
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn)
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision)
  return { entries: scores.length, truePositives: tp, falseNegatives: fn, falsePositives: fp, recall, precision, f1 }
}

export interface ExtractionScore extends Tally {
  perWorklog: WorklogScore[];
}

/** The engine's skill extraction on the original 26-entry fixture, names compared exactly (ignoring case). */
export function scoreExtraction (fixtures: readonly LabelledWorklog[] = WORKLOG_FIXTURES): ExtractionScore {
  const keyOf = skillKeys()
  const perWorklog = fixtures.map((worklog): WorklogScore => {
    const found = [...new Set(extractSkillSignals(worklog).map((s) => s.name))]
    return { id: worklog.id, title: worklog.title ?? '', found, expected: worklog.expected, ...compareSkills(found, worklog.expected, keyOf) }
  })
  return { perWorklog, ...tally(perWorklog) }
}

const localProvider = new LocalLlmProvider()
const silentAgent = { log () {} }

/**
 * Skills the local provider suggests for a work log, through the same agent
 * call the worklog.analyze workflow makes (provider, schema check, name
 * normalisation), so the figures are those users get.
 */
export async function skillsSuggestedLocally (worklog: WorklogInput): Promise<string[]> {
  const analysis = await analyzeWorklog(silentAgent, localProvider, worklog)
  return analysis.skillSignals.map((s) => s.name)
}
