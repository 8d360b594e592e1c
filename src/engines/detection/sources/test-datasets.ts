/**
 * Test support (imported by `*.test.ts` only): where the shared real-data test sets live and what a
 * test does when one is missing. This module owns the rule: the datasets sit at
 * `../shared/datasets/` seen from the project root; when `CI=true` a missing dataset fails the
 * test, elsewhere the test is skipped with a message saying what is missing.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (this file is `src/engines/detection/sources/test-datasets.ts`). */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** Absolute path of the shared datasets folder. */
export const DATASETS_DIR = resolve(PROJECT_ROOT, '../shared/datasets')

/** The part of node:test's context a dataset check needs. */
interface SkippableContext {
  skip(message?: string): void
}

/**
 * The absolute path of `relative` inside the datasets folder, or undefined after skipping the test
 * when it is missing (outside CI). Under `CI=true` a missing dataset throws, failing the test.
 */
export function datasetPath(t: SkippableContext, relative: string): string | undefined {
  const path = join(DATASETS_DIR, relative)
  if (existsSync(path)) return path
  const message = `dataset ${relative} not found at ${path}`
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: datasets are required)`)
  t.skip(`${message}; skipped`)
  return undefined
}
