/**
 * Prints how the local skill extraction does on the labelled work-log fixture:
 * per-entry misses and false positives, then micro-averaged recall/precision.
 *
 *   npm exec -- node test/bench/skill-extraction.bench.ts
 */
import { scoreExtraction } from '../agents/skill-eval.ts'

const started = performance.now()
const score = scoreExtraction()
const elapsed = performance.now() - started

for (const w of score.perWorklog) {
  const status = w.misses.length === 0 && w.falsePositives.length === 0 ? 'ok  ' : 'DIFF'
  console.log(`${status} ${w.id.padEnd(9)} ${w.title}`)
  if (w.misses.length > 0) console.log(`       missed:          ${w.misses.join(', ')}`)
  if (w.falsePositives.length > 0) console.log(`       false positives: ${w.falsePositives.join(', ')}`)
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
console.log('')
console.log(`worklogs:        ${score.perWorklog.length}`)
console.log(`true positives:  ${score.truePositives}`)
console.log(`false negatives: ${score.falseNegatives}`)
console.log(`false positives: ${score.falsePositives}`)
console.log(`recall:          ${pct(score.recall)}`)
console.log(`precision:       ${pct(score.precision)}`)
console.log(`time:            ${elapsed.toFixed(1)} ms`)
