/**
 * Working with people: leadership, communication, collaboration, and the
 * human languages a person works in.
 *
 * Found through phrasings people actually write in work logs ("mentored",
 * "1:1s", "negotiated"), kept narrow on purpose.
 */
import { group, type Row } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

/** Functions a person coordinates across ("support, marketing and the store listings"). */
const FUNCTION = String.raw`(?:support|marketing|sales|legal|finance|design|engineering|eng|product|ops|operations|cs|security|data|partnerships|hr|qa|leadership)`
/** Senior audiences: working with them is stakeholder management. */
const SENIOR = String.raw`(?:leads|leadership|stakeholders|execs|executives|vps?|heads?|directors?|founders|ceo|cto|cpo|cfo|coo|cmo|cro|cio|ciso|board|managers|gms?)`

const SOFT_SKILLS = group('soft_skill', [
  ['Mentoring', ['mentor', 'mentored', 'mentoring', 'mentorship', 'mentee', 'coached', 'coaching']],
  // "Leadership" alone is mostly a group of people ("eng leadership"); leading is shown by what was led.
  ['Leadership', ['team lead', 'tech lead', 'technical lead', 'leadership skills'], {
    mode: 'rule',
    rules: [{ when: /\bled\s+(?:the|a|an|our)\s+(?:[\w-]+\s+){0,2}(?:team|effort|migration|project|rollout|incident|initiative|redesign|launch|squad|workstream|program|response|rewrite)\b/ }],
  }],
  ['People Management', ['direct reports', '1:1s', '1:1', 'one-on-ones', 'one-on-one', 'performance review', 'performance reviews', 'people management', 'career development', 'promotion case', 'promotion packet']],
  // Interviewing users is research; interviewing candidates is hiring.
  // A hiring plan or freeze names hiring without doing it.
  ['Hiring', ['recruiting', 'hiring loop', 'interview loop', 'job description', 'hiring manager', 'phone screens', 'take-home review'], {
    mode: 'rule',
    rules: [
      { when: /\binterview(?:ed|ing|s)?\b/, within: /\b(?:candidates?|hiring|hires?|roles?|positions?|loop|panel|onsite|offers?|recruit\w*|debrief)\b/, unless: /\b(?:participants?|users?|customers?|usability|research|persona)\b/ },
      { when: /\bhiring\b/, unless: /\bhiring\s+(?:plans?|freeze|budget|forecast|targets?|needs)\b/ },
      { when: /\b(?:hired|sourced)\s+(?:\w+\s+){0,2}(?:engineers?|designers?|candidates?|people|pms?|managers?|reps|analysts?)\b/ },
    ],
  }],
  ['Stakeholder Management', ['stakeholder', 'stakeholders', 'stakeholder management', 'steering committee', 'stakeholder alignment'], {
    rules: [
      { when: /\b(?:got|secured|obtained|won)\s+(?:sign-?off|buy-?in|approval)\s+from\b/ },
      { when: new RegExp(String.raw`\b(?:review|sync|meeting|call|check-?in|1:1)\s+with\s+(?:the\s+|our\s+)?(?:[\w/]+\s+)?${SENIOR}\b`) },
      { when: new RegExp(String.raw`\b(?:reviewed|aligned|walked through|shared|socialized|socialised|signed off|agreed)\b[^;]{0,30}\bwith\s+(?:the\s+|our\s+|their\s+)?(?:[\w/]+\s+(?:\+|and|&)\s+)?(?:[\w/]+\s+)?${SENIOR}\b`) },
    ],
  }],
  ['Cross-functional Collaboration', ['cross-functional', 'cross functional', 'cross-team'], {
    rules: [{ when: new RegExp(String.raw`\b(?:coordinat\w+|align\w*|partner\w*|worked with|worked across)\b[^;]{0,20}\b${FUNCTION}\b\s*(?:,|\+|and|&)\s*(?:the\s+)?${FUNCTION}\b`) }],
  }],
  // Speaking is shown by giving the talk; writing someone's keynote is writing.
  ['Public Speaking', ['gave a talk', 'lightning talk', 'public speaking', 'presented at', 'spoke at'], {
    rules: [{ when: /\b(?:gave|delivered|did|presented|ran)\b[^;]{0,20}\b(?:talks?|keynotes?|tech talks?|webinars?|conference sessions?)\b/ }],
  }],
  ['Presentations', ['presented', 'presentation', 'presentations', 'slide deck', 'slides', 'deck', 'decks']],
  ['Executive Communication', ['executive communication', 'exec update', 'executive update', 'executive summary', 'exec summary', 'investor update'], {
    // Rules rather than aliases for "board deck", so that "deck" still reads as Presentations.
    rules: [{ when: /\b(?:deck|update|report|memo|summary|presentation|briefing)\b[^;]{0,20}\bfor\s+the\s+(?:board|ceo|execs|exec team|executive team|leadership team|investors)\b|\b(?:updates?|reports?|memos?|briefings?|summar(?:y|ies))\s+(?:to|for)\s+(?:the\s+)?(?:execs|exec team|executives|leadership|board|ceo|cto|cfo|cpo)\b|\bboard\s+(?:decks?|meetings?|updates?|packs?|reports?)\b|\b(?:ceo|cfo|cto|coo|exec(?:utive)?)\s+(?:memo|update|summary|briefing|deck)\b/ }],
  }],
  ['Communication', ['communicated', 'status update', 'status updates'], { mode: 'rule' }],
  // Running a workshop is facilitation; attending one is not.
  ['Facilitation', ['facilitated', 'facilitation', 'ran the retro', 'ran the workshop', 'retro', 'retros', 'retrospective', 'retrospectives', 'sprint retro'], {
    rules: [{ when: /\b(?:ran|led|hosted|organi[sz]ed|moderated|facilitat\w*)\b[^;]{0,30}\b(?:workshops?|brainstorm\w*|kickoffs?|offsites?|design sprints?|planning sessions?|critiques?|crits?)\b/ }],
  }],
  ['Negotiation', ['negotiated', 'negotiation', 'negotiations', 'negotiating', 'contract negotiation'], {
    rules: [{ when: /\bpushed back on\b[^;]{0,30}\b(?:discount|price|pricing|terms|ask)\b|\bcounter-?off\w*|\b(?:opened|landed|closed|settled)\s+at\s+\d+\s?%/ }],
  }],
  // "conflict resolution" alone usually means merging data (sync, CRDTs), so only interpersonal phrasings count.
  ['Conflict Resolution', ['resolved a conflict', 'resolved the conflict', 'mediated', 'mediation'], { mode: 'proper' }],
  ['Prioritization', ['prioritized', 'prioritised', 'prioritization', 'prioritisation', 'stack-ranked', 'MoSCoW'], { properAliases: ['RICE'] }],
  ['Decision Making', ['decision log', 'trade-off analysis', 'tradeoff analysis', 'made the call']],
  ['Knowledge Sharing', ['brown bag', 'lunch and learn', 'knowledge sharing', 'knowledge transfer', 'internal training', 'ran a training']],
  ['Customer Communication', ['client meeting', 'client meetings', 'customer meeting', 'customer-facing']],
])

/** Human languages: only work done in one counts ("translated into German"), never a mention ("German customers"). */
const LANGUAGE_NAMES = ['German', 'French', 'Spanish', 'Italian', 'Portuguese', 'Dutch', 'Japanese', 'Mandarin', 'Korean', 'Arabic', 'Russian', 'Polish', 'Swedish', 'Turkish', 'Hindi']

const HUMAN_LANGUAGES = group('soft_skill', LANGUAGE_NAMES.map((name): Row => [name, [], {
  mode: 'rule',
  rules: [{
    when: new RegExp(String.raw`\b(?:translat\w*|locali[sz]\w*|interpret\w*|fluent|native|spoke|speaking|presented|wrote|written|conducted|ran)\b[^;]{0,50}\b(?:into|in)\s+${name}\b|\b${name}\s+(?:locali[sz]ation|translations?|version|copy|subtitles)\b`),
    describesWriting: true,
  }],
}]))

export const PEOPLE_ENTRIES: readonly SkillEntry[] = [...SOFT_SKILLS, ...HUMAN_LANGUAGES]
