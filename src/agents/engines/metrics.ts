/**
 * Pulls quantitative results out of work-log prose: changes ("from 1.8s to
 * 210ms"), percentages, money, durations, multipliers and counts of things
 * (users, requests, tickets, …). Bare numbers are ignored on purpose: versions
 * ("Django 5.0"), times ("02:10") and standards ("WCAG 2.1") are not results.
 */
import type { WorklogMetric } from '../worklog.types.ts'
import { splitSentences, truncateAtWord } from '../text.ts'

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`
// A scale letter must not start a unit: the "m" of "210ms" or "120 MB" is not "million".
const SCALE = String.raw`(?:k|m|bn|million|thousand|billion)(?![a-z])`
const UNIT = String.raw`(?:%|ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|kb|mb|gb|tb|x|rps|qps|req\/s|fps)`
const COUNT_NOUN = String.raw`(?:users|customers|clients|accounts|requests|queries|tickets|issues|bugs|incidents|alerts|pages|messages|events|records|rows|lines|files|services|endpoints|tests|errors|orders|transactions|deploys|deployments|instances|nodes|pods|servers|builds|calls|sessions|signups|subscribers|downloads|items|jobs|emails|people|engineers|reports|articles|candidates|dashboards)`
const MONEY_PREFIX = String.raw`(?:\$|€|£|USD\s?|EUR\s?|GBP\s?)`

const VALUE = String.raw`(${MONEY_PREFIX})?(${NUMBER})\s?(${SCALE})?\s?(${UNIT})?`

interface PatternSpec {
  name: 'change' | 'money' | 'percent' | 'duration' | 'multiplier' | 'count';
  regex: RegExp;
}

const PATTERNS: PatternSpec[] = [
  {
    name: 'change',
    regex: new RegExp(String.raw`\bfrom\s+(?:about\s+|around\s+|~)?${VALUE}\s+(?:down\s+|up\s+)?to\s+(?:about\s+|around\s+|~|under\s+|below\s+)?${VALUE}(?!\w|\.\d)`, 'gi'),
  },
  { name: 'money', regex: new RegExp(String.raw`${MONEY_PREFIX}(${NUMBER})\s?(${SCALE})?(?!\w|\.\d)`, 'gi') },
  { name: 'percent', regex: new RegExp(String.raw`(?<![\w.])(${NUMBER})\s?%`, 'g') },
  {
    name: 'duration',
    regex: new RegExp(String.raw`(?<![\w.:])(${NUMBER})\s?(ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|s|h)(?![\w])`, 'gi'),
  },
  { name: 'multiplier', regex: new RegExp(String.raw`(?<![\w.])(${NUMBER})\s?x(?![\w])`, 'gi') },
  {
    name: 'count',
    regex: new RegExp(String.raw`(?<![\w.:+\-/])(${NUMBER})\s?(${SCALE})?\s+(?:[a-z][\w-]*\s+){0,2}?(${COUNT_NOUN})\b`, 'gi'),
  },
]

const UNIT_CANONICAL: Record<string, string> = {
  millisecond: 'ms',
  milliseconds: 'ms',
  ms: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'min',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  day: 'days',
  days: 'days',
  week: 'weeks',
  weeks: 'weeks',
  month: 'months',
  months: 'months',
  kb: 'KB',
  mb: 'MB',
  gb: 'GB',
  tb: 'TB',
  x: 'x',
  rps: 'rps',
  qps: 'qps',
  'req/s': 'rps',
  fps: 'fps',
  '%': '%',
}

function parseNumber (text: string, scale: string | undefined): number {
  const base = Number(text.replace(/,/g, ''))
  const factor: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9 }
  return base * (scale ? (factor[scale.toLowerCase()] ?? 1) : 1)
}

/** Conversion factors to a base unit within each family (time → ms, size → KB). */
const UNIT_FACTORS: Record<string, { family: 'time' | 'size'; factor: number }> = {
  ms: { family: 'time', factor: 1 },
  s: { family: 'time', factor: 1_000 },
  min: { family: 'time', factor: 60_000 },
  h: { family: 'time', factor: 3_600_000 },
  days: { family: 'time', factor: 86_400_000 },
  weeks: { family: 'time', factor: 604_800_000 },
  KB: { family: 'size', factor: 1 },
  MB: { family: 'size', factor: 1_024 },
  GB: { family: 'size', factor: 1_048_576 },
  TB: { family: 'size', factor: 1_073_741_824 },
}

function convertUnit (value: number, from: string | null, to: string | null): number {
  if (!from || !to || from === to) return value
  const a = UNIT_FACTORS[from]
  const b = UNIT_FACTORS[to]
  if (!a || !b || a.family !== b.family) return value
  return Math.round(((value * a.factor) / b.factor) * 1000) / 1000
}

function moneyUnit (prefix: string | undefined): string | null {
  if (!prefix) return null
  const p = prefix.trim().toUpperCase()
  if (p === '$' || p === 'USD') return 'USD'
  if (p === '€' || p === 'EUR') return 'EUR'
  if (p === '£' || p === 'GBP') return 'GBP'
  return null
}

function canonicalUnit (unit: string | undefined): string | null {
  if (!unit) return null
  return UNIT_CANONICAL[unit.toLowerCase()] ?? unit.toLowerCase()
}

/** Extracts metrics in reading order; overlapping matches keep the earliest, most specific pattern. */
export function extractMetrics (text: string): WorklogMetric[] {
  const metrics: Array<WorklogMetric & { start: number; end: number }> = []
  for (const sentence of splitSentences(text)) {
    const taken: Array<[number, number]> = []
    const overlaps = (s: number, e: number): boolean => taken.some(([a, b]) => s < b && e > a)
    const context = truncateAtWord(sentence.text, 400)
    for (const { name, regex } of PATTERNS) {
      regex.lastIndex = 0
      for (let m = regex.exec(sentence.text); m !== null; m = regex.exec(sentence.text)) {
        const start = m.index
        const end = start + m[0].length
        if (overlaps(start, end)) continue
        const metric = toMetric(name, m)
        if (!metric) continue
        taken.push([start, end])
        metrics.push({ ...metric, raw: m[0].trim(), context, start: sentence.start + start, end: sentence.start + end })
      }
    }
  }
  return metrics.sort((a, b) => a.start - b.start).map(({ start: _s, end: _e, ...metric }) => metric)
}

function toMetric (name: PatternSpec['name'], m: RegExpExecArray): Omit<WorklogMetric, 'raw' | 'context'> | null {
  switch (name) {
    case 'change': {
      const [, fromMoney, fromNum, fromScale, fromUnit, toMoney, toNum, toScale, toUnit] = m
      if (fromNum === undefined || toNum === undefined) return null
      const unit = moneyUnit(toMoney ?? fromMoney) ?? canonicalUnit(toUnit ?? fromUnit)
      const fromUnitCanonical = canonicalUnit(fromUnit ?? toUnit)
      const baseline = parseNumber(fromNum, fromScale ?? toScale)
      return {
        value: parseNumber(toNum, toScale ?? fromScale),
        unit,
        // "from 1.8s to 210ms": express the baseline in the unit of the new value so the two compare.
        baseline: convertUnit(baseline, fromUnitCanonical, unit),
      }
    }
    case 'money': {
      const prefix = /^(\$|€|£|USD|EUR|GBP)/i.exec(m[0])?.[1]
      if (m[1] === undefined) return null
      return { value: parseNumber(m[1], m[2]), unit: moneyUnit(prefix), baseline: null }
    }
    case 'percent':
      return m[1] === undefined ? null : { value: Number(m[1].replace(/,/g, '')), unit: '%', baseline: null }
    case 'duration':
    case 'multiplier':
      return m[1] === undefined ? null : { value: Number(m[1].replace(/,/g, '')), unit: canonicalUnit(m[2] ?? 'x'), baseline: null }
    case 'count':
      return m[1] === undefined || m[3] === undefined
        ? null
        : { value: parseNumber(m[1], m[2]), unit: m[3].toLowerCase(), baseline: null }
  }
}
