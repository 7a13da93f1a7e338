// The role the service queries as. Row-level security does not apply to superusers,
// roles with BYPASSRLS or (without FORCE) table owners, so the service must never run
// as the migration owner. `afterresume migrate` creates a plain login role, grants it
// data access only, and the service derives its connection from DATABASE_URL with that
// role's credentials (or takes APP_DATABASE_URL as given, for managed databases where
// roles are made by hand).
import { createHmac } from 'node:crypto'
import type pg from 'pg'
import { PGBOSS_SCHEMA } from '../jobs/boss.ts'

export const APP_ROLE = 'afterresume_app'

/** Deterministic from SECRET_KEY, so every process of one deployment agrees without storing it. */
export function appRolePassword (secretKey: string): string {
  return createHmac('sha256', secretKey).update('afterresume:database-app-role').digest('base64url')
}

export function appRoleUrl (ownerUrl: string, secretKey: string): string {
  const url = new URL(ownerUrl)
  url.username = APP_ROLE
  url.password = appRolePassword(secretKey)
  return url.toString()
}

/** Create the app role if missing, (re)set its password and grant it what the service needs. */
export async function ensureAppRole (client: pg.Client, secretKey: string): Promise<void> {
  // Roles are shared by every database on the server; two databases migrating at the same
  // moment can collide on the role's catalog row ("tuple concurrently updated"). Retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureAppRoleOnce(client, secretKey)
      return
    } catch (error) {
      if (attempt >= 5 || !/concurrently/.test((error as Error).message)) throw error
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
    }
  }
}

async function ensureAppRoleOnce (client: pg.Client, secretKey: string): Promise<void> {
  const password = appRolePassword(secretKey)
  const { rows } = await client.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists', [APP_ROLE])
  if (rows[0]?.exists !== true) {
    // Another database on the same server may create it at the same moment.
    await client.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`).catch((error: { code?: string }) => {
      if (error.code !== '42710' && error.code !== '23505') throw error
    })
  }
  await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`)
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? ''
  await client.query(`
    GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${APP_ROLE};
    GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${APP_ROLE};
    REVOKE ALL ON schema_migration FROM ${APP_ROLE};
    GRANT USAGE ON SCHEMA ${PGBOSS_SCHEMA} TO ${APP_ROLE};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${PGBOSS_SCHEMA} TO ${APP_ROLE};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${PGBOSS_SCHEMA} TO ${APP_ROLE};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${PGBOSS_SCHEMA} TO ${APP_ROLE};
  `)
}

/** Refuse to run as a role that row-level security would not hold. */
export async function assertRlsApplies (client: { query: pg.Pool['query'] }): Promise<void> {
  const { rows } = await client.query<{ role: string; superuser: boolean; bypass: boolean; owned: number }>(`
    SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
           (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owned
    FROM pg_roles r WHERE r.rolname = current_user`)
  const me = rows[0]
  if (me === undefined) throw new Error('Could not read the database role the service connects as.')
  const problems = [
    me.superuser && 'is a superuser',
    me.bypass && 'has BYPASSRLS',
    me.owned > 0 && `owns ${me.owned} table(s)`,
  ].filter(Boolean)
  if (problems.length > 0) {
    throw new Error(`Refusing to start: the service's database role "${me.role}" ${problems.join(' and ')}, so row-level security would not isolate tenants. ` +
      `Leave APP_DATABASE_URL unset to use the ${APP_ROLE} role that \`afterresume migrate\` creates, or point it at a plain role.`)
  }
}
