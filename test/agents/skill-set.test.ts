import t from 'tap'
import { SKILL_ALIASES, SKILL_SET, WORK_KINDS } from '../fixtures/skills/index.ts'
import { compareSkills, skillKeys, tally } from './skill-eval.ts'

t.test('the labelled skill set covers nine kinds of work in roughly equal numbers', async (t) => {
  t.ok(SKILL_SET.length >= 160, `${SKILL_SET.length} entries`)
  const ids = SKILL_SET.map((e) => e.id)
  t.equal(new Set(ids).size, ids.length, 'ids are unique')
  const counts = WORK_KINDS.map((kind) => SKILL_SET.filter((e) => e.kind === kind).length)
  t.ok(Math.min(...counts) >= 16, `every kind has at least 16 entries (${counts.join(', ')})`)
  t.ok(Math.max(...counts) - Math.min(...counts) <= 2, 'no kind outweighs another by more than two entries')
  for (const entry of SKILL_SET) {
    if (!entry.id.startsWith(`${entry.kind}-`)) t.fail(`${entry.id} is filed under ${entry.kind}`)
    if (new Set(entry.skills).size !== entry.skills.length) t.fail(`${entry.id} lists a skill twice`)
  }
})

t.test('the split alternates within each kind, so both halves have every kind in equal measure', async (t) => {
  for (const kind of WORK_KINDS) {
    const entries = SKILL_SET.filter((e) => e.kind === kind)
    const development = entries.filter((e) => e.split === 'development').length
    t.ok(Math.abs(development - (entries.length - development)) <= 1, `${kind}: ${development} development of ${entries.length}`)
    for (const entry of entries) {
      const expected = Number(entry.id.slice(-2)) % 2 === 1 ? 'development' : 'held-out'
      if (entry.split !== expected) t.fail(`${entry.id} is in ${entry.split}, the odd/even rule says ${expected}`)
    }
  }
})

t.test('every alias names one skill, and labels use the canonical name', async (t) => {
  const owner = new Map<string, string>()
  for (const [canonical, aliases] of Object.entries(SKILL_ALIASES)) {
    for (const name of [canonical, ...aliases]) {
      const lower = name.toLowerCase()
      const previous = owner.get(lower)
      if (previous !== undefined && previous !== canonical) t.fail(`'${name}' belongs to both ${previous} and ${canonical}`)
      owner.set(lower, canonical)
    }
  }
  for (const entry of SKILL_SET) {
    for (const skill of entry.skills) {
      const canonical = owner.get(skill.toLowerCase())
      if (canonical !== undefined && canonical !== skill) t.fail(`${entry.id} labels '${skill}', an alias of '${canonical}'`)
    }
  }
  t.pass('checked')
})

t.test('a found skill matches a label through its alias group, ignoring case, and nothing looser', async (t) => {
  const keyOf = skillKeys(SKILL_ALIASES)
  t.same(compareSkills(['postgres', 'K8S'], ['PostgreSQL', 'Kubernetes'], keyOf), { truePositives: 2, misses: [], falsePositives: [] })
  t.same(compareSkills(['R', 'Go'], ['R&D Tax Credits'], keyOf), { truePositives: 0, misses: ['R&D Tax Credits'], falsePositives: ['R', 'Go'] })
  t.same(compareSkills(['Java'], ['JavaScript'], keyOf), { truePositives: 0, misses: ['JavaScript'], falsePositives: ['Java'] })
  // Two spellings of one skill count once on either side.
  t.same(compareSkills(['Postgres', 'PostgreSQL'], ['PostgreSQL'], keyOf), { truePositives: 1, misses: [], falsePositives: [] })
  const sum = tally([
    { truePositives: 3, misses: ['a'], falsePositives: [] },
    { truePositives: 1, misses: [], falsePositives: ['b', 'c'] },
  ])
  t.match(sum, { entries: 2, truePositives: 4, falseNegatives: 1, falsePositives: 2, recall: 0.8, precision: 4 / 6 })
  t.ok(Math.abs(sum.f1 - (2 * 0.8 * (4 / 6)) / (0.8 + 4 / 6)) < 1e-12, 'F1 is the harmonic mean')
})
