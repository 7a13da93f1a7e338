/**
 * Reads skills from the work a text describes, with the taxonomy's inference
 * rules (InferenceRule): one sentence at a time, every pattern of a rule must
 * match in it, and what the patterns match are the evidence spans. The same
 * checks as for named mentions apply (mentions.ts): negated, channel-only or
 * planned work shows nothing.
 */
import { splitSentences, type Sentence } from '../text.ts'
import { isWorkMention } from './mentions.ts'
import type { SkillEntry } from './taxonomy.types.ts'

export interface Inference {
  entry: SkillEntry;
  /** The words that triggered the rule, in the order the patterns matched. */
  spans: string[];
  sentence: Sentence;
  /** Offset of the first span in the text. */
  index: number;
  /** Sentences the skill was inferred from. */
  sentences: number;
}

interface CompiledRule {
  entry: SkillEntry;
  when: RegExp[];
  unless: RegExp | undefined;
  within: RegExp | undefined;
  describesWriting: boolean;
}

/** A sentence about a piece of writing: its subject is what is written about, not work done. */
const DESCRIBES_WRITING = /\b(?:blog post|blog|article|talk|write-?up|post|newsletter|case study|tutorial|video|annex|guide)\s+(?:on|about)\b/i

const insensitive = (pattern: RegExp): RegExp => new RegExp(pattern.source, 'i')

export class SkillInferrer {
  readonly #rules: CompiledRule[] = []

  constructor (entries: readonly SkillEntry[]) {
    for (const entry of entries) {
      for (const rule of entry.inferredFrom ?? []) {
        const when = Array.isArray(rule.when) ? rule.when : [rule.when as RegExp]
        this.#rules.push({
          entry,
          when: when.map(insensitive),
          unless: rule.unless ? insensitive(rule.unless) : undefined,
          within: rule.within ? insensitive(rule.within) : undefined,
          describesWriting: rule.describesWriting === true,
        })
      }
    }
  }

  /**
   * Skills the rules read from `text`, one per skill, in order of first
   * evidence. `context` is the whole work log, for rules with `within`.
   */
  infer (text: string, context: string = text): Inference[] {
    const found = new Map<SkillEntry, Inference>()
    for (const sentence of splitSentences(text)) {
      const aboutWriting = DESCRIBES_WRITING.test(sentence.text)
      const firedHere = new Set<SkillEntry>()
      for (const rule of this.#rules) {
        if (firedHere.has(rule.entry)) continue
        if (aboutWriting && !rule.describesWriting) continue
        if (rule.unless?.test(sentence.text) === true) continue
        if (rule.within && !rule.within.test(context)) continue
        const matches = rule.when.map((pattern) => pattern.exec(sentence.text))
        if (matches.some((m) => m === null)) continue
        const first = matches.reduce((a, b) => (b!.index < a!.index ? b : a))!
        const index = sentence.start + first.index
        if (!isWorkMention(text, index, first[0].length, sentence)) continue
        firedHere.add(rule.entry)
        const existing = found.get(rule.entry)
        if (existing) {
          existing.sentences += 1
          continue
        }
        const spans = [...new Set(matches.map((m) => m![0].trim()))]
        found.set(rule.entry, { entry: rule.entry, spans, sentence, index, sentences: 1 })
      }
    }
    return [...found.values()].sort((a, b) => a.index - b.index)
  }
}
