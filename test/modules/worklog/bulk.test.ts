import t from 'tap'
import { hierarchy, setup } from './fixtures.ts'

t.test('presets, per-entry links/bullets/skill signals, import and export', async (t) => {
  const { call } = await setup(t)
  const ids = await hierarchy(call)
  const other = await hierarchy(call, 'Globex')

  t.test('presets: CRUD, rules, and logging work from one', async (t) => {
    const created = await call('POST', '/api/presets/', { name: 'Standup', project_id: ids.project, default_work_type: 'planning', default_tags: ['standup'], intake_prompt: 'What did you finish yesterday?' })
    t.equal(created.status, 201, created.text)
    t.equal(created.body.client_id, ids.client, 'the project fills the client')
    t.equal((await call('POST', '/api/presets/', { name: 'Standup' })).body.field, 'name')
    t.equal((await call('POST', '/api/presets/', { name: 'Standup' })).status, 409)
    const mismatch = await call('POST', '/api/presets/', { name: 'Mixed', project_id: ids.project, client_id: other.client })
    t.equal(mismatch.status, 400)
    t.equal(mismatch.body.field, 'client_id')
    const logged = await call('POST', `/api/presets/${created.body.id}/worklogs/`, { occurred_on: '2025-04-01', content: 'Finished the webhook' })
    t.equal(logged.status, 201, logged.text)
    t.equal(logged.body.intake_prompt, 'What did you finish yesterday?')
    t.equal(logged.body.worklog.project_id, ids.project)
    t.equal(logged.body.worklog.work_type, 'planning')
    t.same(logged.body.worklog.tags, ['standup'])
    const overridden = await call('POST', `/api/presets/${created.body.id}/worklogs/`, { occurred_on: '2025-04-01', content: 'x', task_id: other.task, tags: ['own'] })
    t.equal(overridden.body.worklog.project_id, other.project, 'the entry\'s own placement wins')
    t.same(overridden.body.worklog.tags, ['own'])
    const put = await call('PUT', `/api/presets/${created.body.id}/`, { name: 'Standup' })
    t.equal(put.body.project_id, null, 'PUT resets')
    t.equal(put.body.intake_prompt, '')
    t.equal((await call('PATCH', `/api/presets/${created.body.id}/`, { intake_prompt: 'Blockers?' })).body.name, 'Standup')
    t.match(await call('GET', `/api/presets/${created.body.id}/`), { status: 200, body: { id: created.body.id, name: 'Standup', intake_prompt: 'Blockers?', project_id: null, default_work_type: 'delivery' } }, 'as the PUT reset it, then the PATCH changed it')
    t.equal((await call('GET', '/api/presets/')).body.count, 1)
    t.equal((await call('DELETE', `/api/presets/${created.body.id}/`)).status, 204)
  })

  t.test('links, bullets and skill signals of a work log', async (t) => {
    const log = (await call('POST', '/api/worklogs/', { occurred_on: '2025-04-02', content: 'Shipped search' })).body
    const link = await call('POST', `/api/worklogs/${log.id}/links/`, { system: 'jira', key: 'SHOP-12', url: 'https://jira.example/browse/SHOP-12' })
    t.equal(link.status, 201, link.text)
    t.equal((await call('POST', `/api/worklogs/${log.id}/links/`, { url: 'not a url' })).body.field, 'body.url')
    const bullet = await call('POST', `/api/worklogs/${log.id}/bullets/`, { text: 'Shipped ranked search to 10k users', is_selected: true })
    t.equal(bullet.body.kind, 'resume')
    t.equal((await call('POST', `/api/worklogs/${log.id}/bullets/`, { text: 'x', kind: 'tweet' })).body.field, 'body.kind')
    const signal = await call('POST', `/api/worklogs/${log.id}/skill-signals/`, { name: 'PostgreSQL', kind: 'database', confidence: 0.9 })
    t.equal(signal.body.status, 'suggested')
    t.match(signal.body, { basis: 'stated', evidence_spans: [] }, 'a signal added by hand is stated, with no located words')
    const claimed = await call('POST', `/api/worklogs/${log.id}/skill-signals/`, { name: 'Go', basis: 'named', evidence_spans: [{ text: 'Go', start: 0, end: 2 }] })
    t.equal(claimed.status, 400, 'how a signal was found is the analysis\'s to say, not a request\'s')
    t.equal((await call('POST', `/api/worklogs/${log.id}/skill-signals/`, { name: 'Go', confidence: 1.5 })).body.field, 'body.confidence')
    const patched = await call('PATCH', `/api/worklogs/${log.id}/skill-signals/${signal.body.id}/`, { status: 'accepted' })
    t.equal(patched.body.status, 'accepted')
    t.equal(patched.body.confidence, 0.9, 'PATCH keeps the rest')
    const put = await call('PUT', `/api/worklogs/${log.id}/skill-signals/${signal.body.id}/`, { name: 'PostgreSQL' })
    t.equal(put.body.status, 'suggested', 'PUT resets to defaults')
    t.equal(put.body.confidence, 1)
    t.equal((await call('GET', `/api/worklogs/${log.id}/bullets/`)).body.length, 1)
    t.match(await call('GET', `/api/worklogs/${log.id}/skill-signals/${signal.body.id}/`), { status: 200, body: { name: 'PostgreSQL', status: 'suggested', confidence: 1 } })
    t.equal((await call('DELETE', `/api/worklogs/${log.id}/skill-signals/${signal.body.id}/`)).status, 204)
    t.equal((await call('GET', `/api/worklogs/${log.id}/skill-signals/${signal.body.id}/`)).status, 404, 'a deleted signal is gone')

    t.match(await call('GET', `/api/worklogs/${log.id}/links/${link.body.id}/`), { status: 200, body: { system: 'jira', key: 'SHOP-12', url: 'https://jira.example/browse/SHOP-12' } })
    t.match(await call('PATCH', `/api/worklogs/${log.id}/links/${link.body.id}/`, { title: 'Search ticket' }), { status: 200, body: { key: 'SHOP-12', title: 'Search ticket' } })
    t.match(await call('PUT', `/api/worklogs/${log.id}/links/${link.body.id}/`, { url: 'https://github.example/shop/pull/7' }), { status: 200, body: { system: '', key: '', title: '', url: 'https://github.example/shop/pull/7' } })

    t.match(await call('PATCH', `/api/worklogs/${log.id}/bullets/${bullet.body.id}/`, { order: 3 }), { status: 200, body: { text: 'Shipped ranked search to 10k users', is_selected: true, order: 3 } })
    t.match(await call('PUT', `/api/worklogs/${log.id}/bullets/${bullet.body.id}/`, { text: 'Shipped search' }), { status: 200, body: { text: 'Shipped search', is_selected: false, order: 0, kind: 'resume' } })
    t.equal((await call('DELETE', `/api/worklogs/${log.id}/bullets/${bullet.body.id}/`)).status, 204)
    t.same((await call('GET', `/api/worklogs/${log.id}/bullets/`)).body, [], 'the deleted bullet is gone')
    const kept = await call('POST', `/api/worklogs/${log.id}/bullets/`, { text: 'Kept until its work log goes' })
    t.equal((await call('GET', `/api/worklogs/${ids.client}/links/`)).status, 404, 'an unknown work log is a 404')
    t.equal((await call('DELETE', `/api/worklogs/${log.id}/links/${link.body.id}/`)).status, 204)
    t.equal((await call('DELETE', `/api/worklogs/${log.id}/`)).status, 204)
    t.equal((await call('GET', `/api/worklogs/${log.id}/bullets/${kept.body.id}/`)).status, 404, 'artifacts go with their work log')
  })

  t.test('CSV import with a bad row imports nothing, reporting the row; partial=true imports the rest', async (t) => {
    const csv = [
      'occurred_on,title,content,tags,effort_minutes,task_id',
      `2025-05-01,Webhook,"Retries, idempotency and ""exactly once""",stripe;go,90,${ids.task}`,
      '2025-05-02,Bad day,,,,',
      `not-a-date,Worse,Something,,abc,${ids.task}`,
      '2025-05-03,Multi-line,"line one\nline two",,15,',
    ].join('\r\n')
    const before = (await call('GET', '/api/worklogs/?page_size=1')).body.count
    const refused = await call('POST', '/api/worklogs/import/', csv, { 'content-type': 'text/csv' })
    t.equal(refused.status, 400, refused.text)
    const fields = refused.body.errors.map((e: { field: string }) => e.field)
    t.ok(fields.includes('rows.2.content'), 'row 2 misses content')
    t.ok(fields.includes('rows.3.occurred_on'), 'row 3 has a bad date')
    t.ok(fields.includes('rows.3.effort_minutes'), 'row 3 has bad minutes')
    t.equal((await call('GET', '/api/worklogs/?page_size=1')).body.count, before, 'nothing imported')

    const partial = await call('POST', '/api/worklogs/import/?partial=true', csv, { 'content-type': 'text/csv' })
    t.equal(partial.status, 201, partial.text)
    t.equal(partial.body.imported, 2)
    t.same([...new Set(partial.body.errors.map((e: { row: number }) => e.row))], [2, 3])
    const imported = await call('GET', `/api/worklogs/${partial.body.ids[0]}/`)
    t.equal(imported.body.source, 'import')
    t.equal(imported.body.content, 'Retries, idempotency and "exactly once"')
    t.same(imported.body.tags, ['stripe', 'go'])
    t.equal(imported.body.client_id, ids.client, 'imports backfill too')
    t.equal((await call('GET', `/api/worklogs/${partial.body.ids[1]}/`)).body.content, 'line one\nline two')

    const foreign = await call('POST', '/api/worklogs/import/', { worklogs: [{ occurred_on: '2025-05-04', content: 'x', project_id: '00000000-0000-4000-8000-000000000000' }] })
    t.equal(foreign.status, 400)
    t.equal(foreign.body.errors[0].field, 'rows.1.project_id', 'an unknown reference is reported on its row')
    const json = await call('POST', '/api/worklogs/import/', { worklogs: [{ occurred_on: '2025-05-04', content: 'From JSON', source: 'api' }] })
    t.equal(json.status, 400, 'source is not settable in an import')
    t.equal(json.body.errors[0].field, 'rows.1.source')
  })

  t.test('export a date range as CSV, JSON and Markdown', async (t) => {
    const range = 'date_from=2025-05-01&date_to=2025-05-31'
    const json = await call('GET', `/api/worklogs/export/?format=json&${range}`)
    t.equal(json.status, 200)
    t.same(json.body.map((l: { occurred_on: string }) => l.occurred_on), ['2025-05-01', '2025-05-03'])
    const csv = await call('GET', `/api/worklogs/export/?format=csv&${range}`)
    t.match(String(csv.headers['content-type']), /text\/csv/)
    t.match(String(csv.headers['content-disposition']), /attachment; filename="worklogs-2025-05-01-to-2025-05-31.csv"/)
    t.match(csv.text, /"Retries, idempotency and ""exactly once"""/)
    t.match(csv.text, /stripe;go/)
    t.equal(csv.text.trim().split('\r\n').length, 1 + 2, 'header + 2 records (CRLF ends records; the LF inside a quoted cell stays in it)')
    const md = await call('GET', `/api/worklogs/export/?format=md&${range}`)
    t.match(md.text, /^# Work log 2025-05-01 – 2025-05-31/)
    t.match(md.text, /## 2025-05-01\n\n### Webhook \(Acme \/ Acme web\) — 1.5 h/)
    const reimport = await call('POST', '/api/worklogs/import/', csv.text, { 'content-type': 'text/csv' })
    t.equal(reimport.status, 201, `an export imports again: ${reimport.text}`)
    t.equal((await call('GET', '/api/worklogs/export/?date_from=2025-05-02&date_to=2025-05-01')).body.field, 'query.date_to')
  })

  t.test('malformed CSV is refused line by line, never half-read', async (t) => {
    const before = (await call('GET', '/api/worklogs/?page_size=1')).body.count
    const csv = [
      'occurred_on,title,content', // line 1
      '2025-06-01,Good,Fine row', // 2
      '2025-06-02,Extra,Too many,cells', // 3
      '2025-06-03,Multi,"spans', // 4
      'two lines"', // 5
      '2025-06-04,Short', // 6
      '2025-06-05,Nul,has a \u0000 inside', // 7
      '2025-06-06,Open,"never closed', // 8
      '2025-06-07,Swallowed,would vanish into the open quote', // 9
    ].join('\n')
    const refused = await call('POST', '/api/worklogs/import/', csv, { 'content-type': 'text/csv' })
    t.equal(refused.status, 400, refused.text)
    const errors = refused.body.errors as Array<{ field: string; message: string }>
    t.match(errors.find((e) => e.field === 'rows.2.row')?.message, /^line 3: has 4 cells where the header names 3 columns/)
    t.match(errors.find((e) => e.field === 'rows.4.row')?.message, /^line 6: has 2 cells/)
    t.match(errors.find((e) => e.field === 'rows.5.content')?.message, /^line 7: must not contain NUL/)
    t.match(errors.find((e) => e.field === 'rows.6.row')?.message, /^line 8: opens a quoted cell that is never closed/)
    t.equal(errors.length, 4, 'the good rows, the multi-line one included, are not reported')
    t.equal((await call('GET', '/api/worklogs/?page_size=1')).body.count, before, 'nothing imported')

    const partial = await call('POST', '/api/worklogs/import/?partial=true', csv, { 'content-type': 'text/csv' })
    t.equal(partial.status, 201, partial.text)
    t.equal(partial.body.imported, 2)
    t.same(partial.body.errors.map((e: { row: number; line: number }) => [e.row, e.line]), [[2, 3], [4, 6], [5, 7], [6, 8]])
    t.equal((await call('GET', `/api/worklogs/${partial.body.ids[1]}/`)).body.content, 'spans\ntwo lines')

    const badHeader = await call('POST', '/api/worklogs/import/', 'occurred_on,"content\n2025-06-01,x', { 'content-type': 'text/csv' })
    t.equal(badHeader.status, 400)
    t.equal(badHeader.body.field, 'body')
  })
})
