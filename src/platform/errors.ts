// Errors the service raises on purpose. Each carries an HTTP status and a stable,
// machine-readable code; the HTTP layer turns them into problem+json (RFC 9457).
// Anything else reaching the error handler is a bug and is reported as a bare 500.

export interface ProblemDetails {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly field?: string
  readonly errors?: ReadonlyArray<{ field: string; message: string }>
}

export class AppError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | undefined
  readonly errors: ReadonlyArray<{ field: string; message: string }> | undefined
  readonly headers: Readonly<Record<string, string>> | undefined

  constructor (status: number, code: string, message: string, options: {
    field?: string
    errors?: ReadonlyArray<{ field: string; message: string }>
    headers?: Record<string, string>
    cause?: unknown
  } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.status = status
    this.code = code
    this.field = options.field
    this.errors = options.errors
    this.headers = options.headers
  }
}

export class ValidationError extends AppError {
  constructor (message: string, field?: string, errors?: ReadonlyArray<{ field: string; message: string }>) {
    super(400, 'validation_failed', message, { ...(field !== undefined && { field }), ...(errors !== undefined && { errors }) })
    this.name = 'ValidationError'
  }
}

export class NotFoundError extends AppError {
  constructor (what: string, field?: string) {
    super(404, 'not_found', `${what} was not found.`, field === undefined ? {} : { field })
    this.name = 'NotFoundError'
  }
}

export class ConflictError extends AppError {
  constructor (message: string, field?: string) {
    super(409, 'conflict', message, field === undefined ? {} : { field })
    this.name = 'ConflictError'
  }
}

export class UnavailableError extends AppError {
  constructor (message: string, code = 'unavailable') {
    super(503, code, message)
    this.name = 'UnavailableError'
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export function problem (status: number, code: string, detail: string, extra: { field?: string; errors?: ReadonlyArray<{ field: string; message: string }> } = {}): ProblemDetails {
  return {
    type: `urn:afterresume:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  }
}
