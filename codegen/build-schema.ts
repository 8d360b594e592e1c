/**
 * Turns a loaded Smithy model into the run-time service table (`ServiceSchema`): operations with their
 * pre-split HTTP bindings and every shape reachable from them, with wire names, bindings and constraint
 * traits. Documentation, examples and endpoint rules are dropped. The result is plain data, emitted as-is.
 */
import type {
  Bounds,
  MemberLocation,
  MemberSchema,
  OperationSchema,
  PaginationSchema,
  PathSegment,
  ScalarType,
  ServiceSchema,
  ShapeSchema,
  TimestampFormat,
} from '../src/protocol/schema.js'
import { localName, type AstMember, type AstShape, type LoadedModel } from './load-model.js'

const T = 'smithy.api#'
const UNIT = 'smithy.api#Unit'

/** Builds the table. Throws on model features the engine cannot serve (they would be silently wrong). */
export function buildSchema(model: LoadedModel): ServiceSchema {
  const shapes: Record<string, ShapeSchema> = {}
  const ref = (id: string): string => (id.startsWith(model.namespace + '#') ? localName(id) : id)

  const visit = (id: string): void => {
    const key = ref(id)
    if (id === UNIT || key in shapes) return
    const ast = model.shapes[id]
    if (!ast) {
      if (!id.startsWith(T)) throw new Error(`unknown shape ${id}`)
      shapes[key] = { type: preludeType(id) }
      return
    }
    const built = buildShape(ast, ref)
    shapes[key] = built
    for (const target of referencedShapes(ast)) visit(target)
  }

  const operations: Record<string, OperationSchema> = {}
  const servicePaging = trait<PaginationSchema>(model.service, 'paginated')
  for (const opId of model.operationIds) {
    const op = model.shapes[opId]
    if (!op) throw new Error(`missing operation ${opId}`)
    const http = trait<{ method: string; uri: string; code?: number }>(op, 'http')
    if (!http) throw new Error(`${opId} has no http trait`)
    const [pathPart = '', queryPart] = http.uri.split('?', 2)
    const path: PathSegment[] = pathPart
      .split('/')
      .filter((s) => s !== '')
      .map((s) => {
        const m = /^\{([^}+]+)(\+)?\}$/.exec(s)
        if (m) return { kind: 'label', name: m[1] as string, greedy: m[2] === '+' }
        if (s.includes('{')) throw new Error(`${opId}: partial-segment labels are not supported`)
        return { kind: 'literal', value: decodeURIComponent(s) }
      })
    const queryLiterals: Record<string, string> = {}
    for (const pair of (queryPart ?? '').split('&').filter(Boolean)) {
      const [k = '', v = ''] = pair.split('=', 2)
      queryLiterals[decodeURIComponent(k)] = decodeURIComponent(v)
    }
    const input = op.input && op.input.target !== UNIT ? op.input.target : undefined
    const output = op.output && op.output.target !== UNIT ? op.output.target : undefined
    const errors = (op.errors ?? []).map((e) => e.target)
    for (const id of [input, output, ...errors]) if (id) visit(id)
    const paging = trait<PaginationSchema>(op, 'paginated')
    const name = localName(opId)
    operations[name] = {
      name,
      method: http.method,
      uri: http.uri,
      path,
      queryLiterals,
      code: http.code ?? 200,
      ...(input ? { input: ref(input) } : {}),
      ...(output ? { output: ref(output) } : {}),
      errors: errors.map(ref).sort(),
      ...(paging ? { paginated: { ...servicePaging, ...paging } } : {}),
      ...(trait(op, 'deprecated') !== undefined ? { deprecated: true as const } : {}),
    }
  }

  const apiService = trait<{ sdkId: string; arnNamespace: string }>(
    model.service,
    'aws.api#service',
  )
  const sigv4 = trait<{ name: string }>(model.service, 'aws.auth#sigv4')
  if (!apiService || !sigv4) throw new Error('service lacks aws.api#service or aws.auth#sigv4')
  if (trait(model.service, 'aws.protocols#restJson1') === undefined)
    throw new Error('only restJson1 services are supported')
  return {
    name: localName(model.serviceId),
    sdkId: apiService.sdkId,
    version: model.service.version ?? '',
    signingName: sigv4.name,
    arnNamespace: apiService.arnNamespace,
    modelSha256: model.sha256,
    operations,
    shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))),
  }
}

