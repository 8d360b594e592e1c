/**
 * Reads a document exported from AWS into the wire form of a model shape. Exports come in two
 * spellings: the API's wire form (jsonName keys such as `accountId`, timestamps as epoch seconds) —
 * EventBridge event details, raw API responses — and the member-name form the AWS CLI and SDKs print
 * (`AccountId`, timestamps as ISO-8601 strings). Both are accepted, member by member; the result is wire
 * form, the form Vigil stores findings in. Members the model does not know are dropped (exports from
 * a newer API version keep their known parts); values of the wrong type are problems.
 *
 * Example: `{"Id":"x","Resource":{"S3BucketDetails":[{"CreatedAt":"2024-01-02T03:04:05Z"}]}}` →
 * `{"id":"x","resource":{"s3BucketDetails":[{"createdAt":1704164645}]}}`.
 */
import type { ServiceSchema, TimestampFormat } from './schema.js'

export interface DocumentProblem {
  /** Where, as a wire path (`/resource/instanceDetails/instanceId`). */
  readonly path: string
  readonly message: string
}

export interface ReadDocumentResult {
  /** The document in wire form; undefined when the top level is not the shape's kind at all. */
  readonly value?: unknown
  readonly problems: readonly DocumentProblem[]
}

class DocumentReader {
  readonly problems: DocumentProblem[] = []
  constructor(private readonly schema: ServiceSchema) {}

  #wrong(path: string, expected: string, raw: unknown): undefined {
    const seen = raw === null ? 'null' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`
    this.problems.push({ path: path || '/', message: `expected ${expected}, found ${seen}` })
    return undefined
  }

  read(ref: string, raw: unknown, path: string, timestampFormat?: TimestampFormat): unknown {
    const shape = this.schema.shapes[ref]
    if (!shape) throw new Error(`unknown shape ${ref}`)
    switch (shape.type) {
      case 'structure':
      case 'union': {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
          return this.#wrong(path, 'an object', raw)
        const obj = raw as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (const [name, member] of Object.entries(shape.members)) {
          const wire = member.jsonName ?? name
          const v = obj[wire] ?? obj[name]
          if (v === undefined || v === null) {
            if (member.required && shape.type === 'structure')
              this.problems.push({ path: `${path}/${wire}`, message: 'required member is missing' })
            continue
          }
          const read = this.read(member.target, v, `${path}/${wire}`, member.timestampFormat)
          if (read !== undefined) out[wire] = read
        }
        return out
      }
      case 'list': {
        if (!Array.isArray(raw)) return this.#wrong(path, 'a list', raw)
        const out: unknown[] = []
        raw.forEach((item: unknown, i) => {
          if (item === null || item === undefined) return
          const read = this.read(shape.member, item, `${path}/${i}`)
          if (read !== undefined) out.push(read)
        })
        return out
      }
      case 'map': {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
          return this.#wrong(path, 'a map', raw)
        const out: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          if (v === null || v === undefined) continue
          const read = this.read(shape.value, v, `${path}/${k}`)
          if (read !== undefined) out[k] = read
        }
        return out
      }
      case 'string':
        return typeof raw === 'string' ? raw : this.#wrong(path, 'a string', raw)
      case 'boolean':
        return typeof raw === 'boolean' ? raw : this.#wrong(path, 'a boolean', raw)
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'bigInteger':
        return typeof raw === 'number' && Number.isInteger(raw)
          ? raw
          : this.#wrong(path, 'an integer', raw)
      case 'float':
      case 'double':
      case 'bigDecimal':
        return typeof raw === 'number' ? raw : this.#wrong(path, 'a number', raw)
      case 'timestamp': {
        const format = timestampFormat ?? shape.timestampFormat ?? 'epoch-seconds'
        let ms: number | undefined
        if (typeof raw === 'number' && Number.isFinite(raw)) ms = raw * 1000
        else if (typeof raw === 'string' && !Number.isNaN(Date.parse(raw))) ms = Date.parse(raw)
        if (ms === undefined)
          return this.#wrong(path, 'a timestamp (epoch seconds or ISO-8601)', raw)
        return format === 'epoch-seconds' ? ms / 1000 : new Date(ms).toISOString()
      }
      case 'blob':
        return typeof raw === 'string' ? raw : this.#wrong(path, 'a base64 string', raw)
      case 'document':
        return raw
    }
  }
}

/**
 * Reads `raw` as shape `ref`, in either spelling, into wire form.
 * @returns the wire-form value and every problem found (missing required members, wrong types)
 */
export function readDocument(schema: ServiceSchema, ref: string, raw: unknown): ReadDocumentResult {
  const reader = new DocumentReader(schema)
  const value = reader.read(ref, raw, '')
  return { ...(value !== undefined ? { value } : {}), problems: reader.problems }
}
