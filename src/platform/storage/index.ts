// The public surface of attachment storage: pick the backend from configuration.
import type { Config } from '../../config.ts'
import { LocalObjectStore } from './local.store.ts'
import type { ObjectStore } from './storage.types.ts'

export * from './storage.types.ts'
export { sniffContentType, SNIFF_BYTES, ALLOWED_CONTENT_TYPES } from './content-type.ts'
export { readHead } from './read-head.ts'
export { LocalObjectStore } from './local.store.ts'

/** Presigned download links live minutes, not days: long enough to start a download, short if leaked. */
export const PRESIGNED_URL_SECONDS = 300

/**
 * Builds and initialises the store (creates the folder or the bucket), so the first
 * upload does not pay for setup and a wrong endpoint or key fails at startup.
 */
export async function createObjectStore (settings: Config['storage']): Promise<ObjectStore> {
  if (settings.kind === 'local') {
    const store = new LocalObjectStore(settings.root)
    await store.init()
    return store
  }
  // Loaded only when configured: the minio client is a fifth of every CLI command's start-up.
  const { MinioObjectStore } = await import('./minio.store.ts')
  const store = new MinioObjectStore(settings)
  await store.init()
  return store
}