function buildShape(ast: AstShape, ref: (id: string) => string): ShapeSchema {
  const constraints = constraintTraits(ast.traits)
  switch (ast.type) {
    case 'structure':
    case 'union': {
      const members: Record<string, MemberSchema> = {}
      for (const [name, m] of Object.entries(ast.members ?? {}))
        members[name] = buildMember(name, m, ref)
      const error = trait<'client' | 'server'>(ast, 'error')
      const httpError = trait<number>(ast, 'httpError')
      return {
        type: ast.type,
        members,
        ...(error ? { error } : {}),
        ...(httpError !== undefined ? { httpError } : {}),
      }
    }
    case 'list':
    case 'set':
      if (!ast.member) throw new Error('list without member')
      return {
        type: 'list',
        member: ref(ast.member.target),
        ...constraints,
        ...(ast.type === 'set' || trait(ast, 'uniqueItems') !== undefined
          ? { uniqueItems: true as const }
          : {}),
      }
    case 'map':
      if (!ast.key || !ast.value) throw new Error('map without key or value')
      return { type: 'map', key: ref(ast.key.target), value: ref(ast.value.target), ...constraints }
    case 'enum':
    case 'intEnum': {
      const values = Object.entries(ast.members ?? {}).map(
        ([name, m]) => (m.traits?.[T + 'enumValue'] as string | number | undefined) ?? name,
      )
      return { type: ast.type === 'enum' ? 'string' : 'integer', enum: values, ...constraints }
    }
    default: {
      const legacyEnum = trait<{ value: string }[]>(ast, 'enum')
      const format = trait<TimestampFormat>(ast, 'timestampFormat')
      return {
        type: scalarType(ast.type),
        ...constraints,
        ...(legacyEnum ? { enum: legacyEnum.map((e) => e.value) } : {}),
        ...(format ? { timestampFormat: format } : {}),
        ...(trait(ast, 'sensitive') !== undefined ? { sensitive: true as const } : {}),
      }
    }
  }
}

function buildMember(name: string, m: AstMember, ref: (id: string) => string): MemberSchema {
  const t = m.traits ?? {}
  let location: MemberLocation | undefined
  let locationName: string | undefined
  if (T + 'httpLabel' in t) [location, locationName] = ['label', name]
  else if (T + 'httpQuery' in t) [location, locationName] = ['query', t[T + 'httpQuery'] as string]
  else if (T + 'httpQueryParams' in t) location = 'queryParams'
  else if (T + 'httpHeader' in t)
    [location, locationName] = ['header', t[T + 'httpHeader'] as string]
  else if (T + 'httpPrefixHeaders' in t)
    [location, locationName] = ['prefixHeaders', t[T + 'httpPrefixHeaders'] as string]
  else if (T + 'httpPayload' in t) location = 'payload'
  else if (T + 'httpResponseCode' in t)
    throw new Error(`httpResponseCode on ${name} is not supported`)
  const format = t[T + 'timestampFormat'] as TimestampFormat | undefined
  return {
    target: ref(m.target),
    ...(typeof t[T + 'jsonName'] === 'string' ? { jsonName: t[T + 'jsonName'] as string } : {}),
    ...(location ? { location } : {}),
    ...(locationName !== undefined ? { locationName } : {}),
    ...(T + 'required' in t ? { required: true as const } : {}),
    ...(T + 'idempotencyToken' in t ? { idempotencyToken: true as const } : {}),
    ...(T + 'default' in t ? { default: t[T + 'default'] } : {}),
    ...(format ? { timestampFormat: format } : {}),
    ...constraintTraits(t),
  }
}

function constraintTraits(traits: Readonly<Record<string, unknown>> | undefined): {
  length?: Bounds
  range?: Bounds
  pattern?: string
} {
  if (!traits) return {}
  const out: { length?: Bounds; range?: Bounds; pattern?: string } = {}
  const length = traits[T + 'length'] as Bounds | undefined
  const range = traits[T + 'range'] as Bounds | undefined
  const pattern = traits[T + 'pattern'] as string | undefined
  if (length) out.length = bounds(length)
  if (range) out.range = bounds(range)
  if (pattern !== undefined) out.pattern = pattern
  return out
}

function bounds(b: Bounds): Bounds {
  return {
    ...(b.min !== undefined ? { min: Number(b.min) } : {}),
    ...(b.max !== undefined ? { max: Number(b.max) } : {}),
  }
}

function referencedShapes(ast: AstShape): string[] {
  const out: string[] = []
  for (const m of Object.values(ast.members ?? {})) out.push(m.target)
  for (const m of [ast.member, ast.key, ast.value]) if (m) out.push(m.target)
  return ast.type === 'enum' || ast.type === 'intEnum' ? [] : out
}

function trait<V>(shape: AstShape, name: string): V | undefined {
  const full = name.includes('#') ? name : T + name
  return shape.traits?.[full] as V | undefined
}

const SCALARS = new Set([
  'string',
  'blob',
  'boolean',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'bigInteger',
  'bigDecimal',
  'timestamp',
  'document',
])

function scalarType(type: string): ScalarType {
  if (!SCALARS.has(type)) throw new Error(`unsupported shape type ${type}`)
  return type as ScalarType
}

function preludeType(id: string): ScalarType {
  const name = localName(id).replace(/^Primitive/, '')
  return scalarType(name.charAt(0).toLowerCase() + name.slice(1))
}
