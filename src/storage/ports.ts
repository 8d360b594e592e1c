/**
 * Storage ports: the interfaces handlers and engines use to keep state, and the plain record types that
 * cross them. Every method takes the (account, region) scope it acts in, so no caller can read another
 * account's data by forgetting a filter. Methods return promises so that an asynchronous backend
 * (PostgreSQL) can implement the same ports as the embedded SQLite one; adapters are chosen in `main.ts`.
 */
import type { ConditionNode, FilterNode, ScalarValue, ValueType } from './query/criteria-ast.js'

/** The (account, region) pair all state is scoped by. */
export interface Scope {
  /** 12-digit AWS account id. */
  readonly accountId: string
  readonly region: string
}

/** A detector feature or additional configuration as stored: status and last change. */
export interface FeatureState {
  readonly name: string
  readonly status: 'ENABLED' | 'DISABLED'
  /** Last change, epoch milliseconds. */
  readonly updatedAtMs: number
  readonly additionalConfiguration?: readonly FeatureState[]
}

/** A GuardDuty detector. */
export interface DetectorRecord {
  readonly scope: Scope
  /** 32 lowercase hex characters. */
  readonly detectorId: string
  readonly status: 'ENABLED' | 'DISABLED'
  /** FIFTEEN_MINUTES | ONE_HOUR | SIX_HOURS. */
  readonly findingPublishingFrequency: string
  /** Epoch milliseconds. */
  readonly createdAtMs: number
  /** Epoch milliseconds. */
  readonly updatedAtMs: number
  /** Features in the order they are reported. */
  readonly features: readonly FeatureState[]
  readonly tags: Readonly<Record<string, string>>
}

export interface DetectorStore {
  /** The detector with this id in `scope`, or undefined (also when it exists in another scope). */
  get(scope: Scope, detectorId: string): Promise<DetectorRecord | undefined>
  /** Detectors of `scope` ordered by id, after `afterId` (exclusive), at most `limit`. */
  list(scope: Scope, afterId: string | undefined, limit: number): Promise<DetectorRecord[]>
  /** Accounts that have a detector in `region`, sorted. */
  accountsInRegion(region: string): Promise<string[]>
  /** Ids only, in the order and with the paging of `list`. */
  listIds(scope: Scope, afterId: string | undefined, limit: number): Promise<string[]>
  /**
   * Inserts a detector.
   * @throws VigilError `VIGIL_STORAGE_CONFLICT` when the scope already has a detector
   */
  insert(record: DetectorRecord): Promise<void>
  /** Replaces a detector; returns false when it no longer exists. */
  update(record: DetectorRecord): Promise<boolean>
  /** Deletes a detector; returns false when there was none. */
  delete(scope: Scope, detectorId: string): Promise<boolean>
}

/** Inspector resource types as the account status APIs name them. */
export type InspectorResourceKey = 'ec2' | 'ecr' | 'lambda' | 'lambdaCode' | 'codeRepository'

/** One resource type's scanning state. */
export interface InspectorResourceState {
  /** The state being entered or kept: ENABLED or DISABLED. */
  readonly target: 'ENABLED' | 'DISABLED'
  /** When the last Enable/Disable changed it, epoch milliseconds. */
  readonly changedAtMs: number
}

/** Inspector enablement of one account in one region. */
export interface InspectorAccountRecord {
  readonly scope: Scope
  readonly resources: Readonly<Partial<Record<InspectorResourceKey, InspectorResourceState>>>
}

export interface InspectorAccountStore {
  get(scope: Scope): Promise<InspectorAccountRecord | undefined>
  put(record: InspectorAccountRecord): Promise<void>
}

/** Remembered answers to requests carrying an idempotency token (`clientToken`). */
export interface IdempotencyStore {
  /**
   * The stored answer for this token, or undefined.
   * @returns the request fingerprint it was stored with and the answer as JSON text
   */
  recall(
    scope: Scope,
    operation: string,
    token: string,
  ): Promise<{ readonly fingerprint: string; readonly answer: string } | undefined>
  /** Stores an answer; a second store of the same token keeps the first. */
  remember(
    scope: Scope,
    operation: string,
    token: string,
    fingerprint: string,
    answer: string,
  ): Promise<void>
}

