import t from 'tap'
import {
  ACTIONS, canAssignRole, isAction, PERMISSIONS, roleAllows, roleMayRun, STAFF_ACTIONS, STAFF_IN_ANY_TENANT, type Action,
} from '../../../src/modules/identity/permissions.ts'
import type { Role } from '../../../src/modules/identity/identity.table.ts'

// The matrix written out by hand, row by row, so a change to permissions.ts must be made
// twice on purpose: a role gaining or losing one action fails here.
const EXPECTED: Record<Role, readonly Action[]> = {
  owner: [...ACTIONS],
  admin: ACTIONS.filter((a) => a !== 'billing:buy'),
  member: [
    'profile:read', 'profile:write', 'work:read', 'work:write', 'jobs:read', 'jobs:write', 'jobs:cancel',
    'reports:read', 'reports:write', 'share:create', 'schedules:read', 'schedules:write', 'members:read', 'gamification:read', 'billing:read',
  ],
  read_only: ['profile:read', 'profile:write', 'work:read', 'jobs:read', 'reports:read', 'schedules:read', 'members:read', 'gamification:read', 'billing:read'],
}
const ROLES = Object.keys(EXPECTED) as Role[]

t.test('the permission matrix, every role against every action', async (t) => {
  t.same(Object.keys(PERMISSIONS).sort(), [...ROLES].sort(), 'exactly the four roles')
  t.equal(ACTIONS.length, 21, 'the action list itself')
  for (const role of ROLES) {
    t.same([...PERMISSIONS[role]].sort(), [...EXPECTED[role]].sort(), `${role}: the whole row`)
    for (const action of ACTIONS) {
      t.equal(roleAllows(role, action), EXPECTED[role].includes(action), `${role} ${EXPECTED[role].includes(action) ? 'may' : 'may not'} ${action}`)
    }
  }
})

t.test('staff actions are not tenant actions; only gamification:admin opens another tenant', async (t) => {
  t.same([...STAFF_ACTIONS], ['system:read', 'system:write'])
  for (const action of STAFF_ACTIONS) {
    t.notOk(isAction(action), `${action} is not a tenant action`)
    for (const role of ROLES) t.notOk(roleMayRun(role, action), `no tenant role runs ${action}`)
  }
  t.same([...STAFF_IN_ANY_TENANT], ['gamification:admin'])
})

t.test('isAction knows exactly the listed actions', async (t) => {
  for (const action of ACTIONS) t.ok(isAction(action), action)
  for (const name of ['', 'work', 'work:', 'WORK:READ', 'work:read ', 'system:read', 'toString', 'constructor']) {
    t.notOk(isAction(name), JSON.stringify(name))
  }
})

t.test('roleMayRun: no requirement runs for anyone; a requirement is the matrix; an unknown one runs for no one', async (t) => {
  for (const role of ROLES) t.ok(roleMayRun(role, undefined), `${role}: a job without requires`)
  t.ok(roleMayRun('member', 'work:write'))
  t.notOk(roleMayRun('read_only', 'work:write'))
  t.ok(roleMayRun('admin', 'members:manage'))
  t.notOk(roleMayRun('member', 'members:manage'))
  for (const role of ROLES) t.notOk(roleMayRun(role, 'no:such-action'), `${role}: an unknown requirement is denied`)
})

t.test('canAssignRole: nobody grants more than they hold, only owners make owners', async (t) => {
  const may: Record<Role, readonly Role[]> = {
    owner: ['owner', 'admin', 'member', 'read_only'],
    admin: ['admin', 'member', 'read_only'],
    member: [],
    read_only: [],
  }
  for (const actor of ROLES) {
    for (const target of ROLES) {
      t.equal(canAssignRole(actor, target), may[actor].includes(target), `${actor} ${may[actor].includes(target) ? 'may' : 'may not'} assign ${target}`)
    }
  }
})
