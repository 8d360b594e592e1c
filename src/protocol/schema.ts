/**
 * Types of the generated service tables: what `codegen/` writes into `src/services/<service>/generated/`
 * and what the restJson1 engine interprets at run time. A table describes one Smithy service: its
 * operations (HTTP binding, input/output/error shapes, pagination) and every shape those reach, with the
 * wire names, bindings and constraints the engine needs. Documentation prose is not carried.
 *
 * Shape references are strings: the shape's local name for shapes of the service's namespace
 * (`CreateDetectorRequest`), the full id for Smithy prelude shapes (`smithy.api#String`).
 */

/** Wire format of a timestamp, as named by Smithy's `timestampFormat` trait. */
export type TimestampFormat = 'epoch-seconds' | 'date-time' | 'http-date'

/** Inclusive bounds of a `length` or `range` trait; a missing side is unbounded. */
export interface Bounds {
  readonly min?: number
  readonly max?: number
}

/** Constraint traits that may sit on a shape or on a member (member traits win). */
export interface Constraints {
  /** `length`: characters of a string (code points), entries of a list or map, bytes of a blob. */
  readonly length?: Bounds
  /** `range`: numeric bounds. */
  readonly range?: Bounds
  /** `pattern`: an ECMA-262 regular expression that must match somewhere in the string. */
  readonly pattern?: string
}

/** Where an input or output member travels in the HTTP message. Absent = the JSON body. */
export type MemberLocation =
  'label' | 'query' | 'queryParams' | 'header' | 'prefixHeaders' | 'payload'

export interface MemberSchema extends Constraints {
  /** Referenced shape (see module doc). */
  readonly target: string
  /** `jsonName` trait: the key in JSON bodies; defaults to the member name. */
  readonly jsonName?: string
  readonly location?: MemberLocation
  /** Label name, query key or header name, for members bound outside the body. */
  readonly locationName?: string
  readonly required?: true
  readonly idempotencyToken?: true
  /** `default` trait value, filled in on input when the member is absent. */
  readonly default?: unknown
  readonly timestampFormat?: TimestampFormat
}

export interface StructureSchema {
  readonly type: 'structure' | 'union'
  readonly members: Readonly<Record<string, MemberSchema>>
  /** `error` trait: who is at fault. */
  readonly error?: 'client' | 'server'
  /** `httpError` trait: the HTTP status of this error. */
  readonly httpError?: number
}

export interface ListSchema extends Constraints {
  readonly type: 'list'
  readonly member: string
  readonly uniqueItems?: true
}

export interface MapSchema extends Constraints {
  readonly type: 'map'
  readonly key: string
  readonly value: string
}

export type ScalarType =
  | 'string'
  | 'blob'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'bigInteger'
  | 'bigDecimal'
  | 'timestamp'
  | 'document'

export interface ScalarSchema extends Constraints {
  readonly type: ScalarType
  /** Allowed values (`enum` shapes and the legacy `enum` trait; `intEnum` values for integers). */
  readonly enum?: readonly (string | number)[]
  readonly timestampFormat?: TimestampFormat
  readonly sensitive?: true
}

export type ShapeSchema = StructureSchema | ListSchema | MapSchema | ScalarSchema

/** One segment of a pre-split URI path template. */
export type PathSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'label'; readonly name: string; readonly greedy: boolean }

export interface PaginationSchema {
  readonly inputToken?: string
  readonly outputToken?: string
  readonly items?: string
  readonly pageSize?: string
}

export interface OperationSchema {
  readonly name: string
  readonly method: string
  /** The `http` trait's URI template as written in the model. */
  readonly uri: string
  readonly path: readonly PathSegment[]
  /** Query literals of the URI template (`/x?type=a` → `{ type: 'a' }`); `''` = key must be present. */
  readonly queryLiterals: Readonly<Record<string, string>>
  /** Success status code. */
  readonly code: number
  /** Input structure, or undefined for `smithy.api#Unit`. */
  readonly input?: string
  readonly output?: string
  readonly errors: readonly string[]
  readonly paginated?: PaginationSchema
  readonly deprecated?: true
}

export interface ServiceSchema {
  /** Service shape name, e.g. `GuardDutyAPIService`. */
  readonly name: string
  readonly sdkId: string
  /** API version, e.g. `2017-11-28`. */
  readonly version: string
  /** SigV4 signing name (`guardduty`, `inspector2`): selects the service from the credential scope. */
  readonly signingName: string
  readonly arnNamespace: string
  /** sha256 of the model file the table was generated from. */
  readonly modelSha256: string
  readonly operations: Readonly<Record<string, OperationSchema>>
  readonly shapes: Readonly<Record<string, ShapeSchema>>
}
