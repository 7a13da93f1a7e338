// Request and response shapes of /api/members/ and /api/invites/.
import { Type, type Static } from 'typebox'
import { RoleSchema } from './auth.schemas.ts'

export const MemberOut = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  is_active: Type.Boolean(),
  joined_at: Type.String({ format: 'date-time' }),
})
export type MemberOut = Static<typeof MemberOut>

export const MemberParams = Type.Object({ user_id: Type.String({ format: 'uuid' }) })

export const RoleChangeBody = Type.Object({ role: RoleSchema }, { additionalProperties: false })
export const RoleChanged = Type.Object({ user_id: Type.String(), role: RoleSchema })
export type RoleChanged = Static<typeof RoleChanged>

export const InviteBody = Type.Object({
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  role: Type.Optional(RoleSchema),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
}, { additionalProperties: false })
export type InviteBody = Static<typeof InviteBody>

export const InviteCreated = Type.Object({
  id: Type.String(),
  passkey: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  expires_at: Type.String({ format: 'date-time' }),
})
export type InviteCreated = Static<typeof InviteCreated>
