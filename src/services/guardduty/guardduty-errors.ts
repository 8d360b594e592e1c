/**
 * GuardDuty's error vocabulary. GuardDuty models no validation error of its own: every invalid request is
 * a `BadRequestException` (400) whose body `__type` names the cause (`InvalidInputException`), as the
 * service sends it. Message texts follow AWS's where they are known, because tools match on them.
 */
import type { RequestProblem } from '../../protocol/rest-json-service.js'
import { BadRequestException, InternalServerErrorException } from './generated/errors.js'

/** A 400 `BadRequestException` with `__type: InvalidInputException`. */
export function invalidInput(message: string): BadRequestException {
  return new BadRequestException(message, { Type: 'InvalidInputException' })
}

/** The error AWS gives for a detector id that does not exist or belongs to another account. */
export function detectorNotOwned(): BadRequestException {
  return invalidInput(
    'The request is rejected because the input detectorId is not owned by the current account.',
  )
}

/** The error for a `nextToken` that is malformed or belongs to another query. */
export function invalidNextToken(): BadRequestException {
  return invalidInput('The request is rejected because the input nextToken is invalid.')
}

/** Maps a malformed or invalid request to GuardDuty's `BadRequestException`, naming field and rule. */
export function guardDutyRequestError(problem: RequestProblem): BadRequestException {
  if (problem.kind === 'malformed')
    return new BadRequestException(
      `The request is rejected because the request body could not be parsed. ${problem.message}`,
      {
        Type: 'InvalidInputException',
      },
    )
  const n = problem.violations.length
  const detail = problem.violations.map((v) => v.message).join('; ')
  return invalidInput(`${n} validation error${n === 1 ? '' : 's'} detected: ${detail}`)
}

/** The 500 answered for an unexpected failure. */
export function guardDutyInternalError(): InternalServerErrorException {
  return new InternalServerErrorException(
    'The request is rejected since an internal exception was found.',
    {
      Type: 'InternalException',
    },
  )
}

/**
 * GuardDuty error bodies carry the error `Type` as `__type` (the 2025-09 model and older clients) and as
 * `type` (newer models and SDKs), so every client finds it.
 */
export function guardDutyErrorBody(body: Record<string, unknown>): Record<string, unknown> {
  return body.__type === undefined ? body : { ...body, type: body.__type }
}
