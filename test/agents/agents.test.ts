import t from 'tap'
import { Value } from 'typebox/value'
import { WorklogAnalysisSchema } from '../../src/agents/worklog.types.ts'
import type { AgentContext } from '../../src/agents/agent.types.ts'
import type { SkillSignalInput } from '../../src/agents/skill.types.ts'
import { extractMetrics } from '../../src/agents/engines/metrics.ts'
import { isPastTenseVerb } from '../../src/agents/engines/verbs.ts'
import { analyzeWorklogLocally } from '../../src/agents/engines/worklog.engine.ts'
import { composeReport } from '../../src/agents/report.agent.ts'
import { composeResume } from '../../src/agents/resume.agent.ts'
import { levelFor, mergeSkills } from '../../src/agents/skill.agent.ts'
import { analyzeWorklog } from '../../src/agents/worklog.agent.ts'
import { LocalLlmProvider } from '../../src/agents/local.provider.ts'
import { LlmError } from '../../src/platform/llm/llm.errors.ts'
import { WORKLOG_FIXTURES } from './fixtures/worklogs.ts'

const logs: Array<{ level: string; message: string }> = []
const ctx: AgentContext = { log: (level, message) => logs.push({ level, message }) }
const provider = new LocalLlmProvider()
const fixture = (id: string) => {
  const w = WORKLOG_FIXTURES.find((f) => f.id === id)
  if (!w) throw new Error(`no fixture ${id}`)
  return w
}

t.test('worklog analysis is deterministic and schema-valid, with evidence spans located in the evidence', async (t) => {
  for (const w of WORKLOG_FIXTURES) {
    const a = await analyzeWorklog(ctx, provider, w)
    const b = await analyzeWorklog(ctx, provider, w)
    t.same(a, b, `${w.id} twice gives the same analysis`)
    t.ok(Value.Check(WorklogAnalysisSchema, analyzeWorklogLocally(w)), `${w.id}: the engine's answer matches the model's schema`)
    for (const signal of a.skillSignals) {
      t.ok(signal.evidenceSpans.length > 0, `${w.id} ${signal.name}: at least one span located`)
      for (const span of signal.evidenceSpans) if (signal.evidence.slice(span.start, span.end) !== span.text) t.fail(`${w.id} ${signal.name}: span "${span.text}" is not at ${span.start}`)
    }
  }
  const raw1 = await provider.complete({ purpose: 'x', system: 's', user: 'u', task: { kind: 'worklog.analyze', input: fixture('be-01') } })
  const raw2 = await provider.complete({ purpose: 'x', system: 's', user: 'u', task: { kind: 'worklog.analyze', input: fixture('be-01') } })
  t.equal(raw1.text, raw2.text)
  t.equal(raw1.usage.completionTokens, raw2.usage.completionTokens)
  t.equal(raw1.usage.model, 'afterresume-local-v1')
  t.ok(logs.some((l) => l.message.includes('worklog.analyze: done')), 'agent logs through the context')
})

t.test('resume bullets open with an action verb and carry the metric', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['be-01', /^Reduced p95 latency from 1\.8s to 210ms by profiling/],
    ['be-03', /^Reduced memory per pod from 900 MB to 120 MB by porting/],
    ['ops-04', /^Reduced monthly cloud spend from \$41k to \$29k/],
    ['be-07', /^Improved throughput from 40k to 310k/],
    ['sup-02', /30%/],
    ['fe-02', /from 2\.4 MB to 900 KB/],
  ]
  for (const [id, pattern] of cases) {
    const analysis = await analyzeWorklog(ctx, provider, fixture(id))
    const resume = analysis.bullets.find((b) => b.kind === 'resume')
    t.ok(resume, `${id} has a resume bullet`)
    t.match(resume?.text, pattern, `${id}: ${resume?.text}`)
    t.ok(isPastTenseVerb(resume!.text.split(' ')[0]!), `${id} starts with a past-tense verb`)
    t.ok(resume!.text.length <= 200, `${id} fits on a resume line`)
  }
  for (const w of WORKLOG_FIXTURES) {
    const analysis = await analyzeWorklog(ctx, provider, w)
    const first = analysis.bullets[0]!.text.split(' ')[0]!
    t.ok(isPastTenseVerb(first), `${w.id} bullet starts with "${first}"`)
  }
  const withNext = await analyzeWorklog(ctx, provider, fixture('be-05'))
  t.same(withNext.bullets.map((b) => b.kind), ['resume', 'status', 'note'])
  t.match(withNext.bullets[2]?.text, /^Next: Write the postmortem/)
})

