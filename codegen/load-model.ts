/**
 * Reads a Smithy JSON AST model file (`../shared/aws-models/<service>.json`) and exposes the few facts
 * the generators need: the service shape, its operations, and shape lookup by id. Knows nothing of what
 * is emitted.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export interface AstMember {
  readonly target: string
  readonly traits?: Readonly<Record<string, unknown>>
}

export interface AstShape {
  readonly type: string
  readonly traits?: Readonly<Record<string, unknown>>
  readonly members?: Readonly<Record<string, AstMember>>
  readonly member?: AstMember
  readonly key?: AstMember
  readonly value?: AstMember
  readonly input?: { readonly target: string }
  readonly output?: { readonly target: string }
  readonly errors?: readonly { readonly target: string }[]
  readonly operations?: readonly { readonly target: string }[]
  readonly resources?: readonly { readonly target: string }[]
  readonly version?: string
}

export interface LoadedModel {
  readonly file: string
  readonly sha256: string
  readonly namespace: string
  readonly serviceId: string
  readonly service: AstShape
  readonly shapes: Readonly<Record<string, AstShape>>
  /** Operation shape ids reachable from the service (through resources too), sorted by name. */
  readonly operationIds: readonly string[]
}

/** Loads and indexes a model. Throws when the file has no single service shape. */
export function loadModel(file: string): LoadedModel {
  const text = readFileSync(file)
  const ast = JSON.parse(text.toString('utf8')) as { shapes: Record<string, AstShape> }
  const services = Object.entries(ast.shapes).filter(([, s]) => s.type === 'service')
  if (services.length !== 1)
    throw new Error(`${file}: expected one service shape, found ${services.length}`)
  const [serviceId, service] = services[0] as [string, AstShape]
  const namespace = serviceId.slice(0, serviceId.indexOf('#'))
  const operationIds = new Set<string>()
  const visitResource = (id: string): void => {
    const shape = ast.shapes[id]
    if (!shape) return
    for (const op of shape.operations ?? []) operationIds.add(op.target)
    for (const res of shape.resources ?? []) visitResource(res.target)
    for (const key of ['create', 'put', 'read', 'update', 'delete', 'list'] as const) {
      const ref = (shape as unknown as Record<string, { target: string } | undefined>)[key]
      if (ref) operationIds.add(ref.target)
    }
  }
  visitResource(serviceId)
  return {
    file,
    sha256: createHash('sha256').update(text).digest('hex'),
    namespace,
    serviceId,
    service,
    shapes: ast.shapes,
    operationIds: [...operationIds].sort((a, b) => localName(a).localeCompare(localName(b))),
  }
}

/** `com.amazonaws.guardduty#Detector` → `Detector`. */
export function localName(id: string): string {
  return id.slice(id.indexOf('#') + 1)
}
