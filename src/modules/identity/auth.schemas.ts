// Request and response shapes of /api/auth/* (TypeBox: the single source for validation,
// types and the OpenAPI document).
import { Type, type Static } from 'typebox'

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member'), Type.Literal('read_only')])

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254, description: 'E-mail address (case-insensitive).' })
const Password = Type.String({ minLength: 1, maxLength: 256, description: 'Password (at least 10 characters, not a common one).' })

export const UserOut = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  display_name: Type.String(),
  is_staff: Type.Boolean(),
  tenant_id: Type.String({ format: 'uuid' }),
  role: RoleSchema,
})

export const SignupBody = Type.Object({
  email: Email,
  password: Password,
  passkey: Type.String({ minLength: 10, maxLength: 200, description: 'Single-use invite passkey.' }),
  display_name: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })
export type SignupBody = Static<typeof SignupBody>

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false })
export type LoginBody = Static<typeof LoginBody>

export const RefreshBody = Type.Object({
  refresh: Type.Optional(Type.String({ minLength: 10, maxLength: 4096, description: 'Scripts send the refresh token here; browsers rely on the cookie.' })),
}, { additionalProperties: false })

export const PasswordBody = Type.Object({
  current_password: Password,
  new_password: Password,
}, { additionalProperties: false })

export const AccessOut = Type.Object({ access: Type.String(), expires_in: Type.Integer(), user: UserOut })
export const TokenPairOut = Type.Object({ access: Type.String(), refresh: Type.String(), expires_in: Type.Integer(), user: UserOut })
export const MeOut = Type.Object({
  user: UserOut,
  profile: Type.Object({
    display_name: Type.String(),
    headline: Type.String(),
    location: Type.String(),
    time_zone: Type.String(),
  }),
  memberships: Type.Array(Type.Object({ tenant_id: Type.String(), tenant_name: Type.String(), role: Type.String() })),
})
