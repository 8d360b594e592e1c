/**
 * Tags of the Inspector resources created with tags (CIS scan configurations, code security
 * integrations and scan configurations): written into the shared tag store of `tags.ts` (one document
 * per resource ARN), so that TagResource, UntagResource and ListTagsForResource see what Create wrote,
 * and read back for the resources' Get and List answers.
 */
import type { ResourceChange, Scope, Storage } from '../../../storage/ports.js'
import { invalidField } from '../inspector2-errors.js'
import { getDocument } from './pages.js'
import { MAX_TAGS, TAGS_KIND } from './tags.js'

/**
 * The put of the tags of the resource `arn`, or, without tags, the delete of its tag document.
 * @throws ValidationException for more than `MAX_TAGS` tags
 */
export function tagsChange(
  scope: Scope,
  arn: string,
  tags: Readonly<Record<string, string>> | undefined,
  nowMs: number,
): ResourceChange {
  const key = { scope, kind: TAGS_KIND, parentId: '', id: arn }
  if (!tags || Object.keys(tags).length === 0) return { delete: key }
  if (Object.keys(tags).length > MAX_TAGS)
    throw invalidField('tags', `A resource can have at most ${MAX_TAGS} tags.`)
  return { put: { ...key, sortKey: arn, createdAtMs: nowMs, updatedAtMs: nowMs, body: tags } }
}

/** The tags of the resource `arn` (empty when it has none). */
export async function tagsOf(
  storage: Storage,
  scope: Scope,
  arn: string,
): Promise<Record<string, string>> {
  return (await getDocument<Record<string, string>>(storage, scope, TAGS_KIND, arn)) ?? {}
}