/** Identifies a resource that hangs under a parent (a filter under its detector, ...). */
export interface ResourceKey {
  readonly scope: Scope
  /** Resource kind, e.g. `guardduty:filter`. */
  readonly kind: string
  /** The parent's id (a detector id), or `''` for top-level resources. */
  readonly parentId: string
  readonly id: string
}

/** A resource kept as a JSON document with a listing order. */
export interface ResourceRecord<T> extends ResourceKey {
  /** Listing order within (scope, kind, parent); ties broken by id. */
  readonly sortKey: string
  /** Epoch milliseconds. */
  readonly createdAtMs: number
  /** Epoch milliseconds. */
  readonly updatedAtMs: number
  readonly body: T
}

/** One change of a `ResourceStore.apply` batch. */
export type ResourceChange =
  { readonly put: ResourceRecord<unknown> } | { readonly delete: ResourceKey }

/**
 * Scoped JSON documents for the many small resources of the control planes (filters, trusted and
 * threat lists, publishing destinations, ...), listed in `sortKey` order under their parent.
 */
export interface ResourceStore {
  get<T>(key: ResourceKey): Promise<ResourceRecord<T> | undefined>
  /** Records after the position `(sortKey, id)` (exclusive), at most `limit`. */
  list<T>(
    scope: Scope,
    kind: string,
    parentId: string,
    after: { readonly sortKey: string; readonly id: string } | undefined,
    limit: number,
  ): Promise<ResourceRecord<T>[]>
  count(scope: Scope, kind: string, parentId: string): Promise<number>
  /** Records of a kind in every scope (for server-wide work such as exports), at most `limit`. */
  listEverywhere<T>(kind: string, limit: number): Promise<ResourceRecord<T>[]>
  /**
   * Inserts a new record.
   * @throws VigilError `VIGIL_STORAGE_CONFLICT` when the key exists
   */
  insert<T>(record: ResourceRecord<T>): Promise<void>
  /** Applies puts (insert or replace) and deletes atomically, in order. */
  apply(changes: readonly ResourceChange[]): Promise<void>
  delete(key: ResourceKey): Promise<boolean>
  /** Deletes every resource under `parentId` in `scope`; returns how many. */
  deleteUnder(scope: Scope, parentId: string): Promise<number>
}

/** A GuardDuty finding as stored: its owner scope and detector, and the finding in wire form. */
export interface StoredFinding {
  readonly scope: Scope
  readonly detectorId: string
  /** The finding exactly as GetFindings returns it (wire names, ISO-8601 string dates). */
  readonly finding: Readonly<Record<string, unknown>>
}

/** A sort order for findings queries: a criterion key and a direction. */
export interface FindingSort {
  readonly attribute: string
  readonly order: 'ASC' | 'DESC'
}

/** The keyset position after the last finding of a page. */
export interface FindingPosition {
  readonly sortValue: string | number | null
  readonly pk: number
}

export interface FindingQuery {
  /** Owner scopes searched (an administrator's own plus its members'), all in one region. */
  readonly scopes: readonly Scope[]
  readonly filter: FilterNode
  readonly sort: FindingSort
  readonly after?: FindingPosition
  readonly limit: number
}

/**
 * What the findings store needs to know about finding attributes, supplied by the service: the type of
 * each criterion key, which keys the attribute index keeps, their values in a finding, and how to read
 * any key's values (for conditions the index does not answer).
 */
