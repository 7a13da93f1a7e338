/**
 * Writing, documentation, localisation and the tools of docs teams. Rules
 * here are about producing a piece of writing, so they still apply to
 * sentences that describe one ("blog post on how we cut latency").
 */
import { group } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

/** Technical subjects: writing about them is technical writing. */
const TECHNICAL_SUBJECT = String.raw`\b(?:latency|performance|apis?|databases?|architecture|engineering|infrastructure|migrations?|scal\w+|debugg\w*|incidents?|outages?|search|code|deploy\w*|testing|security|p\d\d|sdk|integration)\b`

const WRITING = group('practice', [
  ['Technical Writing', ['technical writing', 'technical documentation', 'design doc', 'design docs', 'wrote docs', 'knowledge base article', 'knowledge base articles', 'how-to guide', 'how-to guides', 'API docs', 'API reference', 'API documentation', 'developer docs', 'user guide', 'user manual', 'technical annex'], {
    properAliases: ['RFC'],
    rules: [
      // Reading a tutorial or the documentation is learning, not writing.
      { when: /\b(?:tutorials?|documentation)\b/, unless: /\b(?:read|reading|followed|following|watched|took|completed|went through|per|according to|checked|see)\s+(?:the\s+|a\s+|their\s+|an?\s+)?(?:[\w.-]+\s+){0,3}(?:tutorials?|documentation)\b/, describesWriting: true },
      { when: /\b(?:wrote|written|writing|drafted|rewrote|rewritten|authored|documented)\b[^;]{0,30}\b(?:guides?|docs|documentation|manuals?|annex|readme|reference|how-tos?|articles|faqs?|handbook)\b/, describesWriting: true },
      { when: new RegExp(String.raw`\b(?:blog post|article|write-?up|post|talk)\s+(?:on|about)\b[^;]{0,60}${TECHNICAL_SUBJECT}`), describesWriting: true },
      { when: /\b(?:style guides?|changelogs?|upgrade guides?|migration guides?|quick-?start(?: guide)?|code samples)\b/, within: /\b(?:docs?|documentation|sdk|api|cli|writ\w*|changelog|release)\b/, describesWriting: true },
      { when: /\b(?:restructur\w*|reorgani[sz]\w*|overhaul\w*|rewrote|edited|documented)\b[^;]{0,30}\b(?:docs|documentation|guides?|help cent(?:er|re)|reference|components|api|endpoints?)\b/, describesWriting: true },
    ],
  }],
  ['Content Writing', ['content writing', 'blog post', 'blog posts', 'blogging', 'long-form', 'guest post', 'case study', 'case studies', 'ghostwrote', 'ghostwriting', 'speechwriting'], {
    rules: [{ when: /\b(?:wrote|drafted|published|authored)\b[^;]{0,30}\b(?:posts?|articles?|op-eds?|essays?|blogs?|thought leadership|speech|speeches|(?:keynote|talk|video) scripts?)\b/, unless: /\b(?:help|knowledge base|kb|support)\s+articles?\b/, describesWriting: true }],
  }],
  ['Copywriting', ['copywriting', 'copy writing', 'ad copy', 'landing page copy', 'web copy', 'marketing copy', 'taglines', 'headline copy'], {
    rules: [
      { when: /\b(?:wrote|drafted|rewrote|writing)\b[^;]{0,30}\b(?:newsletters?|landing pages?|ads|email campaigns?|taglines?|headlines|copy|announcements?|product pages?|meta (?:titles|descriptions))\b/, describesWriting: true },
      // Putting out a newsletter or a launch email means writing its copy.
      { when: /\b(?:newsletter|announcement email|launch email|release email)\b/, unless: /\b(?:subscrib\w*|signed up|read)\b/, describesWriting: true },
    ],
  }],
  ['Grant Writing', ['grant writing', 'grant application', 'grant applications', 'grant proposal', 'grant proposals']],
  ['Editing', ['copyediting', 'copy editing', 'copy-edited', 'proofreading', 'proofread', 'line edits'], {
    mode: 'rule',
    rules: [{ when: /\bedit(?:ed|ing)\b[^;]{0,30}\b(?:drafts?|posts?|articles?|copy|chapters?|manuscripts?|newsletters?|docs|guides?|scripts?|episodes?)\b/, describesWriting: true }],
  }],
  ['Localization', ['localization', 'localisation', 'l10n', 'translation management', 'translation memory'], {
    rules: [{ when: /\btranslat\w*\b[^;]{0,40}\b(?:into|to)\s+(?:\w+\s+)?(?:german|french|spanish|italian|portuguese|dutch|japanese|chinese|mandarin|korean|arabic|russian|polish|swedish|turkish|hindi|other languages|\d+\s+languages|languages)\b/, describesWriting: true }],
  }],
  // Curating the wiki is knowledge management; linking to it is not.
  ['Knowledge Management', ['knowledge management', 'internal documentation'], {
    rules: [{ when: /\b(?:migrat\w*|reorgani[sz]\w*|restructur\w*|clean\w*|set up|moved|archiv\w*|curat\w*|overhaul\w*|audit\w*|consolidat\w*)\b[^;]{0,30}\b(?:wiki|knowledge base|intranet|handbook)\b/ }],
  }],
  ['Developer Onboarding', ['developer onboarding', 'onboarding docs'], {
    rules: [{ when: /\bonboarding\b[^;]{0,40}\b(?:engineers?|developers?|devs|new hires)\b|\b(?:new|junior)\s+(?:engineers?|developers?|hires)\b[^;]{0,40}\bonboard\w*/, describesWriting: true }],
  }],
  ['Video Tutorials', ['video tutorial', 'video tutorials', 'screencast', 'screencasts', 'video walkthrough', 'video walkthroughs', 'walkthrough videos', 'how-to videos'], {
    rules: [{ when: /\b(?:recorded|filmed|produced)\b[^;]{0,40}\b(?:videos?|walkthroughs?|screencasts?|tutorials?)\b/, describesWriting: true }],
  }],
])

const WRITING_TOOLS = group('tool', [
  ['Docusaurus', []],
  ['Jekyll', []],
  ['Hugo', [], { mode: 'proper' }],
  ['MkDocs', []],
  ['Sphinx', [], { mode: 'name' }],
  ['Read the Docs', ['ReadTheDocs']],
  ['GitBook', []],
  ['Mintlify', []],
  ['VitePress', []],
  ['Vale', [], { mode: 'name' }],
  ['Grammarly', []],
  ['DeepL', []],
  ['Snagit', []],
  ['Crowdin', [], { implies: ['Localization'] }],
  ['Lokalise', [], { implies: ['Localization'] }],
  ['Transifex', [], { implies: ['Localization'] }],
  ['Smartling', [], { implies: ['Localization'] }],
  ['Loom', [], { mode: 'name' }],
  ['Camtasia', []],
  ['Descript', [], { mode: 'name' }],
  ['ScreenFlow', []],
  ['OBS Studio', []],
  ['AsciiDoc', []],
  ['DITA', []],
  ['Substack', []],
  ['Ghost', [], { mode: 'context' }],
])

export const WRITING_ENTRIES: readonly SkillEntry[] = [...WRITING, ...WRITING_TOOLS]
