// The documentation stays true to the code in the two ways a machine can check: the
// settings table of docs/configuration.md is SETTINGS (src/config.ts) row for row, and
// every relative link in README.md and docs/*.md leads to a file that exists and, with
// a #anchor, to a heading in it. No database: these are file reads.
import t from 'tap'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { SETTINGS } from '../src/config.ts'
import { CONFIGURATION_PAGE, TABLE_END, TABLE_START, settingsRows, settingsTable } from '../scripts/settings-table.ts'

const ROOT = resolve(import.meta.dirname, '..')

/** The rows of the generated settings table on a page, keyed by variable name. */
function documentedSettings (page: string): Map<string, string> {
  const start = page.indexOf(TABLE_START)
  const end = page.indexOf(TABLE_END)
  if (start === -1 || end < start) throw new Error('docs/configuration.md has no settings table markers')
  const rows = new Map<string, string>()
  for (const line of page.slice(start + TABLE_START.length, end).split('\n')) {
    const name = /^\| `([A-Z0-9_]+)` \|/.exec(line)?.[1]
    if (name !== undefined) rows.set(name, line)
  }
  return rows
}

/** What is wrong with a page's settings table, one sentence a problem. */
function settingsTableProblems (page: string): string[] {
  const documented = documentedSettings(page)
  const problems: string[] = []
  for (const [name, row] of settingsRows()) {
    const shown = documented.get(name)
    if (shown === undefined) problems.push(`${name} has no row`)
    else if (shown !== row) problems.push(`${name}'s row differs from SETTINGS:\n  page:     ${shown}\n  SETTINGS: ${row}`)
  }
  for (const name of documented.keys()) {
    if (!(name in SETTINGS)) problems.push(`${name} is documented but not in SETTINGS`)
  }
  return problems
}

/** Lines outside fenced code blocks, with inline code blanked (neither holds links or headings). */
function proseLines (markdown: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker !== undefined) {
      if (fence === undefined) fence = marker[0]
      else if (marker[0] === fence) fence = undefined
      lines.push('')
      continue
    }
    lines.push(fence === undefined ? line.replace(/`+[^`]*`+/g, '') : '')
  }
  return lines
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker !== undefined) {
      if (fence === undefined) fence = marker[0]
      else if (marker[0] === fence) fence = undefined
      continue
    }
    if (fence !== undefined) continue
    const text = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (text === undefined) continue
    const base = text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

interface Link { line: number; target: string }

export function relativeLinks (markdown: string): Link[] {
  const links: Link[] = []
  proseLines(markdown).forEach((text, index) => {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] ?? ''
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line: index + 1, target })
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+".*")?\s*$/.exec(text)?.[1]
    if (definition !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(definition)) links.push({ line: index + 1, target: definition })
  })
  return links
}

/** Broken links of one Markdown file, as "file:line: target (why)". */
function brokenLinks (file: string): string[] {
  const markdown = readFileSync(file, 'utf8')
  const broken: string[] = []
  for (const { line, target } of relativeLinks(markdown)) {
    const [pathPart = '', anchor] = target.split('#', 2)
    const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart))
    const where = `${relative(ROOT, file)}:${line}: ${target}`
    if (!existsSync(path)) {
      broken.push(`${where} (no such file)`)
      continue
    }
    if (anchor === undefined || anchor === '') continue
    if (statSync(path).isDirectory() || !path.endsWith('.md')) {
      broken.push(`${where} (an anchor into something that is not a Markdown page)`)
      continue
    }
    if (!headingAnchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${where} (no heading with that anchor)`)
  }
  return broken
}

function documentationFiles (): string[] {
  const docs = join(ROOT, 'docs')
  return [join(ROOT, 'README.md'), ...readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => join(docs, name))]
}

t.test('docs/configuration.md has one row per SETTINGS entry, as npm run docs:settings renders it', async (t) => {
  const page = readFileSync(CONFIGURATION_PAGE, 'utf8')
  t.same(settingsTableProblems(page), [], 'run `npm run -s docs:settings -- --write` after changing SETTINGS')
  t.equal(documentedSettings(page).size, Object.keys(SETTINGS).length)
})

t.test('the settings check notices a missing row, a stale default and a removed variable', async (t) => {
  const page = `# Configuration\n\n${TABLE_START}\n${settingsTable()}\n${TABLE_END}\n`
  t.same(settingsTableProblems(page), [], 'a fresh rendering passes')
  const withoutPort = page.split('\n').filter((line) => !line.startsWith('| `PORT` |')).join('\n')
  t.same(settingsTableProblems(withoutPort), ['PORT has no row'])
  const staleDefault = page.replace('| `PORT` | `8000` |', '| `PORT` | `8080` |')
  t.match(settingsTableProblems(staleDefault), [/^PORT's row differs from SETTINGS/])
  t.equal(settingsTableProblems(staleDefault).length, 1)
  const removed = page.replace(TABLE_END, `| \`GONE_SETTING\` | — | Removed long ago. |\n${TABLE_END}`)
  t.same(settingsTableProblems(removed), ['GONE_SETTING is documented but not in SETTINGS'])
})

t.test('every relative link in README.md and docs/*.md leads somewhere', async (t) => {
  const files = documentationFiles()
  t.ok(files.length > 5, 'README.md and the docs pages are read')
  const linkCount = files.reduce((n, file) => n + relativeLinks(readFileSync(file, 'utf8')).length, 0)
  t.ok(linkCount > 20, `the pages hold relative links (${linkCount})`)
  t.same(files.flatMap(brokenLinks), [])
})

t.test('the link check finds links, skips code, and computes GitHub anchors', async (t) => {
  const page = [
    '# For scripts (token endpoint + service token)',
    '## Client addresses behind a proxy (TRUST_PROXY)',
    '## Notes', '## Notes',
    'See [jobs](docs/jobs.md#retries-and-backoff), [x][ref] and `[not](a-link.md)`.',
    '```sh', '# not a heading', 'echo [no](link.md)', '```',
    '[ref]: ./missing.md',
    'An [outside](https://example.com) link.',
  ].join('\n')
  t.same([...headingAnchors(page)], [
    'for-scripts-token-endpoint--service-token',
    'client-addresses-behind-a-proxy-trust_proxy',
    'notes', 'notes-1',
  ])
  t.same(relativeLinks(page), [
    { line: 5, target: 'docs/jobs.md#retries-and-backoff' },
    { line: 10, target: './missing.md' },
  ])
})
