import t from 'tap'
import { findSkills, INFERRED_CEILING, lookupSkill, NAMED_FLOOR, normalizeSkillName, skillTaxonomy, taxonomyClashes } from '../../src/agents/taxonomy/index.ts'

const names = (text: string, title?: string): string[] => findSkills(text, { title: title ?? null }).map((m) => m.name)
const match = (text: string, name: string) => findSkills(text).find((m) => m.name === name)

t.test('taxonomy is large, covers every kind, and is one consistent definition', async (t) => {
  t.ok(skillTaxonomy().filter((e) => e.kind !== 'language').length >= 600, 'at least 600 reviewed non-language entries')
  for (const kind of ['language', 'framework', 'tool', 'cloud', 'database', 'practice', 'soft_skill'] as const) {
    t.ok(skillTaxonomy().some((e) => e.kind === kind), `has ${kind}`)
  }
  const canonicals = skillTaxonomy().map((e) => e.canonical.toLowerCase())
  t.equal(new Set(canonicals).size, canonicals.length, 'canonical names are unique')
  // The only name two entries claim is Linguist's "ASP.NET" language, which the reviewed .NET entry keeps.
  t.same(taxonomyClashes(), [{ term: 'ASP.NET', keptBy: '.NET', droppedFrom: 'ASP.NET' }])
  const known = new Set(skillTaxonomy().map((e) => e.canonical))
  t.same(skillTaxonomy().flatMap((e) => (e.implies ?? []).filter((name) => !known.has(name)).map((name) => `${e.canonical} → ${name}`)), [], 'every implied skill exists')
})

t.test('skills outside engineering are in the taxonomy with aliases', async (t) => {
  const byArea: Record<string, Array<[string, string]>> = {
    design: [['wireframes', 'UX Design'], ['type scale', 'Typography'], ['Illustrator', 'Adobe Illustrator']],
    research: [['usability study', 'Usability Testing'], ['card sort', 'Card Sorting'], ['user interviews', 'User Research']],
    product: [['PRD', 'Product Requirements'], ['roadmap', 'Product Roadmapping'], ['competitive teardown', 'Competitive Analysis']],
    finance: [['3-way match', 'Accounts Payable'], ['month-end close', 'Month-End Close'], ['QBO', 'QuickBooks']],
    sales: [['discovery call', 'Sales Discovery'], ['MEDDPICC', 'MEDDIC'], ['SFDC', 'Salesforce']],
    support: [['support queue', 'Customer Support'], ['Zendesk macros', 'Zendesk'], ['health score', 'Customer Success']],
    writing: [['API reference', 'Technical Writing'], ['grant proposal', 'Grant Writing'], ['l10n', 'Localization']],
    leadership: [['direct reports', 'People Management'], ['mentorship', 'Mentoring'], ['tech lead', 'Leadership']],
  }
  for (const [area, pairs] of Object.entries(byArea)) {
    for (const [alias, canonical] of pairs) t.equal(lookupSkill(alias)?.canonical, canonical, `${area}: "${alias}" is ${canonical}`)
  }
})

t.test('aliases collapse onto one canonical skill, short and long forms both ways', async (t) => {
  const matches = findSkills('Moved the JS widgets to javascript modules (ECMAScript 2022) and deployed them on k8s next to postgres.')
  t.same(matches.map((m) => m.name), ['JavaScript', 'Kubernetes', 'PostgreSQL'])
  t.equal(matches[0]?.mentions, 3, 'three spellings, one skill with three mentions')
  t.same(matches[1]?.spans, ['k8s'], 'the span is the text as written')
  t.match(matches[2]?.evidence, /postgres/)
  t.same(names('Kubernetes, K8S and kubectl'), ['Kubernetes'])
  t.same(names('Postgres 16 with PostGIS'), ['PostgreSQL'])
  t.same(names('Cut the Amazon Web Services bill by moving cold data.').slice(0, 1), ['AWS'], 'long form → short canonical')
  t.same(names('Moved the builds to GHA.'), ['GitHub Actions'], 'short form → long canonical')
  t.equal(normalizeSkillName('Amazon Web Services'), 'AWS')
  t.equal(normalizeSkillName('GitHub Actions'), 'GitHub Actions')
  t.equal(normalizeSkillName('HashiCorp Vault'), 'HashiCorp Vault')
})

