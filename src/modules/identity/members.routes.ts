// /api/members/* and /api/invites/: the HTTP side of members.service.ts.
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import type { ScheduleService } from '../../platform/jobs/schedules.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { InviteBody, InviteCreated, MemberOut, MemberParams, RoleChangeBody, RoleChanged } from './members.schemas.ts'
import { changeMemberRole, inviteMember, membersOf, removeMember, type MemberActor } from './members.service.ts'

function actorOf (request: FastifyRequest): MemberActor {
  const { userId, tenantId, role } = request.principal!
  return { userId, tenantId, role, meta: requestMeta(request) }
}

export const memberRoutes: FastifyPluginAsyncTypebox<{ tenantDb: Db; db: Db; schedules: ScheduleService }> = async (app, deps) => {
  const tags = ['members']

  app.get('/api/members', {
    schema: { tags, summary: 'Members of the current tenant', response: { 200: Type.Array(MemberOut) } },
    config: { access: 'members:read' },
  }, async (request) => membersOf(deps.tenantDb, request.principal!.tenantId))

  app.patch('/api/members/:user_id', {
    schema: { tags, summary: 'Change a member\'s role', params: MemberParams, body: RoleChangeBody, response: { 200: RoleChanged } },
    config: { access: 'members:manage' },
  }, async (request) => changeMemberRole(deps, actorOf(request), request.params.user_id, request.body.role))

  app.delete('/api/members/:user_id', {
    schema: { tags, summary: 'Remove a member from the tenant', params: MemberParams, response: { 204: Type.Null() } },
    config: { access: 'members:manage' },
  }, async (request, reply) => {
    await removeMember(deps, actorOf(request), request.params.user_id)
    return reply.status(204).send(null)
  })

  app.post('/api/invites', {
    schema: {
      tags: ['invites'],
      summary: 'Invite someone into this tenant (the passkey is shown once)',
      body: InviteBody,
      response: { 201: InviteCreated },
    },
    config: { access: 'invites:create' },
  }, async (request, reply) => {
    const created = await inviteMember(deps.db, actorOf(request), request.body)
    void reply.header('Cache-Control', 'no-store')
    return reply.status(201).send(created)
  })
}
