// Fastify's response serializers (fast-json-stringify, Fastify's own default compiler),
// compiled once per process for each distinct schema (see compiled-once.ts).
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import { compiledOnce } from './compiled-once.ts'

export function responseSerializerFactory (): SerializerSelector.SerializerFactory {
  const select = SerializerSelector()
  return (externalSchemas, options) => compiledOnce(['response', externalSchemas, options], select(externalSchemas, options))
}
