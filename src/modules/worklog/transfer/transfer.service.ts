// Bulk import and export of work logs. An import validates every row (schema, then the
// placement rules of placement.ts) before writing any; with errors it writes nothing and
// reports each bad row, unless the caller asked for `partial`, which imports the valid
// rows and still reports the others. Imported rows get source = 'import'.
import { Compile } from 'typebox/compile'
import type { Trx } from '../../../platform/db/database.ts'
import { AppError, ValidationError } from '../../../platform/errors.ts'
import { findUnstorable } from '../../../platform/input/policy.ts'
import type { Actor } from '../actor.ts'
import { parseCsv, toCsv } from './csv.ts'
import { hoursOf } from '../entries/effort.ts'
import { isoDay } from '../../../vocabulary/calendar-day.ts'
import { PLACEMENT_FIELDS } from '../../../vocabulary/worklog.ts'
import { insertWorklogs, worklogsInRange, type WorklogListRow } from '../entries/worklog.repository.ts'
import { WorklogReplaceBody, type WorklogOut } from '../entries/worklog.schemas.ts'
import { prepareWorklog, worklogView, type NewWorklog } from '../entries/worklog.service.ts'

export const MAX_IMPORT_ROWS = 1000
export const MAX_EXPORT_ROWS = 10000
const importRow = Compile(WorklogReplaceBody)

export interface RowError { row: number; line?: number; field: string; message: string }
/** A row to import; a CSV row knows its line, or why it could not be read at all. */
export interface SourceRow { readonly value: unknown; readonly line?: number; readonly malformed?: string }
export interface ImportOutcome { imported: number; ids: string[]; errors: RowError[] }

/** Columns our own CSV export adds that an import of it may carry and ignores. */
const EXPORT_ONLY = new Set(['id', 'hours', 'client', 'project', 'source', 'created_at'])

/** CSV text → row objects keyed by the header, with their lines; empty cells are left out. */
export function csvRows (text: string): SourceRow[] {
  const [header, ...records] = parseCsv(text)
  if (header === undefined) throw new ValidationError('The CSV is empty: the first line must name the columns (occurred_on, content, …).', 'body')
  if (header.malformed !== undefined) throw new ValidationError(`The CSV header (line ${header.line}) ${header.malformed}.`, 'body')
  const names = header.cells.map((name) => name.trim())
  return records.map((record) => {
    if (record.malformed !== undefined) return { value: undefined, line: record.line, malformed: record.malformed }
    const row: Record<string, unknown> = {}
    names.forEach((name, index) => {
      const cell = record.cells[index]?.trim() ?? ''
      if (cell === '' || EXPORT_ONLY.has(name)) return
      row[name] = csvValue(name, cell)
    })
    return { value: row, line: record.line }
  })
}

function csvValue (name: string, cell: string): unknown {
  switch (name) {
    case 'effort_minutes': return /^\d+$/.test(cell) ? Number(cell) : cell
    case 'is_billable': return /^(true|yes|1)$/i.test(cell) ? true : /^(false|no|0)$/i.test(cell) ? false : cell
    case 'tags': return cell.split(';').map((tag) => tag.trim()).filter((tag) => tag !== '')
    case 'metadata': try { return JSON.parse(cell) as unknown } catch { return cell }
    default: return cell
  }
}

export async function importWorklogs (trx: Trx, actor: Actor, rows: readonly SourceRow[], options: { partial: boolean }): Promise<ImportOutcome> {
  if (rows.length === 0) throw new ValidationError('There are no rows to import.', 'body')
  if (rows.length > MAX_IMPORT_ROWS) throw new ValidationError(`At most ${MAX_IMPORT_ROWS} rows per import; split the file.`, 'body')
  const errors: RowError[] = []
  const valid = []
  for (const [index, { value: row, line, malformed }] of rows.entries()) {
    const number = index + 1
    const at = line === undefined ? {} : { line }
    if (malformed !== undefined) {
      errors.push({ row: number, ...at, field: 'row', message: malformed })
      continue
    }
    // CSV cells never pass the HTTP layer's walk; JSON rows did, but one check covers both.
    const unstorable = findUnstorable(row)
    if (unstorable !== undefined) {
      errors.push({ row: number, ...at, field: unstorable.path.join('.') || 'row', message: unstorable.message })
      continue
    }
    if (!importRow.Check(row)) {
      // A union (e.g. integer or null) fails once per branch; one message per field is enough.
      const fields = new Set<string>()
      for (const issue of importRow.Errors(row)) {
        const field = issueField(issue)
        if (!fields.has(field)) errors.push({ row: number, ...at, field, message: issue.message })
        fields.add(field)
      }
      continue
    }
    try {
      valid.push(await prepareWorklog(trx, actor, { ...(row as NewWorklog), source: 'import' }))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      errors.push({ row: number, ...at, field: error.field ?? 'row', message: error.message })
    }
  }
  if (errors.length > 0 && !options.partial) {
    const rowsWithErrors = new Set(errors.map((error) => error.row)).size
    throw new ValidationError(
      `${rowsWithErrors} of ${rows.length} rows are invalid; nothing was imported. Fix them, or send ?partial=true to import the valid rows.`,
      `rows.${errors[0]!.row}.${errors[0]!.field}`,
      errors.map((error) => ({ field: `rows.${error.row}.${error.field}`, message: error.line === undefined ? error.message : `line ${error.line}: ${error.message}` }))
    )
  }
  const ids = await insertWorklogs(trx, valid)
  return { imported: ids.length, ids, errors }
}

