// The input policy (src/platform/input/policy.ts) against every route family that stores
// what it is given: each hostile value must be a 400 problem naming the field, never a
// 500 from PostgreSQL and never a job that fails every retry.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { setup } from '../../modules/worklog/fixtures.ts'
import { MAX_JSON_DEPTH } from '../../../src/platform/input/policy.ts'

const NUL = 'a\u0000b'
const LONE_SURROGATE = 'a\udfffb'
const YEAR_ZERO = '0000-01-01'

function nested (depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true }
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

interface Case {
  name: string
  method: 'GET' | 'POST' | 'PATCH'
  url: string | ((ids: Ids) => string)
  /** An object is sent as JSON; a string is sent as is, as JSON text. */
  body?: unknown
  /** The field the 400 must name (a prefix for deep paths). */
  field: string
}
interface Ids { worklog: string }

const day = '2025-03-04'
const worklog = (extra: object) => ({ occurred_on: day, content: 'Fixed the build', ...extra })

const CASES: Case[] = [
  // Text PostgreSQL cannot store: NUL characters and lone surrogates, in any string.
  { name: 'NUL in a search', method: 'GET', url: '/api/worklogs/?search=a%00b', field: 'query.search' },
  { name: 'NUL in a level search', method: 'GET', url: '/api/clients/?search=a%00b', field: 'query.search' },
  { name: 'NUL in a report kind filter', method: 'GET', url: '/api/reports/?kind=a%00b', field: 'query.kind' },
  { name: 'NUL in a client name', method: 'POST', url: '/api/clients/', body: { name: NUL }, field: 'body.name' },
  { name: 'lone surrogate in a client name', method: 'POST', url: '/api/clients/', body: { name: LONE_SURROGATE }, field: 'body.name' },
  { name: 'NUL in work-log content', method: 'POST', url: '/api/worklogs/', body: worklog({ content: NUL }), field: 'body.content' },
  { name: 'lone surrogate in work-log content', method: 'POST', url: '/api/worklogs/', body: worklog({ content: LONE_SURROGATE }), field: 'body.content' },
  { name: 'NUL in a tag', method: 'POST', url: '/api/worklogs/', body: worklog({ tags: ['ok', NUL] }), field: 'body.tags.1' },
  { name: 'NUL in a metadata value', method: 'POST', url: '/api/worklogs/', body: worklog({ metadata: { k: NUL } }), field: 'body.metadata.k' },
  { name: 'NUL in a metadata key', method: 'POST', url: '/api/worklogs/', body: worklog({ metadata: { [NUL]: 1 } }), field: `body.metadata.${NUL}` },
  { name: 'lone surrogate in a metadata key', method: 'POST', url: '/api/worklogs/', body: worklog({ metadata: { [LONE_SURROGATE]: 1 } }), field: `body.metadata.${LONE_SURROGATE}` },
  { name: 'NUL in a preset name', method: 'POST', url: '/api/presets/', body: { name: NUL }, field: 'body.name' },
  { name: 'NUL in a link title', method: 'POST', url: (ids) => `/api/worklogs/${ids.worklog}/links/`, body: { url: 'https://example.test/', title: NUL }, field: 'body.title' },
  { name: 'NUL in a JSON import row', method: 'POST', url: '/api/worklogs/import/', body: { worklogs: [worklog({ content: NUL })] }, field: 'body.worklogs.0.content' },
  // Nesting deeper than the policy allows.
  // As text: JSON.stringify itself overflows the stack on this.
  { name: 'metadata nested 10,000 deep', method: 'POST', url: '/api/worklogs/', body: `{"occurred_on":"${day}","content":"x","metadata":${'{"a":'.repeat(9_999)}{}${'}'.repeat(9_999)}}`, field: 'body.metadata.a.a' },
  { name: 'metadata one level too deep', method: 'PATCH', url: (ids) => `/api/worklogs/${ids.worklog}/`, body: { metadata: nested(MAX_JSON_DEPTH) }, field: 'body.metadata.a' },
  // Dates outside 1900–2999 (year 0000 passes the standard `date` format).
  { name: 'year 0000 occurred_on', method: 'POST', url: '/api/worklogs/', body: worklog({ occurred_on: YEAR_ZERO }), field: 'body.occurred_on' },
  { name: 'year 0000 date_from', method: 'GET', url: `/api/worklogs/?date_from=${YEAR_ZERO}`, field: 'query.date_from' },
  { name: 'year 0000 export date_to', method: 'GET', url: `/api/worklogs/export/?date_to=${YEAR_ZERO}`, field: 'query.date_to' },
  { name: 'year 0000 sprint start', method: 'POST', url: '/api/sprints/', body: { name: 'S', project_id: randomUUID(), start_date: YEAR_ZERO }, field: 'body.start_date' },
  { name: 'year 0000 project end', method: 'POST', url: '/api/projects/', body: { name: 'P', client_id: randomUUID(), ended_on: YEAR_ZERO }, field: 'body.ended_on' },
  { name: 'year 3000 report period', method: 'POST', url: '/api/reports/generate/', body: { kind: 'weekly', period_end: '3000-01-01' }, field: 'body.period_end' },
  { name: 'year 0000 report period', method: 'POST', url: '/api/reports/generate/', body: { kind: 'weekly', period_start: YEAR_ZERO }, field: 'body.period_start' },
  { name: 'year 0000 in a JSON import row', method: 'POST', url: '/api/worklogs/import/', body: { worklogs: [worklog({ occurred_on: YEAR_ZERO })] }, field: 'rows.1.occurred_on' },
  // Paging numbers that overflow OFFSET.
  { name: 'page=Infinity', method: 'GET', url: '/api/worklogs/?page=Infinity', field: 'query.page' },
  { name: 'page=1e20 on a level list', method: 'GET', url: '/api/clients/?page=1e20', field: 'query.page' },
  { name: 'offset=1e20', method: 'GET', url: '/api/jobs/?offset=1e20', field: 'query.offset' },
  { name: 'page_size=Infinity on presets', method: 'GET', url: '/api/presets/?page_size=Infinity', field: 'query.page_size' },
  // URLs that are not http(s).
  { name: 'javascript: link', method: 'POST', url: (ids) => `/api/worklogs/${ids.worklog}/links/`, body: { url: 'javascript:alert(document.cookie)' }, field: 'body.url' },
  { name: 'data: link', method: 'POST', url: (ids) => `/api/worklogs/${ids.worklog}/links/`, body: { url: 'data:text/html,<script>alert(1)</script>' }, field: 'body.url' },
  { name: 'javascript: client website', method: 'POST', url: '/api/clients/', body: { name: 'Acme', website: 'javascript:alert(1)' }, field: 'body.website' },
  // A JSON body carries its own types: nothing is coerced.
  { name: '"60" as effort_minutes', method: 'POST', url: '/api/worklogs/', body: worklog({ effort_minutes: '60' }), field: 'body.effort_minutes' },
  { name: 'a bare string as tags', method: 'POST', url: '/api/worklogs/', body: worklog({ tags: 'solo' }), field: 'body.tags' },
  { name: '"true" as is_billable', method: 'POST', url: '/api/worklogs/', body: worklog({ is_billable: 'true' }), field: 'body.is_billable' },
]