export interface FindingAttributes {
  valueType(key: string): ValueType | undefined
  /**
   * Criterion keys kept in the attribute index (one row per value). Conditions on other keys are
   * evaluated on the stored finding itself, after the indexed conditions have narrowed the rows.
   */
  readonly indexed: ReadonlySet<string>
  /** The values of the indexed keys in `finding`; timestamps as epoch milliseconds. */
  extract(finding: Readonly<Record<string, unknown>>): Iterable<readonly [string, ScalarValue]>
  /** The values a condition tests, read from a finding (the in-memory evaluator's reader). */
  read(finding: Readonly<Record<string, unknown>>, node: ConditionNode): readonly ScalarValue[]
  /** The resource a finding is about, for grouping by resource (undefined parts when unknown). */
  resourceOf(finding: Readonly<Record<string, unknown>>): {
    readonly type?: string
    readonly id?: string
  }
}

/** GuardDuty findings with their query engine. */
export interface FindingStore {
  /** Criterion keys findings can be sorted by. */
  readonly sortable: ReadonlySet<string>
  /** Inserts or replaces findings (by owner scope, detector and finding id) in one transaction. */
  upsert(findings: readonly StoredFinding[]): Promise<void>
  /** Findings of `scopes` with these ids (unknown ids are absent). */
  getByIds(scopes: readonly Scope[], ids: readonly string[]): Promise<StoredFinding[]>
  /** One page of findings matching the query, with the position after its last item. */
  query(query: FindingQuery): Promise<{ findings: StoredFinding[]; next?: FindingPosition }>
  /**
   * Counts of the findings matching `filter`, grouped. With `countsOnly` the groups carry only
   * their key and total (`lastUpdatedMs` and `maxSeverity` are 0), which index-only plans answer.
   */
  aggregate(
    scopes: readonly Scope[],
    filter: FilterNode,
    by: FindingGrouping,
    options?: { readonly countsOnly?: boolean },
  ): Promise<FindingGroup[]>
  /**
   * Deletes findings whose `updatedAt` is before `cutoffMs` (epoch milliseconds), at most `limit`
   * of them; returns how many were deleted.
   */
  deleteUpdatedBefore(cutoffMs: number, limit: number): Promise<number>
  /** Deletes every finding of a detector; returns how many. */
  deleteOfDetector(scope: Scope, detectorId: string): Promise<number>
  /**
   * The change feed: findings written after change number `afterSeq`, in change order, at most
   * `limit`. Each write of a finding gives it the next change number (in the write's transaction),
   * so a finding written twice appears once, at its latest number, with its latest content.
   */
  changesAfter(afterSeq: number, limit: number): Promise<FindingChange[]>
  /** The highest change number given so far (0 when none). */
  lastChangeSeq(): Promise<number>
}

/** An Inspector finding as the change feed gives it. */
export interface InspectorFindingChange extends StoredInspectorFinding {
  readonly seq: number
}

/** A finding as the change feed gives it. */
export interface FindingChange extends StoredFinding {
  /** Its change number. */
  readonly seq: number
}

/** An event an output gave up on. */
export interface DeadLetter {
  readonly id: number
  readonly output: string
  readonly eventId: string
  /** The event as it would have been delivered. */
  readonly event: Readonly<Record<string, unknown>>
  readonly error: string
  readonly attempts: number
  /** When it was given up, epoch milliseconds. */
  readonly failedAtMs: number
}

/** Delivery state of the outputs: a cursor per (output, feed) and the dead letters. */
export interface OutputStateStore {
  /** The change number an output has delivered up to in a feed; undefined when it never ran. */
  cursor(output: string, feed: string): Promise<number | undefined>
  setCursor(output: string, feed: string, seq: number): Promise<void>
  addDeadLetters(letters: readonly Omit<DeadLetter, 'id'>[]): Promise<void>
  /** Dead letters, oldest first, of one output or of all. */
  deadLetters(output: string | undefined, limit: number): Promise<DeadLetter[]>
  removeDeadLetter(id: number): Promise<boolean>
  /** Dead letters per output. */
  deadLetterCounts(): Promise<Record<string, number>>
}

/**
 * How findings statistics group: owner account, creation day (UTC), type, severity value, or resource
 * (owner account, resource type and id).
 */
export type FindingGrouping = 'account' | 'day' | 'type' | 'severity' | 'resource'

