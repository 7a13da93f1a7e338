/**
 * Whether a place in a work log describes work that was done with what is
 * named there. A skill counts when the author worked with it; these are the
 * ways a text names something without that:
 *  - negated: "has to use StoreKit, not our Stripe checkout";
 *  - left alone or unable: "RxJS code mostly untouched", "Figma couldn't do the gesture";
 *  - only a channel: "shared the result in Notion";
 *  - planned: "Going to open source it", "shipping next sprint".
 */
import type { Sentence } from '../text.ts'

const NEGATED_BEFORE = /\b(?:not|no|never|without)\s+(?:(?:our|the|a|an|any|using|via|with|in)\s+)?$/i
const LEFT_ALONE_AFTER = /^[\w.+#-]*(?:\s+[\w-]+){0,2}?\s+(?:(?:was|is|were|are|stays?|stayed|remains?|remained)\s+)?(?:mostly\s+|largely\s+|entirely\s+)?(?:untouched|unchanged)\b/i
const UNABLE_AFTER = /^[\w.+#-]*\s+(?:couldn't|could not|can't|cannot|doesn't support|didn't support|does not support|did not support|wasn't able|was not able)\b/i
const CHANNEL_BEFORE = /\b(?:shared|posted|announced|circulated|pinged|messaged)\b[^.;]*\b(?:in|on)\s+(?:the\s+|our\s+|a\s+)?$|\bsigned\b[^.;]*\b(?:in|on|via|through)\s+$/i
/** A clause that opens with an intention, or names a time still to come. */
const PLANNED_OPENING = /^\W*(?:(?:we|i|they|the team|team)\s+)?(?:will|'ll|going to|gonna|plan to|planning to|plans to|want to|intend to|hope to|next up)\b/i
const PLANNED_ANYWHERE = /\b(?:next (?:week|sprint|quarter|month|year|release)|tomorrow|maybe|eventually|someday|later this (?:week|month|quarter))\b/i
/** Where one clause ends and another begins within a sentence. */
const CLAUSE_BREAK = /[;:—–]|\s-\s|,\s+(?=(?:but|and|then|so)\b)|\bbut\b/g

/**
 * True when the mention at `index` (length `length`) in `text`, inside
 * `sentence`, describes work done with the thing named.
 */
export function isWorkMention (text: string, index: number, length: number, sentence: Sentence): boolean {
  const before = text.slice(sentence.start, index)
  const after = text.slice(index, sentence.end)
  if (NEGATED_BEFORE.test(before) || CHANNEL_BEFORE.test(before)) return false
  if (LEFT_ALONE_AFTER.test(after) || UNABLE_AFTER.test(after)) return false
  return !isPlanned(clauseAround(text, index, length, sentence))
}

export function isPlanned (clause: string): boolean {
  return PLANNED_OPENING.test(clause) || PLANNED_ANYWHERE.test(clause)
}

function clauseAround (text: string, index: number, length: number, sentence: Sentence): string {
  const body = text.slice(sentence.start, sentence.end)
  const at = index - sentence.start
  let start = 0
  let end = body.length
  CLAUSE_BREAK.lastIndex = 0
  for (let m = CLAUSE_BREAK.exec(body); m !== null; m = CLAUSE_BREAK.exec(body)) {
    const breakEnd = m.index + m[0].length
    if (breakEnd <= at) start = breakEnd
    else if (m.index >= at + length) {
      end = m.index
      break
    }
  }
  return body.slice(start, end)
}
