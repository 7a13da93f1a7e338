// Secrets that travel in a URL, kept out of the logs. A share link's token is the only
// credential for the document behind it, and every request line logs its URL; anything
// in a query string whose name says it is a credential is blanked the same way, in case
// a client puts one there.

const REDACTED = '[redacted]'

// Path segments that are credentials, by the prefix before them. Matched loosely (any
// case, repeated slashes), so a mistyped URL carrying a real token is blanked too.
const SECRET_SEGMENTS = [/^(\/+api\/+share\/+)[^/?#]+/i]

const SECRET_QUERY_NAME = /token|passkey|password|secret|signature|api[-_]?key|session|auth/i

function decodedName (part: string): string {
  const name = part.split('=', 1)[0] ?? ''
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

export function redactUrl (url: string): string {
  const queryAt = url.indexOf('?')
  let path = queryAt === -1 ? url : url.slice(0, queryAt)
  for (const pattern of SECRET_SEGMENTS) path = path.replace(pattern, `$1${REDACTED}`)
  if (queryAt === -1) return path
  const query = url.slice(queryAt + 1).split('&')
    .map((part) => SECRET_QUERY_NAME.test(decodedName(part)) ? `${part.split('=', 1)[0] ?? ''}=${REDACTED}` : part)
    .join('&')
  return `${path}?${query}`
}
