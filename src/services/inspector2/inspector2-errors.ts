/**
 * Inspector's error vocabulary. Invalid requests are `ValidationException` (400) with a `reason`
 * (`CANNOT_PARSE` for a body that is not JSON or a value of the wrong type, `FIELD_VALIDATION_FAILED` for
 * a constraint) and one `fields` entry per offending field, named by its wire path.
 */
import type { RequestProblem } from '../../protocol/rest-json-service.js'
import { InternalServerException, ValidationException } from './generated/errors.js'

/** A `ValidationException` for one field. */
export function invalidField(name: string, message: string): ValidationException {
  return new ValidationException(message, {
    reason: 'FIELD_VALIDATION_FAILED',
    fields: [{ name, message }],
  })
}

/** Maps a malformed or invalid request to Inspector's `ValidationException`. */
export function inspectorRequestError(problem: RequestProblem): ValidationException {
  if (problem.kind === 'malformed')
    return new ValidationException(problem.message, { reason: 'CANNOT_PARSE' })
  const n = problem.violations.length
  return new ValidationException(
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problem.violations.map((v) => v.message).join('; ')}`,
    {
      reason: problem.violations.some((v) => v.kind === 'type')
        ? 'CANNOT_PARSE'
        : 'FIELD_VALIDATION_FAILED',
      fields: problem.violations.map((v) => ({
        name: v.path.slice(1).replaceAll('/', '.'),
        message: v.rule,
      })),
    },
  )
}

/** The 500 answered for an unexpected failure. */
export function inspectorInternalError(): InternalServerException {
  return new InternalServerException(
    'The request processing has failed because of an unknown error.',
  )
}
