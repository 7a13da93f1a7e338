/**
 * Design and user research: the practices (named or inferred from the work)
 * and the tools designers and researchers list.
 */
import { group } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

const DESIGN_PRACTICES = group('practice', [
  ['UX Design', ['UX design', 'user experience design', 'wireframes', 'wireframe', 'wireframing', 'user flows', 'journey map', 'journey maps', 'journey mapping', 'customer journey', 'service blueprint'], { properAliases: ['UX'] }],
  ['UI Design', ['UI design', 'user interface design', 'interface design', 'visual design', 'product design', 'mockups', 'mock-ups', 'hi-fi', 'high-fidelity', 'screen designs'], {
    rules: [
      { when: /\bmood ?boards?\b|\bvisual directions?\b|\bstyle tiles?\b|\bredlines\b|\bdesign hand-?offs?\b|\b(?:page|screen|new|landing page|dashboard)\s+layouts?\b/ },
      { when: /\b(?:re)?design(?:ed|ing)\s+(?:the\s+|both\s+|two\s+|three\s+|a\s+|new\s+)*(?:\w+\s+)?(?:variants?|screens?|pages?|layouts?|ui|interfaces?|modals?|empty states?|onboarding flow|checkout flow)\b/ },
    ],
  }],
  ['Interaction Design', ['interaction design', 'IxD', 'micro-interactions', 'microinteractions', 'interaction patterns'], {
    rules: [{ when: /\b(?:gestures?|swipe[- ]to[- ]\w+|swip(?:e|ing)\s+(?:gestures?|actions?|interactions?)|drag[- ]and[- ]drop|hover states?|interaction model)\b/ }],
  }],
  ['Prototyping', ['prototype', 'prototypes', 'prototyped', 'prototyping', 'clickable prototype', 'rapid prototyping']],
  ['User Research', ['user research', 'UX research', 'design research', 'user interviews', 'customer interviews', 'research synthesis', 'personas', 'diary study', 'contextual inquiry', 'jobs to be done', 'JTBD'], {
    rules: [{
      when: /\b(?:interview(?:s|ed|ing)?|participants|think-aloud|card sort\w*|tree test\w*|synthesi[sz]ed|affinity map\w*)\b/,
      unless: /\b(?:candidates?|hiring|hires?|job|role|interview loop|interview panel|onsite)\b/,
      within: /\b(?:users?|customers?|participants|research|usability|design|ux|prototype|flow|nav\w*|ia)\b/,
    }],
  }],
  ['Usability Testing', ['usability test', 'usability tests', 'usability testing', 'usability interviews', 'usability studies', 'usability study', 'usability sessions', 'hallway test', 'hallway tests', 'hallway testing', 'hallway tested', 'user testing', 'moderated tests', 'unmoderated tests', 'moderated sessions', 'unmoderated sessions', 'moderated usability']],
  ['Card Sorting', ['card sort', 'card sorts', 'card sorting', 'tree test', 'tree testing']],
  // "IA" is also S3's Infrequent Access; it is information architecture next to navigation work.
  ['Information Architecture', ['information architecture', 'sitemap', 'site map', 'navigation structure'], {
    rules: [{ when: /\bIA\b/, within: /\b(?:navigation|nav|sitemap|menus?|card sort\w*|tree test\w*|labels|taxonomy|settings|information|findability|wayfinding)\b/ }],
  }],
  // Running a survey is survey design; reading answers from one ("cancellation surveys") is not.
  ['Survey Design', ['survey design'], {
    mode: 'rule',
    rules: [{ when: /\b(?:surveys?|questionnaires?)\b/, unless: /\b(?:from|in|of)\s+(?:the\s+)?(?:\w+\s+)?surveys?\b|\b(?:cancellation|exit|churn|post-purchase)\s+surveys?\b|\bsecurity questionnaires?\b/ }],
  }],
  ['Heuristic Evaluation', ['heuristic evaluation', 'heuristic review', 'UX audit', 'expert review']],
  ['Design Systems', ['design system', 'design systems', 'component library', 'design tokens', 'UI library']],
  ['Branding', ['branding', 'brand identity', 'rebrand', 'rebranding', 'logo design', 'new logo', 'logomark', 'wordmark', 'logo lockups', 'brand guide', 'brand guidelines', 'brand design', 'visual identity', 'brand book', 'brand voice', 'tone of voice']],
  ['Typography', ['typography', 'type scale', 'typeface', 'typefaces', 'font pairing', 'type ramp', 'type system']],
  ['Iconography', ['iconography', 'icon set', 'icon sets', 'icon design', 'icon family', 'icon library'], {
    rules: [{ when: /\b(?:drew|designed|redrew|drawn|illustrated|redesigned)\b[^;]{0,20}\bicons?\b/ }],
  }],
  ['Illustration', ['illustrations', 'illustration', 'spot illustrations']],
  ['Video Editing', ['video editing', 'color grading', 'colour grading'], {
    rules: [{ when: /\b(?:edited|cut|trimmed)\b[^;]{0,30}\b(?:videos?|footage|recordings?|episodes?|clips?)\b/ }],
  }],
  // Animation in code (CSS, a JS library) is front-end work; animation as a deliverable is motion design.
  ['Motion Design', ['motion design', 'motion spec', 'motion specs', 'motion graphics', 'micro-animations', 'easing curves'], {
    rules: [{ when: /\banimat(?:ion|ions|ed)\b/, unless: /\b(?:css|keyframes|javascript|js|react|framer motion|gsap|transitions?|requestanimationframe|jank|fps)\b/ }],
  }],
  ['UX Writing', ['UX writing', 'microcopy', 'content design', 'error messages copy', 'button labels'], {
    rules: [{ when: /\b(?:illustrations?|designs?|screens?|mocks?)\s*(?:\+|and|&)\s*copy\b|\bcopy\s+for\s+(?:the\s+)?(?:\d+\s+)?(?:empty states?|screens?|buttons?|errors?|error states?|onboarding|tooltips?|modals?|dialogs?|forms?)\b/ }],
  }],
])

