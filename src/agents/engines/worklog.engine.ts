/**
 * The local (model-free) worklog analyser. Deterministic: the same work log
 * always yields the same analysis. It is what `LLM_PROVIDER=local` answers
 * with, and it is designed to be useful on its own, not a placeholder:
 * taxonomy-based skills, pattern-based metrics, extractive summary, keyword
 * work-type suggestion and resume bullets opened by a strong action verb.
 */
import type { SkillSignal, WorklogAnalysis, WorklogBullet, WorklogInput, WorklogMetric } from '../worklog.types.ts'
import type { WorkType } from '../../vocabulary/worklog.ts'
import { findSkills, lookupSkill } from '../taxonomy/index.ts'
import { capitalizeFirst, splitSentences, truncateAtWord, withPeriod, withoutTrailingPeriod, words } from '../text.ts'
import { extractMetrics } from './metrics.ts'
import { chooseActionVerb, isPastTenseVerb, stripWeakOpener, toGerund } from './verbs.ts'

/** Resume bullets longer than this read as paragraphs. */
export const MAX_BULLET_LENGTH = 200
const MAX_SUMMARY_LENGTH = 320

const MAX_EVIDENCE_SPANS = 5
const MAX_SPAN_LENGTH = 200

/** Text fields describing work that was done; next steps describe intentions, so they are left out. */
export function doneText (worklog: WorklogInput): string {
  return [worklog.content, worklog.outcome, worklog.impact].filter((t): t is string => Boolean(t?.trim())).join('\n')
}

/** Named skills, skills inferred from the work described and skills those imply, each with the words that show it. */
export function extractSkillSignals (worklog: WorklogInput): SkillSignal[] {
  const matches = findSkills(doneText(worklog), { title: worklog.title ?? null, tags: worklog.tags ?? [] })
  return matches.map((m) => ({
    name: m.name,
    kind: m.kind,
    confidence: m.confidence,
    basis: m.basis,
    evidence: truncateAtWord(m.evidence, 400),
    evidenceSpans: m.spans.slice(0, MAX_EVIDENCE_SPANS).map((span) => truncateAtWord(span, MAX_SPAN_LENGTH)),
  }))
}

// ---------------------------------------------------------------------------
// Work type
// ---------------------------------------------------------------------------