t.test('hostile input is a 400 naming the field on every route family', async (t) => {
  const { call } = await setup(t)
  const created = await call('POST', '/api/worklogs/', worklog({}))
  t.equal(created.status, 201, created.text)
  const ids: Ids = { worklog: created.body.id }

  for (const c of CASES) {
    const url = typeof c.url === 'function' ? c.url(ids) : c.url
    const reply = await call(c.method, url, c.body, typeof c.body === 'string' ? { 'content-type': 'application/json' } : {})
    t.equal(reply.status, 400, `${c.name}: ${reply.text.slice(0, 300)}`)
    t.match(reply.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`)
    t.ok(typeof reply.body?.field === 'string' && reply.body.field.startsWith(c.field), `${c.name}: names ${c.field} (got ${reply.body?.field})`)
  }

  t.equal((await call('GET', '/api/jobs/?type=report.generate')).body.count, 0, 'no report job was enqueued')
  t.equal((await call('GET', '/api/worklogs/')).body.count, 1, 'no work log was written')
})

t.test('what the policy still lets through', async (t) => {
  const { call } = await setup(t)
  const ok = await call('POST', '/api/worklogs/', worklog({ occurred_on: '1900-01-01', content: 'Emoji 🎉 and ünïcödé', tags: ['a'], metadata: nested(MAX_JSON_DEPTH - 1), effort_minutes: 60 }))
  t.equal(ok.status, 201, ok.text)
  t.equal((await call('POST', `/api/worklogs/${ok.body.id}/links/`, { url: 'HTTPS://example.test/a?b=c' })).status, 201, 'https in any case')
  t.equal((await call('GET', '/api/worklogs/?page=2&page_size=1&date_to=2999-12-31')).status, 200, 'query strings are still coerced')
  t.equal((await call('GET', '/api/worklogs/?tag=a')).body.count, 1)
  t.equal((await call('POST', '/api/worklogs/', worklog({ occurred_on: '2999-12-31' }))).status, 201)
  t.equal((await call('POST', '/api/worklogs/', worklog({ occurred_on: '2025-02-29' }))).status, 400, 'not a calendar day')
})

t.test('the job registry holds payloads to the same policy before enqueueing', async (t) => {
  const { services } = await setup(t)
  const reportJob = services.jobs.registry.require('report.generate')
  const fieldOf = (payload: object): unknown => {
    try {
      reportJob.validatePayload(payload)
      return undefined
    } catch (error) {
      return (error as { field?: string }).field
    }
  }
  t.equal(fieldOf({ kind: 'weekly', period_start: YEAR_ZERO }), 'payload.period_start')
  t.equal(fieldOf({ kind: 'weekly', period_start: NUL }), 'payload.period_start')
  t.equal(fieldOf({ kind: 'weekly', period_start: '2025-01-01' }), undefined)
})
