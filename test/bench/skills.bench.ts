/**
 * How well the local provider's skill suggestions match what a careful reader
 * would put on a resume, on three sets: the development and held-out halves of
 * the independent set (test/fixtures/skills) and the original 26 entries
 * written alongside the matcher's rules.
 *
 *   npm run bench:skills                    figures only
 *   SKILLS_VERBOSE=1 npm run bench:skills   plus misses and false positives per development entry
 *   SKILLS_HELD_OUT=0 npm run bench:skills  development and original sets only: the held-out half is
 *                                           not even run, for the iterations while the matcher changes
 *
 * Held-out entries are only ever reported in aggregate: looking at them one by
 * one while changing the matcher would turn them into a second development set
 * and the held-out figure into a flattering one. The last line is one JSON
 * object with every figure.
 */
import type { WorklogInput } from '../../src/agents/worklog.types.ts'
import { compareSkills, skillKeys, skillsSuggestedLocally, tally, type SkillComparison, type Tally } from '../agents/skill-eval.ts'
import { WORKLOG_FIXTURES } from '../agents/fixtures/worklogs.ts'
import { SKILL_ALIASES, SKILL_SET, WORK_KINDS, type LabelledEntry } from '../fixtures/skills/index.ts'

const verbose = process.env.SKILLS_VERBOSE === '1'
const scoreHeldOut = process.env.SKILLS_HELD_OUT !== '0'
const keyOf = skillKeys(SKILL_ALIASES)

interface Scored extends SkillComparison {
  id: string;
  kind: string;
  title: string;
}

/** Only the fields a stored work log has, so the labels cannot leak into extraction. */
function asWorklog (entry: LabelledEntry): WorklogInput {
  return {
    id: entry.id,
    occurredOn: entry.occurredOn,
    title: entry.title,
    content: entry.content,
    outcome: entry.outcome ?? null,
    impact: entry.impact ?? null,
    nextSteps: entry.nextSteps ?? null,
    workType: entry.workType ?? null,
    tags: entry.tags ?? [],
  }
}

async function score (worklog: WorklogInput, kind: string, expected: readonly string[]): Promise<Scored> {
  const found = await skillsSuggestedLocally(worklog)
  return { id: worklog.id ?? '', kind, title: worklog.title ?? '', ...compareSkills(found, expected, keyOf) }
}

interface SetFigures extends Tally {
  byKind?: Record<string, Tally>;
}

function figures (scored: readonly Scored[], perKind: boolean): SetFigures {
  const all: SetFigures = tally(scored)
  if (perKind) all.byKind = Object.fromEntries(WORK_KINDS.map((kind) => [kind, tally(scored.filter((s) => s.kind === kind))]))
  return all
}

const started = performance.now()
const development: Scored[] = []
const heldOut: Scored[] = []
for (const entry of SKILL_SET) {
  if (entry.split === 'held-out' && !scoreHeldOut) continue
  const scored = await score(asWorklog(entry), entry.kind, entry.skills)
  ;(entry.split === 'development' ? development : heldOut).push(scored)
}
const old: Scored[] = []
for (const worklog of WORKLOG_FIXTURES) old.push(await score(worklog, worklog.id.replace(/-\d+$/, ''), worklog.expected))
const elapsedMs = performance.now() - started

if (verbose) {
  console.log('development entries (held-out entries are reported only in aggregate):')
  for (const s of development) {
    const status = s.misses.length === 0 && s.falsePositives.length === 0 ? 'ok  ' : 'DIFF'
    console.log(`${status} ${s.id.padEnd(12)} ${s.title}`)
    if (s.misses.length > 0) console.log(`       missed:          ${s.misses.join(', ')}`)
    if (s.falsePositives.length > 0) console.log(`       false positives: ${s.falsePositives.join(', ')}`)
  }
  console.log('')
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7)
const row = (label: string, f: Tally): string =>
  `${label.padEnd(14)} ${String(f.entries).padStart(7)} ${pct(f.recall)} ${pct(f.precision)} ${pct(f.f1)}   tp ${f.truePositives}, fn ${f.falseNegatives}, fp ${f.falsePositives}`

const result = {
  date: new Date().toISOString().slice(0, 10),
  development: figures(development, true),
  heldOut: scoreHeldOut ? figures(heldOut, true) : null,
  original: figures(old, false),
  elapsedMs: Math.round(elapsedMs),
}

console.log(`${'set'.padEnd(14)} entries  recall  precis      F1`)
console.log(row('development', result.development))
if (result.heldOut) console.log(row('held-out', result.heldOut))
else console.log('held-out       not scored (SKILLS_HELD_OUT=0)')
console.log(row('original 26', result.original))
for (const [label, set] of [['development', result.development], ['held-out', result.heldOut]] as const) {
  if (set === null) continue
  console.log('')
  console.log(`${label} by kind:`)
  for (const [kind, f] of Object.entries(set.byKind ?? {})) console.log(row(`  ${kind}`, f))
}
console.log('')
console.log(JSON.stringify(result))