export interface FindingGroup {
  /**
   * Account id, day start (epoch ms), finding type, or severity; for `resource` the resource id
   * (empty when unknown).
   */
  readonly key: string | number
  /** For `resource`: the owner account and the resource type. */
  readonly accountId?: string
  readonly resourceType?: string
  readonly total: number
  /** Latest `updatedAt` in the group, epoch milliseconds. */
  readonly lastUpdatedMs: number
  /** Highest severity in the group. */
  readonly maxSeverity: number
}

/**
 * An Inspector finding as stored: its owner scope (the finding's `awsAccountId` and the region of its
 * ARN) and the finding in wire form, as ListFindings sends it (timestamps as epoch seconds).
 */
export interface StoredInspectorFinding {
  readonly scope: Scope
  readonly finding: Readonly<Record<string, unknown>>
}

/**
 * What Inspector findings can be sorted by (one per `SortField`, plus `updatedAt`). Resource-level
 * keys (`resourceType`, `ecrImage*`) and `componentType` use the first resource / network path step.
 * `severity` sorts by rank: UNTRIAGED < INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL.
 */
export type InspectorFindingSortKey =
  | 'awsAccountId'
  | 'type'
  | 'severity'
  | 'firstObservedAt'
  | 'lastObservedAt'
  | 'updatedAt'
  | 'status'
  | 'resourceType'
  | 'ecrImagePushedAt'
  | 'ecrImageRepositoryName'
  | 'ecrImageRegistry'
  | 'networkProtocol'
  | 'componentType'
  | 'vulnerabilityId'
  | 'vulnerabilitySource'
  | 'inspectorScore'
  | 'vendorSeverity'
  | 'epssScore'

export interface InspectorFindingQuery {
  /** Owner scopes searched (an administrator's own plus its members'), all in one region. */
  readonly scopes: readonly Scope[]
  /** Conditions on wire paths of the finding (`docs/inspector-findings.md`). */
  readonly filter: FilterNode
  /** Findings without a value for the sort key come first in ASC order, last in DESC. */
  readonly sort: { readonly key: InspectorFindingSortKey; readonly order: 'ASC' | 'DESC' }
  readonly after?: FindingPosition
  readonly limit: number
}

/**
 * How Inspector findings counts group: owner account, finding type, severity, status, the first
 * resource's type or id, vulnerability id, or title.
 */
export type InspectorFindingGrouping =
  | 'account'
  | 'type'
  | 'severity'
  | 'status'
  | 'resourceType'
  | 'resourceId'
  | 'vulnerabilityId'
  | 'title'

export interface InspectorFindingGroup {
  /** The group's value; null for findings without one (e.g. no vulnerability id). */
  readonly key: string | null
  readonly total: number
  /** Counts per severity (`CRITICAL`, `HIGH`, ...); severities without findings are absent. */
  readonly bySeverity: Readonly<Record<string, number>>
  /** Findings with `fixAvailable` YES. */
  readonly fixAvailable: number
  /** Findings with `exploitAvailable` YES. */
  readonly exploitAvailable: number
  /** Latest `lastObservedAt` in the group, epoch milliseconds. */
  readonly lastObservedMs: number
}

/**
 * What an Inspector finding aggregation (ListFindingAggregations) groups by. Every kind counts the
 * ACTIVE findings only, per owner account and:
 * - `account`: nothing more (one group per account);
 * - `title`: the finding's title;
 * - `package`: each distinct vulnerable package name of the finding;
 * - `repository`: the repository name of each ECR image resource (members: the image resource ids);
 * - `ami`: the image id of each EC2 instance resource (members: the instance ids);
 * - `ec2Instance`, `ecrImage`, `lambdaFunction`, `codeRepository`: each resource of that type, by id;
 * - `imageLayer`: (ECR image resource id, each distinct vulnerable package `sourceLayerHash`);
 * - `lambdaLayer`: (Lambda function resource id, each distinct `sourceLambdaLayerArn`).
 */