t.test('names are found case-insensitively where that is safe, exact-case where the word is also English', async (t) => {
  t.ok(names('tableau -> Metabase for the ops team.').includes('Tableau'), 'lowercase product name')
  t.ok(names('POSTGRES ran out of disk.').includes('PostgreSQL'))
  t.ok(names('Snowflake cost review: warehouses auto-suspend after 60s now.').includes('Snowflake'), 'a product name opening a sentence')
  t.ok(names('Vault for app secrets, with dynamic DB creds.').includes('HashiCorp Vault'))
  t.notOk(names('We need to react faster to this kind of thing.').includes('React'), '"react" the verb is not React')
  t.ok(names('Converted the class components to React hooks.').includes('React'))
  t.notOk(names('Sketch out the plan before Monday.').includes('Sketch'), '"Sketch" opening a sentence is a verb')
  t.ok(names('Sketch -> Figma migration for the last files.').includes('Sketch'))
  t.ok(names('cypress -> playwright for the e2e suite.').includes('Cypress'), 'a lower-case product name next to other technology')
  t.ok(names('New explore in looker for finance.').includes('Looker'), 'a lower-case product name after "in"')
  t.notOk(names('Swapped the svg loader in the bundler config.').includes('SVG'), 'a lower-case acronym is a package name')
})

t.test('short names that mean two things take their meaning from the work', async (t) => {
  t.ok(names('Card sort with 18 participants to fix the settings IA.').includes('Information Architecture'))
  t.notOk(names('Lifecycle rules on the logs bucket: IA after 30 days, Glacier after 90.').includes('Information Architecture'), 'S3 Infrequent Access')
  t.ok(names('All pytest suites pass in CI.').includes('CI/CD'))
  t.notOk(names('Checkout test readout: +2.1% conversion, CI excludes 0.').includes('CI/CD'), 'a confidence interval')
  t.ok(names('Checkout test readout: +2.1% conversion, CI excludes 0.').includes('Statistics'))
  t.ok(names('Outbound sequence for ops leaders in Apollo, 12% reply rate.').includes('Apollo.io'))
  t.notOk(names('Moved the schema to Apollo Federation.').includes('Apollo.io'))
  t.ok(names('Interviewed three candidates for the backend role.').includes('Hiring'))
  t.notOk(names('Interviewed 8 customers about how they reconcile invoices.').includes('Hiring'), 'interviewing users is research')
  t.ok(names('Interviewed 8 customers about how they reconcile invoices.').includes('User Research'))
})

t.test('British and American spellings and plurals of practices are one skill', async (t) => {
  t.ok(names('Performance optimisation of the search API.').includes('Performance Optimization'))
  t.ok(names('Performance optimization of the search API.').includes('Performance Optimization'))
  t.ok(names('Financial modelling for the new tier.').includes('Financial Modeling'))
  t.ok(names('Ran three usability tests.').includes('Usability Testing'))
  t.ok(names('Reviewed two PRDs with design.').includes('Product Requirements'))
  t.equal(normalizeSkillName('performance optimisation'), 'Performance Optimization')
  t.equal(normalizeSkillName('data visualisation'), 'Data Visualization')
})

t.test('substring traps: Go vs "going", R vs "R&D", Java vs JavaScript, C vs C# and C++', async (t) => {
  const plainGo = [
    'Go to the meeting and go over the plan before we go live.',
    'Go-live is scheduled for Friday; the go/no-go call is at noon.',
    "Let's go ahead with option B. Good to go.",
    'We had to let go of the old vendor.',
    'Going to open source it maybe.',
    'We are going with Postgres for the new service.',
  ]
  for (const text of plainGo) t.notOk(names(text).includes('Go'), text)
  t.ok(names('Rewrote the ingestion worker in Go.').includes('Go'))
  t.ok(names('The Go service now streams from S3.').includes('Go'))
  t.ok(names('Ported it from Python to Go and added golang linters.').includes('Go'))
  t.ok(names('Gave a talk at the Berlin Go meetup.').includes('Go'))

  for (const text of ['Plan C is to ship by Friday. R&D asked for more time.', 'Wrote up the R&D tax credit data pull for finance.']) {
    t.notOk(names(text).some((n) => n === 'C' || n === 'R'), text)
  }
  t.ok(names('Ran the churn analysis in R.').includes('R'))

  t.same(names('Plain JavaScript widgets, no framework.'), ['JavaScript'], 'JavaScript is not Java')
  t.same(names('Java 17 upgrade for billing.'), ['Java'], 'Java is not JavaScript')
  t.same(names('Ported the pricing engine to C#.'), ['C#'], 'C# is not C')
  t.same(names('Compiled the C++ geometry lib.'), ['C++'], 'C++ is not C')
  t.ok(names('Wrote a small C extension for the hashing hot path.').includes('C'))
  t.ok(names('Wrote a C library for the parser.').includes('C'))
})

t.test('single letters and English words need technical context', async (t) => {
  t.notOk(names('We will rest after the release; the rest of the week is planning.').includes('REST APIs'))
  t.ok(names('Designed the REST API for invoices.').includes('REST APIs'))
  t.notOk(names('Spring is a busy season for retail.').includes('Spring Boot'))
  t.notOk(names('We need to express our concerns to the vendor.').includes('Express'))
  t.ok(names('The API runs on Express and Node.js.').includes('Express'))
  t.notOk(names('The sprint ran swiftly and the team was in great spirits.').includes('Swift'))
  t.notOk(names('Translated the guide for our German customers.').includes('German'), 'a language name alone is not the skill')
  t.notOk(names('Networking event with local founders.').includes('Networking'))
})

