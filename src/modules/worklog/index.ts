// The worklog module's HTTP surface as one plugin: the organisation (clients … sprints),
// work logs, their links/bullets/skill signals, presets, and bulk import/export.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { artifactRoutes } from './artifacts.routes.ts'
import { hierarchyRoutes } from './hierarchy.routes.ts'
import { presetRoutes } from './preset.routes.ts'
import { transferRoutes } from './transfer.routes.ts'
import { worklogEntryRoutes } from './worklog.routes.ts'

export const worklogRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db }> = async (app, options) => {
  await app.register(hierarchyRoutes, options)
  await app.register(worklogEntryRoutes, options)
  await app.register(artifactRoutes, options)
  await app.register(presetRoutes, options)
  await app.register(transferRoutes, options)
}