export type InspectorAggregationKind =
  | 'account'
  | 'title'
  | 'package'
  | 'repository'
  | 'ami'
  | 'ec2Instance'
  | 'ecrImage'
  | 'imageLayer'
  | 'lambdaFunction'
  | 'lambdaLayer'
  | 'codeRepository'

/**
 * The fields an aggregation filter's conditions name (as their `path`):
 * - `key`: the group value (title, package name, repository name, AMI id or resource id);
 * - `key2`: the layer hash (`imageLayer`) or layer ARN (`lambdaLayer`);
 * - `vulnerabilityId`: `title` only, the `packageVulnerabilityDetails.vulnerabilityId` of the
 *   title's most recently written finding;
 * - attributes of the group's resource (resource kinds, `imageLayer`, `lambdaLayer`), as the
 *   most recently observed finding written for that resource describes it: `ami`, `platform`,
 *   `tags` (map: `key + MAP_ENTRY_SEPARATOR + value`), `repository`, `imageHash`, `architecture`,
 *   `imageTags` (list), `lastInUseAt` (timestamp), `inUseCount` (number), `functionName`,
 *   `runtime`, `lastModifiedAt` (timestamp), `projectName`, `providerType`.
 * Conditions have the filter AST's semantics (multi-valued fields: some value / no value).
 */
export type InspectorAggregationField =
  'key' | 'key2' | 'vulnerabilityId' | keyof InspectorAggregationResource

/** Attributes of a resource as aggregations report them (timestamps: epoch milliseconds). */
export interface InspectorAggregationResource {
  readonly ami?: string
  readonly platform?: string
  readonly tags?: Readonly<Record<string, string>>
  readonly repository?: string
  readonly imageHash?: string
  readonly architecture?: string
  readonly imageTags?: readonly string[]
  readonly lastInUseAt?: number
  readonly inUseCount?: number
  readonly functionName?: string
  readonly runtime?: string
  readonly lastModifiedAt?: number
  readonly projectName?: string
  readonly providerType?: string
}

/**
 * What aggregation groups sort by: their count of all, CRITICAL or HIGH findings, of distinct
 * members (`repository`, `ami`) or of NETWORK_REACHABILITY findings.
 */
export type InspectorAggregationSortKey = 'all' | 'critical' | 'high' | 'members' | 'network'

/** Where a page of groups ends: the last group's sort value and identity. */
export interface InspectorAggregationPosition {
  readonly value: number
  readonly accountId: string
  readonly key: string
  readonly key2: string
}

export interface InspectorAggregationQuery {
  /** Owner scopes counted (an administrator's own plus its members'), all in one region. */
  readonly scopes: readonly Scope[]
  readonly kind: InspectorAggregationKind
  /** `account`, `title`: count only findings of this type. */
  readonly findingType?: string
  /** `account`, `title`: count only findings whose first resource is of this type. */
  readonly resourceType?: string
  /** Conditions on `InspectorAggregationField`s. */
  readonly filter: FilterNode
  /**
   * DESC: by the sort value, ties by (account, key, key2) ascending; ASC: the exact reverse
   * (value ascending, ties by (account, key, key2) descending).
   */
  readonly sort: { readonly key: InspectorAggregationSortKey; readonly order: 'ASC' | 'DESC' }
  readonly after?: InspectorAggregationPosition
  readonly limit: number
}

/** One aggregation group: its identity and the counts of its ACTIVE findings. */
export interface InspectorAggregationGroup {
  readonly accountId: string
  /** The group value (`''` for `account`). */
  readonly key: string
  /** The layer hash or ARN (`imageLayer`, `lambdaLayer`); `''` otherwise. */
  readonly key2: string
  readonly all: number
  readonly critical: number
  readonly high: number
  readonly medium: number
  /** Findings with `fixAvailable` YES. */
  readonly fixAvailable: number
  /** Findings with `exploitAvailable` YES. */
  readonly exploitAvailable: number
  /** NETWORK_REACHABILITY findings. */
  readonly network: number
  /** Distinct members (`repository`: images, `ami`: instances); 0 for other kinds. */
  readonly members: number
  /** `title`: the vulnerability id of its most recently written finding. */
  readonly vulnerabilityId?: string
  /** The group's resource (resource kinds, `imageLayer`, `lambdaLayer`). */
  readonly resource?: InspectorAggregationResource
}