function issueField (issue: { instancePath: string; params: object }): string {
  const params = issue.params as { requiredProperties?: string[]; additionalProperties?: string[] }
  const path = issue.instancePath.split('/').filter(Boolean)
  const extra = params.requiredProperties?.[0] ?? params.additionalProperties?.[0]
  if (extra !== undefined) path.push(extra)
  return path.length === 0 ? 'row' : path.join('.')
}

export type ExportFormat = 'csv' | 'json' | 'md'

export async function exportWorklogs (trx: Trx, actor: Actor, range: { from?: string; to?: string }, format: ExportFormat): Promise<{ body: string; contentType: string; filename: string }> {
  const rows = await worklogsInRange(trx, actor.tenantId, range, MAX_EXPORT_ROWS)
  const name = `worklogs-${range.from ?? 'start'}-to-${range.to ?? 'today'}`
  if (format === 'json') return { body: JSON.stringify(rows.map(worklogView)), contentType: 'application/json; charset=utf-8', filename: `${name}.json` }
  if (format === 'csv') return { body: exportCsv(rows), contentType: 'text/csv; charset=utf-8', filename: `${name}.csv` }
  return { body: exportMarkdown(rows.map(worklogView), range), contentType: 'text/markdown; charset=utf-8', filename: `${name}.md` }
}

const CSV_COLUMNS = [
  'id', 'occurred_on', 'title', 'content', 'outcome', 'impact', 'next_steps', 'work_type', 'status', 'effort_minutes', 'hours',
  'is_billable', 'tags', 'client', 'project', ...PLACEMENT_FIELDS,
  'source', 'source_ref',
] as const

function exportCsv (rows: readonly WorklogListRow[]): string {
  const line = (row: WorklogListRow): string[] => CSV_COLUMNS.map((column) => {
    switch (column) {
      case 'occurred_on': return isoDay(row.occurred_on)
      case 'hours': return String(hoursOf(row.effort_minutes) ?? '')
      case 'tags': return row.tags.join(';')
      case 'client': return row.client_name ?? ''
      case 'project': return row.project_name ?? ''
      default: return String(row[column] ?? '')
    }
  })
  return toCsv([[...CSV_COLUMNS], ...rows.map(line)])
}

function exportMarkdown (logs: readonly WorklogOut[], range: { from?: string; to?: string }): string {
  const out: string[] = [`# Work log ${range.from ?? 'start'} – ${range.to ?? 'today'}`, '']
  let day = ''
  for (const log of logs) {
    if (log.occurred_on !== day) {
      day = log.occurred_on
      out.push(`## ${day}`, '')
    }
    const where = [log.client?.name, log.project?.name].filter(Boolean).join(' / ')
    const heading = [log.title === '' ? log.work_type : log.title, where === '' ? null : `(${where})`, log.hours === null ? null : `— ${log.hours} h`].filter(Boolean).join(' ')
    out.push(`### ${heading}`, '', log.content, '')
    if (log.outcome !== '') out.push(`**Outcome:** ${log.outcome}`, '')
    if (log.impact !== '') out.push(`**Impact:** ${log.impact}`, '')
    if (log.next_steps !== '') out.push(`**Next steps:** ${log.next_steps}`, '')
    if (log.tags.length > 0) out.push(`Tags: ${log.tags.map((tag) => `\`${tag}\``).join(', ')}`, '')
  }
  if (logs.length === 0) out.push('_No work logged in this period._', '')
  return out.join('\n')
}
