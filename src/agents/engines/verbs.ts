/**
 * Action-verb handling for resume bullets: recognising a past-tense opener,
 * upgrading weak openers ("Worked on", "Helped"), picking a strong verb from
 * the kind of work, and turning a past-tense verb into a gerund ("Added" →
 * "adding") for "Reduced X by adding Y" constructions.
 */
import type { WorkType } from '../../vocabulary/worklog.ts'

const IRREGULAR_GERUNDS: Record<string, string> = {
  built: 'building',
  rebuilt: 'rebuilding',
  led: 'leading',
  wrote: 'writing',
  rewrote: 'rewriting',
  ran: 'running',
  made: 'making',
  cut: 'cutting',
  drove: 'driving',
  took: 'taking',
  set: 'setting',
  kept: 'keeping',
  gave: 'giving',
  held: 'holding',
  spent: 'spending',
  went: 'going',
  met: 'meeting',
  found: 'finding',
  oversaw: 'overseeing',
  split: 'splitting',
  put: 'putting',
  sent: 'sending',
  taught: 'teaching',
  read: 'reading',
  sold: 'selling',
  brought: 'bringing',
  began: 'beginning',
  grew: 'growing',
  won: 'winning',
  got: 'getting',
  did: 'doing',
  paid: 'paying',
  spoke: 'speaking',
  thought: 'thinking',
  chose: 'choosing',
  drew: 'drawing',
  told: 'telling',
  understood: 'understanding',
  undertook: 'undertaking',
  shut: 'shutting',
  hit: 'hitting',
  sped: 'speeding',
}

/**
 * Openers that are past tense but say little. Each maps to the verb that says
 * what the work actually was, or null when the verb must come from the work type.
 */
const WEAK_OPENERS: Array<[RegExp, string | null]> = [
  [/^(?:worked|working)\s+(?:on|through|with)\s+/i, null],
  [/^helped(?:\s+(?:to|with))?\s+/i, 'Supported'],
  [/^did\s+/i, null],
  [/^spent\s+(?:the\s+)?(?:\w+\s+)?(?:\w+\s+)?(?:going\s+through|reading)\s+/i, 'Studied'],
  [/^spent\s+(?:the\s+)?(?:\w+\s+)?(?:\w+\s+)?(?:on|doing)\s+/i, null],
  [/^went\s+(?:through|over)\s+/i, 'Reviewed'],
  [/^was\s+(?:responsible\s+for|involved\s+in)\s+/i, null],
  [/^tried\s+(?:to\s+)?/i, null],
  [/^looked\s+(?:at|into)\s+/i, 'Investigated'],
]

/** Non-verbs ending in "-ed" that must not be mistaken for an opener. */
const ED_NOUNS = new Set(['need', 'feed', 'seed', 'speed', 'bed', 'red', 'shed', 'bred', 'hundred', 'sled', 'weed', 'breed', 'embed'])

export function isPastTenseVerb (word: string): boolean {
  const w = word.toLowerCase()
  if (IRREGULAR_GERUNDS[w]) return true
  return w.length > 4 && w.endsWith('ed') && !ED_NOUNS.has(w)
}

export function toGerund (pastVerb: string): string {
  const w = pastVerb.toLowerCase()
  const irregular = IRREGULAR_GERUNDS[w]
  if (irregular) return irregular
  if (w.endsWith('ied')) return `${w.slice(0, -3)}ying`
  if (w.endsWith('eed')) return `${w.slice(0, -1)}ing`
  return `${w.slice(0, -2)}ing`
}

/**
 * Removes a leading weak opener. Returns null when the text did not start with
 * one; otherwise the rest of the text and the verb that should replace the
 * opener (null when the caller should choose one from the kind of work).
 */
export function stripWeakOpener (text: string): { rest: string; verb: string | null } | null {
  for (const [pattern, verb] of WEAK_OPENERS) {
    if (pattern.test(text)) return { rest: text.replace(pattern, ''), verb }
  }
  return null
}

/** Cue words in the text mapped to a strong verb, checked in order. */
const VERB_CUES: Array<[RegExp, string]> = [
  [/\bmigrat|\bmoved?\s+(?:\w+\s+){0,3}(?:to|onto)\b|\bport(?:ed|ing)?\b/i, 'Migrated'],
  [/\breduc|\bcut\b|\blower|\bdecreas|\bshr[ai]nk|\bdropp?ed\b|\bspeed up|\bfaster\b/i, 'Reduced'],
  [/\bautomat/i, 'Automated'],
  [/\bimprov|\boptimi[sz]|\bincreas|\bboost/i, 'Improved'],
  [/\bupgrad/i, 'Upgraded'],
  [/\brefactor|\brewr(?:o|i)te/i, 'Refactored'],
  [/\bled\b|\bfacilitat|\bran the\b/i, 'Led'],
  [/\bmentor|\bcoach/i, 'Mentored'],
  [/\bbuil[dt]|\bnew\b|\bcreat|\bimplement|\badded\b/i, 'Built'],
  [/\bdesign/i, 'Designed'],
]

const WORK_TYPE_VERBS: Record<WorkType, string> = {
  delivery: 'Delivered',
  planning: 'Planned',
  incident: 'Resolved',
  support: 'Resolved',
  learning: 'Studied',
  other: 'Coordinated',
}

/** Chooses the opening verb for a bullet whose source sentence has none. */
export function chooseActionVerb (workType: WorkType, text: string): string {
  // Incidents, support and learning have their own verb whatever other words appear
  // ("Designing Data-Intensive Applications" in a reading log is not design work).
  if (workType === 'incident' || workType === 'support' || workType === 'learning') return WORK_TYPE_VERBS[workType]
  for (const [cue, verb] of VERB_CUES) if (cue.test(text)) return verb
  return WORK_TYPE_VERBS[workType]
}