/** Inspector findings with their query engine; findings are unique by ARN. */
export interface InspectorFindingStore {
  /** Inserts or replaces findings (by finding ARN) in one transaction. */
  upsert(findings: readonly StoredInspectorFinding[]): Promise<void>
  /** Findings of `scopes` with these ARNs (unknown ARNs are absent). */
  getByArns(scopes: readonly Scope[], arns: readonly string[]): Promise<StoredInspectorFinding[]>
  /** One page of findings matching the query, with the position after its last item. */
  query(
    query: InspectorFindingQuery,
  ): Promise<{ findings: StoredInspectorFinding[]; next?: FindingPosition }>
  /** How many findings of `scopes` match `filter`. */
  count(scopes: readonly Scope[], filter: FilterNode): Promise<number>
  /** Counts of the findings matching `filter`, grouped. */
  aggregate(
    scopes: readonly Scope[],
    filter: FilterNode,
    by: InspectorFindingGrouping,
  ): Promise<InspectorFindingGroup[]>
  /**
   * One page of finding aggregation groups (counts kept up to date by every write), with the
   * position after its last group.
   */
  aggregations(
    query: InspectorAggregationQuery,
  ): Promise<{ groups: InspectorAggregationGroup[]; next?: InspectorAggregationPosition }>
  /** Deletes findings of `scopes` by ARN; returns how many. */
  deleteByArns(scopes: readonly Scope[], arns: readonly string[]): Promise<number>
  /** Deletes every finding of `scope`; returns how many. */
  deleteOfScope(scope: Scope): Promise<number>
  /** The change feed (as `FindingStore.changesAfter`): findings written after `afterSeq`. */
  changesAfter(afterSeq: number, limit: number): Promise<InspectorFindingChange[]>
  /** The highest change number given so far (0 when none). */
  lastChangeSeq(): Promise<number>
}

/**
 * One log object the ingestion read, as the processed-object ledger keeps it. `location` names the
 * object: `s3://bucket/key` for the object store, `file://<absolute path>` for a file a client sent.
 */
export interface ProcessedObject {
  readonly location: string
  /** Bytes of the object as stored (compressed size for gzip objects). */
  readonly size: number
  /** The object's last modification, epoch milliseconds. */
  readonly lastModifiedMs: number
  /** The log source it was read as, when it held any record. */
  readonly source?: string
  /** Records read from it. */
  readonly events: number
  /** Records that could not be read. */
  readonly malformed: number
  /** When it was ingested, epoch milliseconds. */
  readonly processedAtMs: number
}

/**
 * The processed-object ledger: which log objects ingestion has already read, so that following a
 * folder or a bucket prefix never reads the same object twice. An object counts as processed when
 * its location, size and last-modified time all match a ledger entry.
 */
export interface IngestLedgerStore {
  /** The ledger entry of `location`, or undefined. */
  get(location: string): Promise<ProcessedObject | undefined>
  /** Records (or replaces) the entry of `object.location`. */
  put(object: ProcessedObject): Promise<void>
  /** How many objects the ledger holds. */
  count(): Promise<number>
}

/** Everything a running Vigil keeps. */
export interface Storage {
  readonly detectors: DetectorStore
  readonly resources: ResourceStore
  readonly findings: FindingStore
  readonly inspectorFindings: InspectorFindingStore
  readonly inspectorAccounts: InspectorAccountStore
  readonly idempotency: IdempotencyStore
  readonly outputs: OutputStateStore
  /** Log objects the detection ingestion has read. */
  readonly ingestLedger: IngestLedgerStore
  /** Flushes and closes the database. */
  close(): void
}
