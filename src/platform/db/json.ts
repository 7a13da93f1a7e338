// JSON values as they cross the pg driver. jsonb columns are written as JSON text
// (toJson) because pg would turn a JS array into a PostgreSQL array literal.
export type JsonPrimitive = string | number | boolean | null
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export function toJson (value: unknown): string {
  return JSON.stringify(value ?? null)
}

export function isJsonObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
