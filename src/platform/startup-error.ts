// Why the process could not start, said in one line that names the cause and the fix.
// The CLI prints these as they are; anything else is reduced to one line by
// describeFailure (its stack only with DEBUG=true).

/** A startup problem whose message already says what is wrong and what to set or do. */
export class StartupError extends Error {
  constructor (message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'StartupError'
  }
}

interface SystemError extends Error { code?: string; syscall?: string; path?: string; port?: number; address?: string }

/** One line for an error the CLI did not expect: its message and its cause's, or a hint for a system error. */
export function describeFailure (error: unknown): string {
  if (error instanceof StartupError) return oneLine(error.message)
  if (!(error instanceof Error)) return oneLine(String(error))
  const { code, path, syscall } = error as SystemError
  if ((code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && path !== undefined) {
    return oneLine(`Permission denied on ${path} (${syscall ?? code}). Give this user access to it; if it is in DATA_DIR, you may instead set DATA_DIR to a folder this user owns.`)
  }
  const cause = error.cause instanceof Error ? error.cause.message : undefined
  return oneLine(cause === undefined || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`)
}

/** The HTTP server could not listen: say which port or address, and what to set. */
export function listenFailure (error: unknown, host: string, port: number): unknown {
  const code = (error as SystemError).code
  if (code === 'EADDRINUSE') {
    return new StartupError(`HTTP port ${port} on ${host} is already in use by another program. Stop that program or set PORT to a free port.`, { cause: error })
  }
  if (code === 'EACCES') {
    return new StartupError(`Not allowed to listen on HTTP port ${port} (ports below 1024 need root). Set PORT to 1024 or above.`, { cause: error })
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new StartupError(`HOST ${host} is not an address of this machine. Set HOST to 127.0.0.1, 0.0.0.0 or one of this machine's addresses.`, { cause: error })
  }
  return error
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