t.test('work type suggestions follow the text', async (t) => {
  const expected: Record<string, string> = { 'be-01': 'delivery', 'be-05': 'incident', 'ops-02': 'incident', 'sup-01': 'support', 'mgmt-02': 'planning', 'other-02': 'learning', 'mgmt-01': 'other' }
  for (const [id, type] of Object.entries(expected)) {
    t.equal((await analyzeWorklog(ctx, provider, fixture(id))).suggestedWorkType, type, id)
  }
})

t.test('metrics: changes, percentages, money, durations and counts', async (t) => {
  const m = extractMetrics('p95 dropped from 1.8s to 210ms. Cost fell 30% to $29k. Took 40 minutes for 2 million messages and 14 tickets. Upgraded Django 3.2 at 02:10, WCAG 2.1.')
  t.same(
    m.map((x) => [x.raw, x.value, x.unit, x.baseline]),
    [
      ['from 1.8s to 210ms', 210, 'ms', 1800],
      ['30%', 30, '%', null],
      ['$29k', 29000, 'USD', null],
      ['40 minutes', 40, 'min', null],
      ['2 million messages', 2000000, 'messages', null],
      ['14 tickets', 14, 'tickets', null],
    ]
  )
  t.equal(m[0]?.context, 'p95 dropped from 1.8s to 210ms.')
})

t.test('summaries are extractive and bounded', async (t) => {
  const a = await analyzeWorklog(ctx, provider, fixture('be-01'))
  t.ok(a.summary.length <= 320)
  t.match(a.summary, /from 1\.8s to 210ms/, 'the sentence with the result is kept')
})

t.test('empty content is refused', async (t) => {
  await t.rejects(analyzeWorklog(ctx, provider, { occurredOn: '2025-01-01', content: '   ' }), { message: 'analyzeWorklog: the work log has no content to analyse' })
})

t.test('local provider without a task returns an extractive summary', async (t) => {
  const text = 'We migrated billing to PostgreSQL. Lunch was nice. Query time went from 900ms to 90ms after the migration. Weather was grey. The team celebrated.'
  const res = await provider.complete({ purpose: 'free', system: 'Summarise', user: text })
  t.match(res.text, /from 900ms to 90ms/)
  t.notMatch(res.text, /Weather/)
  t.equal(res.json, undefined)
  t.equal(res.attempts, 1)
  // About four characters a token, each part rounded up: 'Summarise' is 9 characters (3),
  // the text 145 (37).
  t.equal(text.length, 145)
  t.equal(res.usage.promptTokens, 40)
  const again = await provider.complete({ purpose: 'free', system: 'Summarise', user: text })
  t.equal(again.text, res.text)
  const controller = new AbortController()
  controller.abort()
  const error = (await provider.complete({ purpose: 'free', system: 's', user: text, signal: controller.signal }).catch((e: unknown) => e)) as LlmError
  t.equal(error.code, 'llm_aborted')
})

function signal (name: string, worklogId: string, occurredOn: string, extra: Partial<SkillSignalInput> = {}): SkillSignalInput {
  return { name, worklogId, occurredOn, confidence: 0.8, evidence: `${name} in ${worklogId}`, ...extra }
}

t.test('mergeSkills collapses aliases and computes level from frequency, recency and depth', async (t) => {
  const signals: SkillSignalInput[] = [
    ...Array.from({ length: 12 }, (_, i) => signal(i % 2 === 0 ? 'postgres' : 'PostgreSQL', `w${i}`, `2025-03-${String(10 + i).padStart(2, '0')}`, { hasMetric: true, kind: 'database' })),
    signal('k8s', 'w1', '2025-03-11'),
    signal('Kubernetes', 'w2', '2025-03-12', { hasOutcome: true }),
    signal('COBOL', 'old', '2019-01-01', { confidence: 0.6 }),
  ]
  const merged = await mergeSkills(ctx, provider, { signals, asOf: '2025-03-31' })
  t.same(merged.map((s) => s.name), ['PostgreSQL', 'Kubernetes', 'COBOL'])
  const pg = merged[0]!
  t.equal(pg.level, 'expert')
  t.equal(pg.kind, 'database')
  t.equal(pg.worklogCount, 12)
  t.equal(pg.evidenceCount, 12)
  t.equal(pg.lastSeenOn, '2025-03-21')
  t.equal(pg.firstSeenOn, '2025-03-10')
  t.equal(pg.evidence.length, 5)
  t.equal(pg.evidence[0]?.occurredOn, '2025-03-21', 'most recent evidence first')
  t.ok(pg.confidence > 0.99 && pg.confidence <= 0.999)
  const k8s = merged[1]!
  t.equal(k8s.level, 'intermediate')
  t.equal(k8s.confidence, 0.96, 'noisy-OR of two independent 0.8 signals')
  const cobol = merged[2]!
  t.equal(cobol.level, 'beginner')
  t.ok(cobol.score < k8s.score, 'old single mention scores lowest')
  const again = await mergeSkills(ctx, provider, { signals, asOf: '2025-03-31' })
  t.same(again, merged, 'deterministic')
  const later = await mergeSkills(ctx, provider, { signals, asOf: '2026-03-31' })
  t.ok(later[0]!.score < pg.score, 'recency decays with asOf')
  t.same(await mergeSkills(ctx, provider, { signals: [], asOf: '2025-03-31' }), [])
  t.equal(levelFor(0.9, 3), 'intermediate', 'a high score from few logs is capped')
})

