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
  ['Technical Writing', ['technical writing', 'documentation', 'technical documentation', 'design doc', 'design docs', 'wrote docs', 'knowledge base article', 'knowledge base articles', 'how-to guide', 'how-to guides', 'tutorial', 'tutorials', 'API docs', 'API reference', 'API documentation', 'developer docs', 'user guide', 'user manual', 'technical annex'], {
    properAliases: ['RFC'],
    rules: [
      { when: /\b(?:wrote|written|writing|drafted|rewrote|rewritten|authored|documented)\b[^.;]{0,30}\b(?:guides?|docs|documentation|manuals?|annex|readme|reference|how-tos?|articles|faqs?|handbook)\b/, describesWriting: true },
      { when: new RegExp(String.raw`\b(?:blog post|article|write-?up|post|talk)\s+(?:on|about)\b[^.;]{0,60}${TECHNICAL_SUBJECT}`), describesWriting: true },
    ],
  }],
  ['Content Writing', ['content writing', 'blog post', 'blog posts', 'blogging', 'long-form', 'guest post', 'case study', 'case studies']],
  ['Copywriting', ['copywriting', 'copy writing', 'ad copy', 'landing page copy', 'web copy', 'marketing copy', 'taglines', 'headline copy'], {
    rules: [{ when: /\b(?:wrote|drafted|rewrote|writing)\b[^.;]{0,30}\b(?:newsletters?|landing pages?|ads|email campaigns?|taglines?|headlines|copy|announcements?|product pages?)\b/, describesWriting: true }],
  }],
  ['Grant Writing', ['grant writing', 'grant application', 'grant applications', 'grant proposal', 'grant proposals']],
  ['Editing', ['copyediting', 'copy editing', 'copy-edited', 'proofreading', 'proofread', 'line edits'], {
    mode: 'rule',
    rules: [{ when: /\bedit(?:ed|ing)\b[^.;]{0,30}\b(?:drafts?|posts?|articles?|copy|chapters?|manuscripts?|newsletters?|docs|guides?|scripts?|episodes?)\b/, describesWriting: true }],
  }],
  ['Localization', ['localization', 'localisation', 'l10n', 'translation management', 'translation memory'], {
    rules: [{ when: /\btranslat\w*\b[^.;]{0,40}\b(?:into|to)\s+(?:\w+\s+)?(?:german|french|spanish|italian|portuguese|dutch|japanese|chinese|mandarin|korean|arabic|russian|polish|swedish|turkish|hindi|other languages|\d+\s+languages|languages)\b/, describesWriting: true }],
  }],
  ['Knowledge Management', ['knowledge management', 'wiki', 'internal wiki', 'internal documentation', 'knowledge base']],
  ['Developer Onboarding', ['developer onboarding', 'onboarding docs'], {
    rules: [{ when: /\bonboarding\b[^.;]{0,40}\b(?:engineers?|developers?|devs|new hires)\b|\b(?:new|junior)\s+(?:engineers?|developers?|hires)\b[^.;]{0,40}\bonboard\w*/, describesWriting: true }],
  }],
  ['Video Tutorials', ['video tutorial', 'video tutorials', 'screencast', 'screencasts', 'video walkthrough', 'video walkthroughs', 'walkthrough videos', 'how-to videos'], {
    rules: [{ when: /\b(?:recorded|filmed|produced)\b[^.;]{0,40}\b(?:videos?|walkthroughs?|screencasts?|tutorials?)\b/, describesWriting: true }],
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
  ['Vale', [], { mode: 'context' }],
  ['Grammarly', []],
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
