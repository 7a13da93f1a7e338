import t from 'tap'
import { findSkills, lookupSkill, normalizeSkillName, SKILL_TAXONOMY } from '../../src/agents/taxonomy/index.ts'

const names = (text: string): string[] => findSkills(text).map((m) => m.name)

t.test('taxonomy is large and covers every kind', async (t) => {
  t.ok(SKILL_TAXONOMY.filter((e) => e.kind !== 'language').length >= 250, 'at least 250 curated non-language entries')
  for (const kind of ['language', 'framework', 'tool', 'cloud', 'database', 'practice', 'soft_skill'] as const) {
    t.ok(SKILL_TAXONOMY.some((e) => e.kind === kind), `has ${kind}`)
  }
  const canonicals = SKILL_TAXONOMY.map((e) => e.canonical.toLowerCase())
  t.equal(new Set(canonicals).size, canonicals.length, 'canonical names are unique')
})

t.test('aliases collapse onto one canonical skill', async (t) => {
  const matches = findSkills('Moved the JS widgets to javascript modules (ECMAScript 2022) and deployed them on k8s next to postgres.')
  t.same(matches.map((m) => m.name), ['JavaScript', 'Kubernetes', 'PostgreSQL'])
  t.equal(matches[0]?.mentions, 3, 'three spellings, one skill with three mentions')
  t.equal(matches[1]?.matchedText, 'k8s')
  t.match(matches[2]?.evidence, /postgres/)
  t.same(names('Kubernetes, K8S and kubectl'), ['Kubernetes'])
  t.same(names('Postgres 16 with PostGIS'), ['PostgreSQL'])
})

t.test('"go" in plain English is not the Go language', async (t) => {
  const plain = [
    'Go to the meeting and go over the plan before we go live.',
    'Go-live is scheduled for Friday; the go/no-go call is at noon.',
    "Let's go ahead with option B. Good to go.",
    'We had to let go of the old vendor.',
  ]
  for (const text of plain) t.notOk(names(text).includes('Go'), text)
  t.ok(names('Rewrote the ingestion worker in Go.').includes('Go'))
  t.ok(names('The Go service now streams from S3.').includes('Go'))
  t.ok(names('Ported it from Python to Go and added golang linters.').includes('Go'))
})

t.test('single letters and English words need technical context', async (t) => {
  t.notOk(names('Plan C is to ship by Friday. R&D asked for more time.').some((n) => n === 'C' || n === 'R'))
  t.ok(names('Wrote a C library for the parser.').includes('C'))
  t.ok(names('Ran the churn analysis in R.').includes('R'))
  t.notOk(names('We will rest after the release; the rest of the week is planning.').includes('REST APIs'))
  t.ok(names('Designed the REST API for invoices.').includes('REST APIs'))
  t.notOk(names('Spring is a busy season for retail.').includes('Spring Boot'))
  t.notOk(names('We need to express our concerns to the vendor.').includes('Express'))
  t.ok(names('The API runs on Express and Node.js.').includes('Express'))
  t.notOk(names('The sprint ran swiftly and the team was in great spirits.').includes('Swift'))
})

t.test('confidence rises with repeated mentions and title mentions; tags are trusted', async (t) => {
  const once = findSkills('Added a Redis cache.')[0]!
  const thrice = findSkills('Added a Redis cache. Tuned Redis eviction. Monitored Redis memory.')[0]!
  t.ok(thrice.confidence > once.confidence)
  const titled = findSkills('Added a Redis cache.', { title: 'Redis caching' }).find((m) => m.name === 'Redis')!
  t.ok(titled.confidence > once.confidence)
  const tagged = findSkills('Quiet day.', { tags: ['terraform'] })
  t.same(tagged.map((m) => [m.name, m.confidence]), [['Terraform', 0.95]])
})

t.test('normalizeSkillName returns canonical or cleaned title-case names', async (t) => {
  t.equal(normalizeSkillName('postgres'), 'PostgreSQL')
  t.equal(normalizeSkillName('  k8s '), 'Kubernetes')
  t.equal(normalizeSkillName('ECMAScript'), 'JavaScript')
  t.equal(normalizeSkillName('Python 3.12'), 'Python')
  t.equal(normalizeSkillName('react.js'), 'React')
  t.equal(normalizeSkillName('event   storming'), 'Event Storming')
  t.equal(normalizeSkillName('design of experiments'), 'Design of Experiments')
  t.equal(normalizeSkillName('gRPC'), 'gRPC')
  t.equal(normalizeSkillName('"SLA reporting".'), 'SLA Reporting')
  t.equal(lookupSkill('Golang')?.canonical, 'Go')
})
