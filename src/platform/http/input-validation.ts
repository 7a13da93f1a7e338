// Fastify's request validators: the formats of the input policy (src/platform/input/policy.ts)
// and type coercion only where values arrive as text. Compiled once per process for each
// distinct schema (see compiled-once.ts): Fastify hands the compiler a fresh copy of a
// route's schema for every app it builds.
import AjvCompiler from '@fastify/ajv-compiler'
import { FORMATS, isPolicyDate, isWebUrl } from '../input/policy.ts'
import { compiledOnce } from './compiled-once.ts'

type ValidatorFactory = ReturnType<typeof AjvCompiler>
type AjvInstance = AjvCompiler.Ajv

/** Runs after ajv-formats (which brings its own `date`), so the policy's date wins. */
export function registerInputFormats (ajv: AjvInstance): void {
  ajv.addFormat(FORMATS.date, { type: 'string', validate: isPolicyDate })
  ajv.addFormat(FORMATS.webUrl, { type: 'string', validate: isWebUrl })
}

const pool = AjvCompiler()

/**
 * Path parameters and query strings are text on the wire, so "60" must become 60 and a
 * lone ?tag=x a one-item array there. A JSON body already carries its types: coercing it
 * would let "60" pass as an integer and a bare string as `tags`, so bodies get an Ajv
 * without coercion. Both are built from the same options and formats.
 */
export function inputValidatorFactory (): ValidatorFactory {
  return (externalSchemas, options = {}) => {
    if (options.mode === 'JTD') throw new Error('The input policy needs Ajv in JSON Schema mode, not JTD.')
    const withFormats = { ...options, onCreate: registerInputFormats }
    const coercing = pool(externalSchemas, withFormats)
    const textParts = compiledOnce(['text', externalSchemas, options], (route: Route) => finiteOnly(coercing(route)))
    const body = compiledOnce(['body', externalSchemas, options], pool(externalSchemas, { ...withFormats, customOptions: { ...options.customOptions, coerceTypes: false } }))
    return (route) => route.httpPart === 'body' ? body(route) : textParts(route)
  }
}

type Validate = ReturnType<ReturnType<ValidatorFactory>>
type Route = Parameters<ReturnType<ValidatorFactory>>[0]

/**
 * Ajv coerces the text "Infinity" to a number and then skips every numeric check on it
 * (strictNumbers and maximum both test finite numbers only), so ?page=Infinity would
 * reach the handler. After coercion, a non-finite number is refused like any bad value.
 */
function finiteOnly (validate: Validate): Validate {
  const checked = ((data: unknown) => {
    if (validate(data) === false) {
      checked.errors = validate.errors
      return false
    }
    const field = nonFiniteField(data)
    checked.errors = field === undefined ? null : [{ instancePath: `/${field}`, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' }]
    return field === undefined
  }) as Validate
  return checked
}

/** Query strings and params are flat: values, or arrays of values. */
function nonFiniteField (data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  for (const [name, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value]
    if (values.some((item) => typeof item === 'number' && !Number.isFinite(item))) return name
  }
  return undefined
}
