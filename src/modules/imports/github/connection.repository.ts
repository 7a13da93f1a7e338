// SQL of github_connection. Every function takes the caller's tenant transaction.
import type { Updateable } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { GithubConnection, GithubConnectionTable } from '../imports.table.ts'

export async function findConnectionOfUser (executor: Executor, tenantId: string, userId: string): Promise<GithubConnection | undefined> {
  return executor.selectFrom('github_connection').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()
}

export async function findConnection (executor: Executor, tenantId: string, id: string): Promise<GithubConnection | undefined> {
  return executor.selectFrom('github_connection').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function insertConnection (executor: Executor, row: { tenant_id: string; id: string; user_id: string; login: string; token_ciphertext: Buffer; schedule_id: string; cursor: Date }): Promise<GithubConnection> {
  return executor.insertInto('github_connection').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateConnection (executor: Executor, tenantId: string, id: string, values: Updateable<GithubConnectionTable>): Promise<GithubConnection | undefined> {
  return executor.updateTable('github_connection').set({ ...values, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst()
}

export async function deleteConnection (executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await executor.deleteFrom('github_connection').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}
