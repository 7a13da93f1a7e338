// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF.
export function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') { field += '"'; i++ } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"' && field === '') quoted = true
    else if (char === ',') { row.push(field); field = '' } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++
      row.push(field); field = ''
      rows.push(row); row = []
    } else field += char
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row) }
  return rows.filter((cells) => cells.some((cell) => cell !== ''))
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
