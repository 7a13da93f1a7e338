// CSV in and out. Reading uses csv-parse, strictly: a quote left open or a row with more
// or fewer cells than the header is a reported mistake with its line, never a cell that
// silently swallows the rest of the file or cells silently dropped.
import { parse, type CsvError } from 'csv-parse/sync'

/** One line's worth of CSV: its cells, or why it could not be read. `line` is where it starts (1-based). */
export type CsvRecord =
  | { readonly line: number; readonly cells: string[]; readonly malformed?: undefined }
  | { readonly line: number; readonly malformed: string }

/**
 * Every record of `text` in order, the header first. Blank lines and rows of empty cells
 * are skipped. Line breaks are read as LF whatever the file uses, so the line numbers
 * match what an editor shows.
 */
export function parseCsv (text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let columns: number | undefined
  let lastLine = 0
  parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (cells: string[], context) => {
      // context.lines is where the record ends; a quoted cell may span several lines.
      const line = context.lines - cells.reduce((breaks, cell) => breaks + (cell.match(/\n/g)?.length ?? 0), 0)
      columns ??= cells.length
      lastLine = context.lines
      if (cells.some((cell) => cell !== '')) records.push({ line, cells })
      return null
    },
    on_skip: (error: CsvError | undefined) => {
      if (error === undefined) return
      const at = typeof error.lines === 'number' ? error.lines : lastLine + 1
      // An unclosed quote is only noticed at the end of the file; the row began after the last good one.
      records.push({ line: error.code === 'CSV_QUOTE_NOT_CLOSED' ? lastLine + 1 : at, malformed: malformedMessage(error, columns) })
      lastLine = at
    },
  })
  return records
}

function malformedMessage (error: CsvError, columns: number | undefined): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const cells = Array.isArray(error.record) ? error.record.length : undefined
      return `has ${cells ?? 'a different number of'} cells where the header names ${columns} columns`
    }
    case 'CSV_QUOTE_NOT_CLOSED': return 'opens a quoted cell that is never closed, so it would run to the end of the file'
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE': return 'has a quote inside an unquoted cell or after a closing quote; quote the whole cell and double the quotes inside it ("")'
    default: return error.message.replace(/ (on|at) line \d+$/, '')
  }
}

/**
 * A CSV cell. Cells starting with = + - @ (or a tab/CR) are prefixed with ' so a
 * spreadsheet opening the export shows the text instead of running it as a formula.
 */
export function csvCell (value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function toCsv (rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
