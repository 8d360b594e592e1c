/**
 * Operation routing for restJson1: matches a request's method, raw path and query against the URI
 * templates of one service's operations (literal segments, `{Label}`, greedy `{Label+}`, required query
 * literals). When several templates match, the most specific wins: more literal segments first, then
 * non-greedy over greedy, as Smithy's HTTP binding rules ask.
 */
import type { OperationSchema, PathSegment } from './schema.js'

export interface RouteMatch {
  readonly operation: OperationSchema
  /** Percent-decoded label values by label name. */
  readonly labels: Readonly<Record<string, string>>
}

interface CompiledRoute {
  readonly operation: OperationSchema
  readonly segments: readonly PathSegment[]
  readonly greedy: boolean
  readonly literalCount: number
  readonly queryLiterals: readonly (readonly [string, string])[]
}

export class Router {
  readonly #byMethod = new Map<string, CompiledRoute[]>()

  constructor(operations: Iterable<OperationSchema>) {
    for (const operation of operations) {
      const segments = operation.path
      const route: CompiledRoute = {
        operation,
        segments,
        greedy: segments.some((s) => s.kind === 'label' && s.greedy),
        literalCount: segments.filter((s) => s.kind === 'literal').length,
        queryLiterals: Object.entries(operation.queryLiterals),
      }
      const list = this.#byMethod.get(operation.method) ?? []
      list.push(route)
      this.#byMethod.set(operation.method, list)
    }
    for (const list of this.#byMethod.values()) {
      list.sort(
        (a, b) =>
          b.literalCount - a.literalCount ||
          Number(a.greedy) - Number(b.greedy) ||
          b.queryLiterals.length - a.queryLiterals.length,
      )
    }
  }

  /**
   * Finds the operation for a request.
   * @param rawPath the path as received (percent-encoded), starting with `/`
   * @param query decoded query parameters
   * @returns the match, or undefined when no template matches
   * @throws URIError when a label holds invalid percent-encoding
   */
  match(
    method: string,
    rawPath: string,
    query: ReadonlyMap<string, readonly string[]>,
  ): RouteMatch | undefined {
    const routes = this.#byMethod.get(method)
    if (!routes) return undefined
    const parts = rawPath.split('/').slice(1)
    for (const route of routes) {
      const labels = matchSegments(route, parts)
      if (!labels) continue
      if (!route.queryLiterals.every(([k, v]) => query.get(k)?.some((q) => v === '' || q === v)))
        continue
      const decoded: Record<string, string> = {}
      for (const [name, raw] of Object.entries(labels)) decoded[name] = decodeURIComponent(raw)
      return { operation: route.operation, labels: decoded }
    }
    return undefined
  }
}

function matchSegments(
  route: CompiledRoute,
  parts: readonly string[],
): Record<string, string> | undefined {
  const segs = route.segments
  if (!route.greedy && parts.length !== segs.length) return undefined
  if (route.greedy && parts.length < segs.length) return undefined
  const labels: Record<string, string> = {}
  let p = 0
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as PathSegment
    if (seg.kind === 'literal') {
      if (parts[p] !== seg.value) return undefined
      p++
    } else if (seg.greedy) {
      const rest = segs.length - i - 1
      const take = parts.length - p - rest
      if (take < 1) return undefined
      const value = parts.slice(p, p + take).join('/')
      if (value === '') return undefined
      labels[seg.name] = value
      p += take
    } else {
      const part = parts[p]
      if (part === undefined || part === '') return undefined
      labels[seg.name] = part
      p++
    }
  }
  return p === parts.length ? labels : undefined
}