t.test('mentions that are not work: negated, left alone, unable, only a channel, planned', async (t) => {
  t.notOk(names('In-app purchase has to use StoreKit, not our Stripe web checkout.').includes('Stripe'))
  t.ok(names('In-app purchase has to use StoreKit, not our Stripe web checkout.').includes('StoreKit'))
  t.notOk(names('Moved to standalone components; RxJS code mostly untouched.').includes('RxJS'))
  t.notOk(names('Prototyped it in ProtoPie since Figma couldn\'t do the gesture.').includes('Figma'))
  t.notOk(names('Cut the list to 9 and shared the result in Notion.').includes('Notion'))
  t.ok(names('Migrated the wiki from Confluence to Notion.').includes('Notion'))
  t.notOk(names('Proposed making the step skippable; shipping the Redis cache next sprint.').includes('Redis'))
  t.ok(names('Shared the pricing logic between iOS and Android via Kotlin Multiplatform.').includes('Kotlin Multiplatform'), '"shared … via" code is not a channel')
})

t.test('skills inferred from described work carry the words that triggered them and a lower confidence', async (t) => {
  const indexing = match('Added an index on orders(customer_id, created_at).', 'Indexing')!
  t.match(indexing, { basis: 'inferred', spans: ['Added an index'] })
  t.ok(indexing.confidence <= INFERRED_CEILING)
  const perf = match('Cut p99 of the checkout API from ~900 ms to 120 ms.', 'Performance Optimization')!
  t.match(perf, { basis: 'inferred', spans: ['~900 ms to 120 ms'] })
  t.same(match('Dovetail, 6 usability interviews, think-aloud.', 'User Research')?.spans, ['interviews'])
  t.same(match('Translated the admin guide into German with the agency.', 'German')?.spans, ['Translated the admin guide into German'])
  t.same(match('Region eu-west-1 restored from backups in 2h.', 'AWS')?.spans, ['eu-west-1'])
  t.same(match('Rebuilt 9 dashboards for the ops team.', 'Data Visualization')?.spans, ['Rebuilt 9 dashboards'])
  t.same(match('Reviewed the roadmap with the sales + CS leads.', 'Stakeholder Management')?.spans, ['Reviewed the roadmap with the sales + CS leads'])

  const named = match('Added a Redis cache in front of the pricing service.', 'Redis')!
  t.equal(named.basis, 'named')
  t.ok(named.confidence >= NAMED_FLOOR)
  t.ok(NAMED_FLOOR > INFERRED_CEILING, 'the two bands do not overlap')
  for (const m of findSkills('Built the Django admin, a missing index on orders, a Helm chart, and the PRD for bulk invoicing.')) {
    if (m.basis === 'named') t.ok(m.confidence >= NAMED_FLOOR, `${m.name} named at ${m.confidence}`)
    else t.ok(m.confidence <= INFERRED_CEILING, `${m.name} inferred at ${m.confidence}`)
  }
})

t.test('a named skill implies others, inferred with the named one\'s evidence', async (t) => {
  const python = match('Moved the jobs to Celery on the Django app.', 'Python')!
  t.match(python, { basis: 'inferred', spans: ['Celery'], evidence: 'Moved the jobs to Celery on the Django app.' })
  t.ok(python.confidence <= INFERRED_CEILING)
  t.same(names('Terraform for the new staging env.'), ['Terraform', 'Infrastructure as Code'])
  t.same(names('Settings screens moved to Jetpack Compose.'), ['Jetpack Compose', 'Kotlin', 'Android Development'])
  t.ok(names('Set up the VPC and RDS for staging.').includes('AWS'), 'an AWS service implies AWS')
})

t.test('writing about work is writing, not the work', async (t) => {
  const blog = names('Blog post on how we cut p99 latency on search, 1,800 words.')
  t.notOk(blog.includes('Performance Optimization'))
  t.ok(blog.includes('Content Writing'))
  t.ok(blog.includes('Technical Writing'))
})

t.test('confidence rises with repeated mentions and title mentions; tags are trusted', async (t) => {
  const once = findSkills('Added a Redis cache.')[0]!
  const thrice = findSkills('Added a Redis cache. Tuned Redis eviction. Monitored Redis memory.')[0]!
  t.ok(thrice.confidence > once.confidence)
  const titled = findSkills('Added a Redis cache.', { title: 'Redis caching' }).find((m) => m.name === 'Redis')!
  t.ok(titled.confidence > once.confidence)
  const tagged = findSkills('Quiet day.', { tags: ['terraform'] })
  t.same(tagged.map((m) => [m.name, m.confidence, m.basis]), [['Terraform', 0.95, 'named'], ['Infrastructure as Code', 0.6, 'inferred']])
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
  t.equal(normalizeSkillName('German'), 'German', 'a rule-only skill is still known by name')
  t.equal(lookupSkill('Golang')?.canonical, 'Go')
})
