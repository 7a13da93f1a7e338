// Request and response shapes of /api/imports/* and /api/connections/github/*.
import { Type, type Static } from 'typebox'
import { Day } from '../../platform/input/schemas.ts'
import { Uuid } from '../worklog/hierarchy/hierarchy.schemas.ts'

/** As Git records it: whatever the author configured, so only its shape is checked. */
const GitEmail = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s<>]+@[^\\s<>]+$', description: 'The commit author\'s e-mail, as in `git log --format=%ae`.' })

export const GitImportBody = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096, description: 'A folder inside a Git working tree on the server, under GIT_IMPORT_ROOT.' }),
  author: GitEmail,
  since: Type.Optional(Day('Only commits authored on or after this day')),
  project_id: Type.Optional(Uuid),
}, { additionalProperties: false })
export type GitImportBody = Static<typeof GitImportBody>

export const GithubConnectBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 500, description: 'A GitHub personal access token that may read your pull requests and issues. Stored encrypted; never shown again.' }),
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'When the import runs (five fields or @daily…); default @daily.' })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone of the cron; default your profile\'s.' })),
  since: Type.Optional(Day('The first run reads items merged or closed from this day on (default: 30 days back)')),
}, { additionalProperties: false })
export type GithubConnectBody = Static<typeof GithubConnectBody>

export const GithubConnectionOut = Type.Object({
  id: Uuid,
  login: Type.String({ description: 'The GitHub account the token belongs to.' }),
  cursor: Type.String({ format: 'date-time', description: 'The next run reads items merged or closed from here on (and a day before, for GitHub\'s search lag).' }),
  last_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  schedule: Type.Union([Type.Object({
    id: Uuid,
    cron: Type.String(),
    timezone: Type.String(),
    enabled: Type.Boolean(),
    next_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
}, { description: 'A GitHub connection. The token is never part of it.' })
export type GithubConnectionOut = Static<typeof GithubConnectionOut>