const WORK_TYPE_CUES: Record<WorkType, RegExp[]> = {
  incident: [/\bincident/, /\boutage/, /\bpaged\b/, /\bsev ?[0-3]\b/, /\bdowntime\b/, /\bpost-?mortem/, /\broot cause/, /\bhotfix/, /\brollback|\brolled back/, /\bdegraded\b/, /\bfailed over\b|\bfailover\b/, /\bconsumer lag\b|\bbacklog grew\b/],
  support: [/\btickets?\b/, /\bcustomer (?:call|issue|request|complaint|escalation)s?\b/, /\bcustomers? (?:reported|asked|could not|couldn't|cannot)\b/, /\bsupport (?:queue|request)s?\b/, /\bescalat/, /\bhelp ?desk/, /\bzendesk\b/, /\bwalked (?:them|him|her) through\b/, /\buser reported\b/, /\bknowledge base\b/],
  planning: [/\bplanning\b/, /\broadmap/, /\bokrs?\b/, /\bestimat/, /\bdesign doc/, /\brfc\b/, /\bproposal\b/, /\bprioriti[sz]/, /\bscop(?:e|ing)\b/, /\bbudget/, /\bq[1-4]\b/, /\bspec\b/, /\bcost review\b|\bright-?siz|\bsavings plan\b/],
  // "scikit-learn" must not read as learning, hence the hyphen guard.
  learning: [/(?<![\w-])learn(?:ed|ing|t)?\b/, /\bcourse\b/, /\breading\b/, /\bbook\b/, /\btutorial/, /\btraining\b/, /\bconference\b/, /\bcertification/, /\bstudied\b/, /\bmeetup\b/],
  delivery: [/\bbuilt\b/, /\bshipped\b/, /\bimplemented\b/, /\badded\b/, /\bmigrated\b/, /\bdeployed\b/, /\breleased\b/, /\bfixed\b/, /\brefactored\b/, /\bupgraded\b/, /\blaunched\b/, /\bfeature\b/, /\bendpoint/, /\brewrote\b|\bported\b|\bwrote\b/, /\bcut\b|\breduced\b|\boptimi[sz]ed\b|\bimproved\b/, /\btrained\b|\breplaced\b|\binstrumented\b|\baudited\b|\banaly[sz]ed\b/],
  // People management and logistics are real work without a better bucket.
  other: [/\bone-on-ones?\b|\b1:1s?\b/, /\bdirect reports\b/, /\binterview(?:ed|s|ing)?\b|\bhiring\b/, /\boffsite\b/, /\bperformance reviews?\b/, /\bbooked\b/],
}

/** Ties go to the more specific kind of work. */
const WORK_TYPE_PRIORITY: WorkType[] = ['incident', 'support', 'planning', 'learning', 'delivery', 'other']

export function suggestWorkType (worklog: WorklogInput): WorkType {
  const title = (worklog.title ?? '').toLowerCase()
  const body = [worklog.content, worklog.outcome, worklog.impact, worklog.nextSteps].filter(Boolean).join('\n').toLowerCase()
  let best: WorkType = 'other'
  let bestScore = 0
  for (const type of WORK_TYPE_PRIORITY) {
    // A cue in the title counts double: titles name the work.
    const score = WORK_TYPE_CUES[type].reduce((sum, cue) => sum + (cue.test(title) ? 2 : 0) + (cue.test(body) ? 1 : 0), 0)
    if (score > bestScore) {
      best = type
      bestScore = score
    }
  }
  return best
}

// ---------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------

interface ScoredSentence {
  text: string;
  order: number;
  score: number;
}

/**
 * Scores sentences for an extractive summary: sentences that report results
 * (outcome/impact fields, numbers) or name technologies score higher; the first
 * content sentence gets a bonus because people lead with the point.
 */
function scoreSentences (worklog: WorklogInput): ScoredSentence[] {
  const scored: ScoredSentence[] = []
  const fields: Array<[string | null | undefined, number]> = [
    [worklog.content, 0],
    [worklog.outcome, 1.5],
    [worklog.impact, 1],
  ]
  let order = 0
  for (const [field, fieldBonus] of fields) {
    if (!field?.trim()) continue
    splitSentences(field).forEach((sentence, i) => {
      const length = words(sentence.text).length
      let score = fieldBonus
      if (i === 0) score += 1
      if (extractMetrics(sentence.text).length > 0) score += 2
      score += Math.min(2, findSkills(sentence.text).length * 0.5)
      const first = words(sentence.text)[0] ?? ''
      if (isPastTenseVerb(first)) score += 0.5
      // Very short fragments carry little; very long ones make poor summaries.
      if (length < 5) score -= 1
      if (length > 45) score -= 1
      scored.push({ text: sentence.text, order: order++, score })
    })
  }
  return scored
}

export function summarizeWorklog (worklog: WorklogInput): string {
  const scored = scoreSentences(worklog)
  if (scored.length === 0) return truncateAtWord(worklog.title ?? '', MAX_SUMMARY_LENGTH)
  const top = [...scored].sort((a, b) => b.score - a.score || a.order - b.order).slice(0, 2)
  const summary = top
    .sort((a, b) => a.order - b.order)
    .map((s) => withPeriod(s.text))
    .join(' ')
  return truncateAtWord(summary, MAX_SUMMARY_LENGTH)
}

// ---------------------------------------------------------------------------
// Bullets
// ---------------------------------------------------------------------------

const PRODUCT_KINDS = new Set(['language', 'framework', 'tool', 'cloud', 'database'])

/** Lowercases the first letter unless the first word is an acronym or a product name ("PostgreSQL", "npm"). */
export function lowerFirst (text: string): string {
  const first = /^\S+/.exec(text)?.[0] ?? ''
  const isAcronymOrMixed = /[A-Z]/.test(first.slice(1)) || /\d/.test(first)
  const product = lookupSkill(first.replace(/[^\w.+#-]/g, ''))
  if (isAcronymOrMixed || (product && PRODUCT_KINDS.has(product.kind))) return text
  return text.charAt(0).toLowerCase() + text.slice(1)
}

/**
 * First clause of a sentence, for bullets that must stay short: cut at ", ",
 * " — ", or " and " followed by another past-tense verb ("Profiled X and found
 * Y" → "Profiled X"), once the clause has a few words.
 */
function firstClause (text: string): string {
  const clean = withoutTrailingPeriod(text)
  const separators = /,\s|;\s|\s—\s|\s+and\s+(\w+)/g
  for (let m = separators.exec(clean); m !== null; m = separators.exec(clean)) {
    if (m.index < 25) continue
    if (m[1] !== undefined && !isPastTenseVerb(m[1])) continue
    return clean.slice(0, m.index)
  }
  return clean
}

/** Turns a sentence into one that opens with a strong past-tense verb, or null if it cannot. */
function asActionSentence (sentence: string): string | null {
  const text = withoutTrailingPeriod(sentence).replace(/^(?:i|we)\s+/i, '')
  if (stripWeakOpener(text) !== null) return null
  const first = /^[A-Za-z]+/.exec(text)?.[0] ?? ''
  if (!isPastTenseVerb(first)) return null
  return capitalizeFirst(text)
}

/**
 * Picks the metric to feature: a change ("from X to Y") beats a percentage,
 * which beats other numbers; results (outcome/impact) beat the description.
 */
function headlineMetric (metrics: WorklogMetric[], worklog: WorklogInput): WorklogMetric | undefined {
  const resultText = `${worklog.outcome ?? ''}\n${worklog.impact ?? ''}`
  const rank = (m: WorklogMetric): number =>
    (m.baseline !== null ? 4 : m.unit === '%' ? 3 : m.unit === 'USD' ? 2 : 1) + (resultText.includes(m.raw) ? 2 : 0)
  return [...metrics].sort((a, b) => rank(b) - rank(a))[0]
}

/** "p95 latency dropped from 1.8s to 210ms" → "p95 latency": the thing that changed. */
function changeSubject (metric: WorklogMetric): string | null {
  const index = metric.context.indexOf(metric.raw)
  if (index <= 0) return null
  const before = metric.context.slice(0, index)
  const match = /(?:^|[,;:]\s*)([^,;:]*?)\s+(?:dropped|fell|went|decreased|declined|improved|increased|rose|grew|shrank|was reduced|was cut|came down|went down|went up|is down|is up|are down|are up|down|up|moved)\s*$/i.exec(before)
  const subject = match?.[1]?.trim()
  if (!subject || subject.split(/\s+/).length > 7) return null
  return subject
}

export function composeResumeBullet (worklog: WorklogInput, workType: WorkType, metrics: WorklogMetric[]): string {
  const contentSentences = splitSentences(worklog.content).map((s) => s.text)
  const leadSource = contentSentences.find((s) => asActionSentence(s) !== null)
  const metric = headlineMetric(metrics, worklog)
  const allText = `${worklog.title ?? ''}\n${doneText(worklog)}`

  // Best case: a change metric with a clear subject → "Reduced p95 latency from 1.8s to 210ms by adding …".
  if (metric && metric.baseline !== null && metric.baseline !== metric.value) {
    const subject = changeSubject(metric)
    const metricSentenceIsLead = leadSource !== undefined && leadSource.includes(metric.raw)
    if (subject && !metricSentenceIsLead) {
      const lowerIsBetter = /latenc|time|duration|memory|size|bundle|cost|spend|error|lag|bill|p9\d|ms\b|downtime|tickets/i.test(
        `${subject} ${metric.unit ?? ''}`
      )
      const decreased = metric.value < metric.baseline
      const verb = decreased ? 'Reduced' : lowerIsBetter ? 'Increased' : 'Improved'
      let bullet = `${verb} ${lowerFirst(subject)} ${metric.raw}`
      if (leadSource) {
        const lead = asActionSentence(leadSource) ?? leadSource
        const leadVerb = /^[A-Za-z]+/.exec(lead)?.[0] ?? ''
        const rest = firstClause(lead).slice(leadVerb.length).trim()
        if (rest) bullet += ` by ${toGerund(leadVerb)} ${rest}`
      }
      return truncateAtWord(withPeriod(bullet), MAX_BULLET_LENGTH)
    }
  }

  let lead: string
  if (leadSource) {
    lead = asActionSentence(leadSource) ?? leadSource
  } else {
    // No sentence opens with a usable verb: rebuild one from a weak opener ("Went through the bill" →
    // "Reviewed the bill") or, failing that, from the title ("Database outage" → "Resolved database outage").
    const weak = contentSentences.map((s) => stripWeakOpener(s)).find((w) => w !== null && w.rest.length > 0)
    if (weak) {
      lead = `${weak.verb ?? chooseActionVerb(workType, allText)} ${firstClause(weak.rest)}`
    } else {
      const object = worklog.title?.trim() || firstClause(contentSentences[0] ?? worklog.content)
      lead = `${chooseActionVerb(workType, allText)} ${lowerFirst(object)}`
    }
  }

  if (metric && !lead.includes(metric.raw)) {
    const clause = withoutTrailingPeriod(metric.context)
    const shortLead = lead.length + clause.length + 3 > MAX_BULLET_LENGTH ? firstClause(lead) : withoutTrailingPeriod(lead)
    return truncateAtWord(withPeriod(`${shortLead} — ${lowerFirst(clause)}`), MAX_BULLET_LENGTH)
  }
  return truncateAtWord(withPeriod(lead), MAX_BULLET_LENGTH)
}

export function composeStatusBullet (worklog: WorklogInput): string {
  const title = worklog.title?.trim() || firstClause(splitSentences(worklog.content)[0]?.text ?? worklog.content)
  const result = worklog.outcome?.trim() || splitSentences(worklog.content)[0]?.text || ''
  const text = result && result !== title ? `${withoutTrailingPeriod(title)}: ${lowerFirst(result)}` : title
  return truncateAtWord(withPeriod(text), 300)
}

export function draftBullets (worklog: WorklogInput, workType: WorkType, metrics: WorklogMetric[]): WorklogBullet[] {
  const bullets: WorklogBullet[] = [
    { kind: 'resume', text: composeResumeBullet(worklog, workType, metrics) },
    { kind: 'status', text: composeStatusBullet(worklog) },
  ]
  if (worklog.nextSteps?.trim()) {
    bullets.push({ kind: 'note', text: truncateAtWord(withPeriod(`Next: ${worklog.nextSteps.trim()}`), 300) })
  }
  return bullets
}

export function analyzeWorklogLocally (worklog: WorklogInput): WorklogAnalysis {
  const metrics = extractMetrics(doneText(worklog)).slice(0, 20)
  const suggestedWorkType = suggestWorkType(worklog)
  return {
    summary: summarizeWorklog(worklog),
    suggestedWorkType,
    skillSignals: extractSkillSignals(worklog).slice(0, 40),
    bullets: draftBullets(worklog, worklog.workType ?? suggestedWorkType, metrics),
    metrics,
  }
}