const DESIGN_TOOLS = group('tool', [
  ['Figma', ['FigJam', 'Figma variables', 'Figma components']],
  ['Sketch', ['Sketch app'], { mode: 'proper' }],
  ['Adobe XD', []],
  ['Adobe Photoshop', ['Photoshop']],
  ['Adobe Lightroom', ['Lightroom']],
  ['Adobe Illustrator', [], { nameAliases: ['Illustrator'] }],
  ['Adobe InDesign', ['InDesign']],
  ['Adobe After Effects', ['After Effects']],
  ['Adobe Premiere Pro', ['Premiere Pro']],
  ['Adobe Creative Cloud', ['Creative Cloud', 'Adobe CC']],
  ['Canva', []],
  ['Procreate', []],
  ['Framer', [], { mode: 'name' }],
  ['ProtoPie', []],
  ['Principle', [], { mode: 'context' }],
  ['InVision', []],
  ['Zeplin', []],
  ['Miro', [], { mode: 'name' }],
  ['Mural', [], { mode: 'proper' }],
  ['Whimsical', [], { mode: 'proper' }],
  ['Balsamiq', []],
  ['Axure', ['Axure RP']],
  ['Lottie', ['LottieFiles'], { mode: 'name' }],
  ['Rive', [], { mode: 'name' }],
  ['Blender', [], { mode: 'proper' }],
  ['Cinema 4D', ['C4D']],
  ['Maze', [], { mode: 'proper' }],
  ['Dovetail', [], { mode: 'name' }],
  ['Optimal Workshop', ['OptimalSort', 'Treejack']],
  // "UserTesting" alone reads as user testing (Usability Testing); the product is named with its domain.
  ['UserTesting.com', []],
  ['Lookback', [], { mode: 'name' }],
  ['Hotjar', []],
  ['FullStory', []],
  ['UserZoom', []],
  ['Typeform', []],
  ['SurveyMonkey', []],
  ['Qualtrics', []],
  ['Google Forms', []],
  ['Zeroheight', [], { implies: ['Design Systems'] }],
])

export const DESIGN_ENTRIES: readonly SkillEntry[] = [...DESIGN_PRACTICES, ...DESIGN_TOOLS]
