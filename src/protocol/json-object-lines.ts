/**
 * Where the objects of a JSON document start, by line: the reporting aid of the importers, which
 * parse a whole export with `JSON.parse` and still name a bad record by its line.
 */

/**
 * Lines (1-based) where each object opening at nesting depth `depth` starts (depth 1: the elements
 * of a top-level array; depth 2: the elements of an array that is a member of the top-level object).
 * Braces and brackets inside strings are ignored.
 */
export function objectLines(text: string, depth: number): number[] {
  const lines: number[] = []
  let line = 1
  let level = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) line++
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (c === 123 && level === depth) lines.push(line)
      level++
    } else if (c === 125 || c === 93) level--
  }
  return lines
}
