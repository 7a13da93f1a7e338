// The imports module's HTTP surface: the staff-only Git import of a repository on the
// server's disk, and each person's GitHub connection. The jobs that do the reading are
// in src/workflows/imports/.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Db } from '../../platform/db/database.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { githubConnectionRoutes } from './github/connection.routes.ts'
import { importRoutes } from './imports.routes.ts'

export interface ImportRoutesOptions {
  db: Db
  tenantDb: Db
  jobs: JobPlatform
  schedules: ScheduleService
  secretKey: string
  /** GIT_IMPORT_ROOT. */
  gitImportRoot: string | undefined
  /** GITHUB_API_BASE. */
  githubApiBase: string
  clock: Clock
}

export const importsRoutes: FastifyPluginAsyncTypebox<ImportRoutesOptions> = async (app, options) => {
  await app.register(importRoutes, options)
  await app.register(githubConnectionRoutes, { ...options, apiBase: options.githubApiBase })
}
