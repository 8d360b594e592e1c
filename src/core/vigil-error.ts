/**
 * Vigil's internal errors: failures that are not AWS errors (bad configuration, storage trouble,
 * a broken migration). Each carries a stable code from the catalogue below, listed in `docs/errors.md`;
 * the HTTP boundary turns any of them met during a request into the service's modeled 500.
 */

export const ERROR_CODES = {
  VIGIL_CONFIG_INVALID: 'A configuration value is missing or malformed.',
  VIGIL_STORAGE_FAILURE: 'The database refused or failed an operation.',
  VIGIL_MIGRATION_FAILED: 'A database migration could not be applied.',
  VIGIL_STORAGE_CONFLICT: 'A write conflicted with existing data (a unique key).',
  VIGIL_QUERY_UNSUPPORTED:
    'A query asks for something the store cannot answer (e.g. an unsortable attribute).',
  VIGIL_UNREACHABLE: 'A command could not reach the Vigil server it was pointed at.',
  VIGIL_INPUT_INVALID:
    'A file given to a command cannot be used (unreadable, or holds nothing valid).',
} as const

export type VigilErrorCode = keyof typeof ERROR_CODES

export class VigilError extends Error {
  override readonly name = 'VigilError'
  /**
   * @param code stable code from `ERROR_CODES`
   * @param message what went wrong, for operators
   */
  constructor(
    readonly code: VigilErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}