const weekLogs = WORKLOG_FIXTURES.filter((w) => w.occurredOn >= '2025-03-03' && w.occurredOn <= '2025-03-07')

t.test('weekly report: template sections, exact stats, markdown', async (t) => {
  const report = await composeReport(ctx, provider, { kind: 'weekly', period: { start: '2025-03-03', end: '2025-03-07' }, worklogs: weekLogs })
  t.same(report.sections.map((s) => s.key), ['highlights', 'work', 'metrics', 'next', 'time', 'skills_used'])
  t.same(weekLogs.map((w) => w.id), ['be-01', 'be-02', 'fe-01', 'fe-02', 'ops-01', 'data-01', 'mgmt-01', 'mgmt-02', 'sup-01', 'other-01'])
  t.equal(report.stats.entries, 10)
  // 240 + 420 + 300 + 240 + 900 + 540 + 300 + 240 + 360 + 120 = 3,660 minutes.
  t.equal(report.stats.hours, 61)
  // be-01, be-02 and fe-01: 240 + 420 + 300 = 960 minutes.
  t.same(report.stats.hoursByClient, { 'Acme Retail': 16, 'Pixel Labs': 15, Unassigned: 30 })
  t.same(report.stats.skills[0], { name: 'PostgreSQL', count: 2 }, 'the one skill used twice comes first')
  t.match(report.markdown, /^# Weekly report, 2025-03-03 to 2025-03-07\n/)
  t.match(report.markdown, /\| Client: Acme Retail \| 16 \|/)
  t.match(report.markdown, /## Skills used/)
  t.match(report.sections[0]?.items[0], /^Reduced p95 latency from 1\.8s to 210ms/)
  const again = await composeReport(ctx, provider, { kind: 'weekly', period: { start: '2025-03-03', end: '2025-03-07' }, worklogs: weekLogs })
  t.same(again, report)
})

t.test('standup report: yesterday, today from next steps, blockers', async (t) => {
  const report = await composeReport(ctx, provider, {
    kind: 'standup',
    period: { start: '2025-03-13', end: '2025-03-14' },
    worklogs: [
      ...WORKLOG_FIXTURES.filter((w) => w.id === 'be-05' || w.id === 'ops-02'),
      { occurredOn: '2025-03-14', title: 'SSO rollout', content: 'Configured the SAML app. Blocked on the customer IT team sharing their IdP metadata.', nextSteps: 'Test the login flow once metadata arrives.' },
      { occurredOn: '2025-02-01', content: 'Outside the period and must be ignored.' },
    ],
  })
  t.same(report.sections.map((s) => s.key), ['yesterday', 'today', 'blockers'])
  t.equal(report.stats.entries, 3)
  t.equal(report.sections[0]?.items.length, 3)
  t.ok(report.sections[1]?.items.includes('Test the login flow once metadata arrives.'))
  t.ok(report.sections[1]?.items.includes('Write the postmortem and share it on Thursday.'))
  t.same(report.sections[2]?.items, ['SSO rollout: Blocked on the customer IT team sharing their IdP metadata.'])
  t.notMatch(report.markdown, /## Time/, 'standups carry no time table')
})

t.test('status report groups by status: done, in progress, blocked', async (t) => {
  const report = await composeReport(ctx, provider, {
    kind: 'status',
    period: { start: '2025-03-01', end: '2025-03-31' },
    worklogs: [
      { ...fixture('be-01'), status: 'final' },
      { ...fixture('fe-03'), status: 'draft' },
      { occurredOn: '2025-03-20', title: 'Vendor API', status: 'draft', content: 'Waiting on the vendor to whitelist our IPs before testing.', effortMinutes: 30 },
    ],
  })
  const section = (key: string) => report.sections.find((s) => s.key === key)?.items ?? []
  t.equal(section('done').length, 1)
  t.match(section('done')[0], /^Speed up order search endpoint/)
  t.match(section('in_progress')[0], /^Design system tokens/)
  t.match(section('blocked')[0], /Waiting on the vendor/)
  t.equal(report.stats.byStatus.draft, 2)
})

t.test('summary and sprint reports use their templates', async (t) => {
  const summary = await composeReport(ctx, provider, { kind: 'summary', period: { start: '2025-03-01', end: '2025-03-31' }, worklogs: WORKLOG_FIXTURES })
  t.same(summary.sections.map((s) => s.key), ['overview', 'highlights', 'skills', 'time'])
  t.match(summary.sections[0]?.items[0], new RegExp(`^${WORKLOG_FIXTURES.length} entries over`))
  const sprint = await composeReport(ctx, provider, { kind: 'sprint', period: { start: '2025-03-01', end: '2025-03-31' }, scope: { sprintName: 'Sprint 12' }, worklogs: WORKLOG_FIXTURES })
  t.same(sprint.sections.map((s) => s.key), ['goal', 'highlights', 'metrics', 'carry_over', 'time', 'skills_used'])
  t.match(sprint.title, /Sprint 12/)
  const empty = await composeReport(ctx, provider, { kind: 'monthly', period: { start: '2024-01-01', end: '2024-01-31' }, worklogs: [] })
  t.equal(empty.stats.entries, 0)
  t.same(empty.sections[0]?.items, ['No entries logged.'])
})

t.test('resume: JSON Resume shape with work, projects, skills and markdown', async (t) => {
  const bullets = []
  for (const w of WORKLOG_FIXTURES) {
    const analysis = await analyzeWorklog(ctx, provider, w)
    bullets.push({ text: analysis.bullets[0]!.text, occurredOn: w.occurredOn, clientName: w.clientName ?? null, projectName: w.projectName ?? null })
  }
  const input = {
    profile: { name: 'Dana Smith', email: 'dana@example.com', location: { city: 'Lisbon', countryCode: 'PT' }, profiles: [{ network: 'GitHub', username: 'dana', url: 'https://github.com/dana' }] },
    bullets,
    projects: [
      { name: 'Order Platform', clientName: 'Acme Retail', role: 'Senior Backend Engineer', startedOn: '2024-06-01', description: 'Order management for 300 stores.' },
      { name: 'Platform', clientName: 'Pixel Labs', role: 'Platform Engineer', startedOn: '2024-01-01', endedOn: '2025-03-31' },
    ],
    skills: [
      { name: 'postgres', kind: 'database' as const, level: 'advanced' as const, confidence: 0.9 },
      { name: 'TypeScript', kind: 'language' as const, level: 'expert' as const, confidence: 0.95 },
      { name: 'Mentoring', kind: 'soft_skill' as const, level: 'intermediate' as const },
    ],
  }
  const { resume, markdown } = await composeResume(ctx, provider, input)
  t.equal(resume.basics.name, 'Dana Smith')
  t.equal(resume.basics.email, 'dana@example.com')
  t.same(resume.basics.location, { city: 'Lisbon', countryCode: 'PT' })
  t.same(resume.basics.profiles, [{ network: 'GitHub', username: 'dana', url: 'https://github.com/dana' }])
  t.ok(resume.basics.summary && resume.basics.summary.includes('TypeScript'))
  const acme = resume.work.find((w) => w.name === 'Acme Retail')
  t.ok(acme)
  t.equal(acme?.position, 'Senior Backend Engineer')
  t.equal(acme?.startDate, '2024-06-01')
  t.equal(acme?.endDate, undefined, 'ongoing work has no end date')
  t.ok(acme!.highlights.length >= 1 && acme!.highlights.length <= 5)
  t.match(acme?.highlights[0], /^Reduced p95 latency/)
  const pixel = resume.work.find((w) => w.name === 'Pixel Labs')
  t.equal(pixel?.endDate, '2025-03-31')
  t.same(resume.skills.map((s) => [s.name, s.level]), [['TypeScript', 'Expert'], ['PostgreSQL', 'Advanced'], ['Mentoring', 'Intermediate']])
  t.same(resume.skills[0]?.keywords, ['Languages'])
  const order = resume.projects.find((p) => p.name === 'Order Platform')
  t.equal(order?.entity, 'Acme Retail')
  t.same(order?.roles, ['Senior Backend Engineer'])
  for (const h of order?.highlights ?? []) t.notOk(acme!.highlights.includes(h), 'project highlights do not repeat work highlights')
  t.match(markdown, /^# Dana Smith\n/)
  t.match(markdown, /### Senior Backend Engineer — Acme Retail/)
  t.match(markdown, /- \*\*Languages:\*\* TypeScript \(Expert\)/)
  const again = await composeResume(ctx, provider, input)
  t.same(again, { resume, markdown })
  await t.rejects(composeResume(ctx, provider, { ...input, profile: { name: ' ' } }), { message: 'composeResume: profile.name is required' })
})
