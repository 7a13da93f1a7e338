/**
 * Scores the local skill extraction against the labelled fixture. Shared by
 * the recall/precision test and the benchmark script so both measure exactly
 * the same thing.
 */
import { extractSkillSignals } from '../../src/agents/engines/worklog.engine.ts'
import { WORKLOG_FIXTURES, type LabelledWorklog } from './fixtures/worklogs.ts'

export interface WorklogScore {
  id: string;
  title: string;
  found: string[];
  expected: string[];
  misses: string[];
  falsePositives: string[];
}

export interface ExtractionScore {
  perWorklog: WorklogScore[];
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /** Micro-averaged over all (worklog, skill) pairs. */
  recall: number;
  precision: number;
}

export function scoreExtraction (fixtures: readonly LabelledWorklog[] = WORKLOG_FIXTURES): ExtractionScore {
  let tp = 0
  let fn = 0
  let fp = 0
  const perWorklog = fixtures.map((worklog): WorklogScore => {
    const found = [...new Set(extractSkillSignals(worklog).map((s) => s.name))]
    const expected = new Set(worklog.expected)
    const misses = [...expected].filter((name) => !found.includes(name))
    const falsePositives = found.filter((name) => !expected.has(name))
    tp += found.length - falsePositives.length
    fn += misses.length
    fp += falsePositives.length
    return { id: worklog.id, title: worklog.title ?? '', found, expected: worklog.expected, misses, falsePositives }
  })
  return {
    perWorklog,
    truePositives: tp,
    falseNegatives: fn,
    falsePositives: fp,
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
  }
}
