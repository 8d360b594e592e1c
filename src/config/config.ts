/**
 * Vigil's configuration: defaults, then an optional JSON config file (`VIGIL_CONFIG`), then `VIGIL_*`
 * environment variables, then command-line flags. Every value is validated here; a bad one stops startup
 * with a `VIGIL_CONFIG_INVALID` error naming it. Variables and file keys are listed in `docs/configuration.md`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Organization } from '../auth/account-directory.js'
import type { Credential } from '../auth/credential-store.js'
import type { KubernetesClusterDetails } from '../engines/detection/enrichment/kubernetes-clusters.js'
import { VigilError } from '../core/vigil-error.js'
import { NO_OUTPUTS, parseOutputsConfig, type OutputsConfig } from '../outputs/outputs-config.js'

export interface VigilConfig {
  readonly host: string
  readonly port: number
  /** Data directory, or `:memory:` for a database that lives and dies with the process. */
  readonly dataDir: string
  readonly logLevel: string
  /** Largest request body accepted, bytes. */
  readonly maxBodyBytes: number
  /** Accept the development credentials (`test`/`test`, 12-digit key ids). */
  readonly devCredentials: boolean
  readonly credentials: readonly Credential[]
  readonly sqliteSynchronous: 'NORMAL' | 'FULL'
  /** Duration of Inspector's ENABLING/DISABLING states, milliseconds. */
  readonly inspectorTransitionMs: number
  /** Duration of GuardDuty lists' ACTIVATING/DEACTIVATING states, milliseconds. */
  readonly listTransitionMs: number
  /** GuardDuty findings not updated for this many days are deleted (AWS keeps them 90 days). */
  readonly findingRetentionDays: number
  /**
   * Folder of the local object store (one sub-folder per bucket). Default `<dataDir>/s3`; with an
   * in-memory database, a new temporary folder.
   */
  readonly objectStoreDir?: string
  /**
   * An S3-compatible server to use as the object store instead of the local folder (set by
   * `VIGIL_S3_ENDPOINT`).
   */
  readonly s3?: {
    readonly endpoint: string
    readonly region: string
    readonly accessKeyId: string
    readonly secretAccessKey: string
    readonly forcePathStyle: boolean
  }
  /** Event sinks and their delivery policy (config file `outputs`). */
  readonly outputs: OutputsConfig
  /** Declared organizations; undefined = one development organization of every account. */
  readonly organizations?: readonly Organization[]
  /** Largest body of a `POST /_vigil/ingest/<source>` (one log object), bytes. */
  readonly maxIngestBodyBytes: number
  /** AWS's `ip-ranges.json` (operator copy) for the detectors; none when absent. */
  readonly ipRangesFile?: string
  /** Tor exit list (bulk list or exit-addresses document); no Tor findings when absent. */
  readonly torExitNodesFile?: string
  /** EC2 inventory: `aws ec2 describe-instances` output or `{instances, accountAddresses}`. */
  readonly inventoryFile?: string
  /**
   * Kubernetes clusters by name, with the account and Region they belong to (and optionally the
   * details findings show); `default` marks the cluster of audit logs that name none.
   */
  readonly kubernetesClusters?: readonly (KubernetesClusterDetails & {
    readonly default?: boolean
  })[]
  /** The GeoIP/ASN database: the bundled DB-IP Lite + ASN data (`dbip`) or none (`off`). */
  readonly geoIp: 'dbip' | 'off'
  /** MMDB files replacing the bundled location database (either layout, IPv4 and/or IPv6). */
  readonly geoIpCityFiles?: readonly string[]
  /** ASN CSV (ip-location-db layout) or ASN MMDB files replacing the bundled ASN data. */
  readonly geoIpAsnFiles?: readonly string[]
}

export const DEFAULTS: VigilConfig = {
  host: '127.0.0.1',
  port: 4580,
  dataDir: './.vigil',
  logLevel: 'info',
  maxBodyBytes: 10 * 1024 * 1024,
  devCredentials: true,
  credentials: [],
  sqliteSynchronous: 'NORMAL',
  inspectorTransitionMs: 0,
  listTransitionMs: 0,
  findingRetentionDays: 90,
  outputs: NO_OUTPUTS,
  maxIngestBodyBytes: 256 * 1024 * 1024,
  geoIp: 'dbip',
}

/** The SQLite database path for a configuration. */
export function databasePath(config: VigilConfig): string {
  return config.dataDir === ':memory:' ? ':memory:' : join(config.dataDir, 'vigil.db')
}

function invalid(name: string, problem: string): VigilError {
  return new VigilError('VIGIL_CONFIG_INVALID', `${name}: ${problem}`)
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw invalid(name, `expected a whole number, got '${text}'`)
  const n = Number(text)
  if (n < min || n > max) throw invalid(name, `must be between ${min} and ${max}, got ${n}`)
  return n
}

function bool(name: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true
  if (/^(0|false|no|off)$/i.test(text)) return false
  throw invalid(name, `expected true or false, got '${text}'`)
}

function geoIpMode(name: string, value: unknown): 'dbip' | 'off' {
  if (value === 'dbip' || value === 'off') return value
  throw invalid(name, `expected 'dbip' or 'off', got '${String(value)}'`)
}

/** A comma-separated list of paths. */
function paths(name: string, text: string): string[] {
  const list = text.split(',').map((p) => p.trim())
  if (list.some((p) => p === '')) throw invalid(name, 'expected comma-separated file paths')
  return list
}

function fileConfig(path: string): Partial<VigilConfig> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new VigilError('VIGIL_CONFIG_INVALID', `VIGIL_CONFIG: cannot read ${path}`, { cause })
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw invalid('VIGIL_CONFIG', 'expected a JSON object')
  const obj = parsed as Record<string, unknown>
  const out: { -readonly [K in keyof VigilConfig]?: VigilConfig[K] } = {}
  if (obj.devCredentials !== undefined) {
    if (typeof obj.devCredentials !== 'boolean')
      throw invalid('devCredentials', 'expected a boolean')
    out.devCredentials = obj.devCredentials
  }
  if (obj.credentials !== undefined) {
    if (!Array.isArray(obj.credentials)) throw invalid('credentials', 'expected a list')
    out.credentials = obj.credentials.map((c: unknown, i) => {
      const cred = c as Record<string, unknown>
      for (const key of ['accessKeyId', 'secretAccessKey', 'accountId'])
        if (typeof cred[key] !== 'string')
          throw invalid(`credentials[${i}].${key}`, 'expected a string')
      if (!/^\d{12}$/.test(cred.accountId as string))
        throw invalid(`credentials[${i}].accountId`, 'expected 12 digits')
      return cred as unknown as Credential
    })
  }
  if (obj.outputs !== undefined) out.outputs = parseOutputsConfig(obj.outputs)
  if (obj.organizations !== undefined) {
    if (!Array.isArray(obj.organizations)) throw invalid('organizations', 'expected a list')
    out.organizations = obj.organizations.map((o: unknown, i) => {
      const org = o as Record<string, unknown>
      if (typeof org.id !== 'string' || !/^o-[a-z0-9]{10,32}$/.test(org.id))
        throw invalid(
          `organizations[${i}].id`,
          "expected 'o-' and 10 to 32 lowercase letters or digits",
        )
      if (typeof org.managementAccountId !== 'string' || !/^\d{12}$/.test(org.managementAccountId))
        throw invalid(`organizations[${i}].managementAccountId`, 'expected 12 digits')
      const accounts = org.accounts ?? []
      if (
        !Array.isArray(accounts) ||
        !accounts.every((a) => typeof a === 'string' && /^\d{12}$/.test(a))
      )
        throw invalid(`organizations[${i}].accounts`, 'expected a list of 12-digit account ids')
      return {
        id: org.id,
        managementAccountId: org.managementAccountId,
        accounts: accounts as string[],
      }
    })
  }
  for (const key of ['ipRangesFile', 'torExitNodesFile', 'inventoryFile'] as const) {
    if (obj[key] === undefined) continue
    if (typeof obj[key] !== 'string' || obj[key] === '') throw invalid(key, 'expected a file path')
    out[key] = obj[key]
  }
  if (obj.geoIp !== undefined) out.geoIp = geoIpMode('geoIp', obj.geoIp)
  for (const key of ['geoIpCityFiles', 'geoIpAsnFiles'] as const) {
    if (obj[key] === undefined) continue
    const value = typeof obj[key] === 'string' ? [obj[key]] : obj[key]
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))
      throw invalid(key, 'expected a file path or a list of file paths')
    out[key] = value as string[]
  }
  if (obj.maxIngestBodyBytes !== undefined) {
    if (typeof obj.maxIngestBodyBytes !== 'number')
      throw invalid('maxIngestBodyBytes', 'expected a number of bytes')
    out.maxIngestBodyBytes = integer(
      'maxIngestBodyBytes',
      String(obj.maxIngestBodyBytes),
      1024,
      2 ** 31 - 1,
    )
  }
  if (obj.kubernetesClusters !== undefined) {
    if (!Array.isArray(obj.kubernetesClusters))
      throw invalid('kubernetesClusters', 'expected a list')
    const names = new Set<string>()
    out.kubernetesClusters = obj.kubernetesClusters.map((c: unknown, i) => {
      const cluster = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>
      const where = `kubernetesClusters[${i}]`
      if (
        typeof cluster.name !== 'string' ||
        !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(cluster.name)
      )
        throw invalid(`${where}.name`, 'expected a cluster name (letters, digits, - and _)')
      if (names.has(cluster.name))
        throw invalid(`${where}.name`, `'${cluster.name}' is declared twice`)
      names.add(cluster.name)
      if (typeof cluster.accountId !== 'string' || !/^\d{12}$/.test(cluster.accountId))
        throw invalid(`${where}.accountId`, 'expected 12 digits')
      if (
        typeof cluster.region !== 'string' ||
        !/^[a-z]{2}(?:-[a-z]+){1,3}-\d{1,2}$/.test(cluster.region)
      )
        throw invalid(`${where}.region`, "expected a Region name such as 'us-east-1'")
      for (const key of ['arn', 'vpcId', 'status'] as const)
        if (cluster[key] !== undefined && typeof cluster[key] !== 'string')
          throw invalid(`${where}.${key}`, 'expected a string')
      if (cluster.default !== undefined && typeof cluster.default !== 'boolean')
        throw invalid(`${where}.default`, 'expected a boolean')
      const tags = cluster.tags
      if (
        tags !== undefined &&
        (typeof tags !== 'object' ||
          tags === null ||
          !Object.values(tags).every((v) => typeof v === 'string'))
      )
        throw invalid(`${where}.tags`, 'expected an object of strings')
      return {
        name: cluster.name,
        accountId: cluster.accountId,
        region: cluster.region,
        ...(typeof cluster.arn === 'string' ? { arn: cluster.arn } : {}),
        ...(typeof cluster.vpcId === 'string' ? { vpcId: cluster.vpcId } : {}),
        ...(typeof cluster.status === 'string' ? { status: cluster.status } : {}),
        ...(tags !== undefined ? { tags: tags as Record<string, string> } : {}),
        ...(cluster.default === true ? { default: true } : {}),
      }
    })
  }
  return out
}

/**
 * Builds the configuration.
 * @param env environment variables (`process.env`)
 * @param overrides values from command-line flags, which win
 * @throws VigilError `VIGIL_CONFIG_INVALID`
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<VigilConfig> = {},
): VigilConfig {
  const fromEnv: { -readonly [K in keyof VigilConfig]?: VigilConfig[K] } = {}
  if (env.VIGIL_HOST) fromEnv.host = env.VIGIL_HOST
  if (env.VIGIL_PORT) fromEnv.port = integer('VIGIL_PORT', env.VIGIL_PORT, 0, 65535)
  if (env.VIGIL_DATA_DIR) fromEnv.dataDir = env.VIGIL_DATA_DIR
  if (env.VIGIL_LOG_LEVEL) {
    if (!/^(fatal|error|warn|info|debug|trace|silent)$/.test(env.VIGIL_LOG_LEVEL))
      throw invalid('VIGIL_LOG_LEVEL', `unknown level '${env.VIGIL_LOG_LEVEL}'`)
    fromEnv.logLevel = env.VIGIL_LOG_LEVEL
  }
  if (env.VIGIL_MAX_BODY_BYTES)
    fromEnv.maxBodyBytes = integer('VIGIL_MAX_BODY_BYTES', env.VIGIL_MAX_BODY_BYTES, 1024, 1 << 30)
  if (env.VIGIL_DEV_CREDENTIALS)
    fromEnv.devCredentials = bool('VIGIL_DEV_CREDENTIALS', env.VIGIL_DEV_CREDENTIALS)
  if (env.VIGIL_SQLITE_SYNCHRONOUS) {
    const s = env.VIGIL_SQLITE_SYNCHRONOUS.toUpperCase()
    if (s !== 'NORMAL' && s !== 'FULL')
      throw invalid('VIGIL_SQLITE_SYNCHRONOUS', 'expected NORMAL or FULL')
    fromEnv.sqliteSynchronous = s
  }
  if (env.VIGIL_INSPECTOR_TRANSITION_MS)
    fromEnv.inspectorTransitionMs = integer(
      'VIGIL_INSPECTOR_TRANSITION_MS',
      env.VIGIL_INSPECTOR_TRANSITION_MS,
      0,
      3_600_000,
    )
  if (env.VIGIL_LIST_TRANSITION_MS)
    fromEnv.listTransitionMs = integer(
      'VIGIL_LIST_TRANSITION_MS',
      env.VIGIL_LIST_TRANSITION_MS,
      0,
      3_600_000,
    )
  if (env.VIGIL_FINDING_RETENTION_DAYS)
    fromEnv.findingRetentionDays = integer(
      'VIGIL_FINDING_RETENTION_DAYS',
      env.VIGIL_FINDING_RETENTION_DAYS,
      1,
      36_500,
    )
  if (env.VIGIL_S3_ENDPOINT) {
    try {
      new URL(env.VIGIL_S3_ENDPOINT)
    } catch {
      throw invalid('VIGIL_S3_ENDPOINT', `expected a URL, got '${env.VIGIL_S3_ENDPOINT}'`)
    }
    const accessKeyId = env.VIGIL_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID
    const secretAccessKey = env.VIGIL_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId || !secretAccessKey)
      throw invalid(
        'VIGIL_S3_ACCESS_KEY_ID',
        'VIGIL_S3_ENDPOINT needs VIGIL_S3_ACCESS_KEY_ID and VIGIL_S3_SECRET_ACCESS_KEY (or the AWS_ variables)',
      )
    fromEnv.s3 = {
      endpoint: env.VIGIL_S3_ENDPOINT,
      region: env.VIGIL_S3_REGION ?? 'us-east-1',
      accessKeyId,
      secretAccessKey,
      forcePathStyle: env.VIGIL_S3_FORCE_PATH_STYLE
        ? bool('VIGIL_S3_FORCE_PATH_STYLE', env.VIGIL_S3_FORCE_PATH_STYLE)
        : true,
    }
  }
  if (env.VIGIL_OBJECT_STORE_DIR) fromEnv.objectStoreDir = env.VIGIL_OBJECT_STORE_DIR
  if (env.VIGIL_MAX_INGEST_BODY_BYTES)
    fromEnv.maxIngestBodyBytes = integer(
      'VIGIL_MAX_INGEST_BODY_BYTES',
      env.VIGIL_MAX_INGEST_BODY_BYTES,
      1024,
      2 ** 31 - 1,
    )
  if (env.VIGIL_IP_RANGES_FILE) fromEnv.ipRangesFile = env.VIGIL_IP_RANGES_FILE
  if (env.VIGIL_TOR_EXIT_NODES_FILE) fromEnv.torExitNodesFile = env.VIGIL_TOR_EXIT_NODES_FILE
  if (env.VIGIL_INVENTORY_FILE) fromEnv.inventoryFile = env.VIGIL_INVENTORY_FILE
  if (env.VIGIL_GEOIP) fromEnv.geoIp = geoIpMode('VIGIL_GEOIP', env.VIGIL_GEOIP)
  if (env.VIGIL_GEOIP_CITY_FILES)
    fromEnv.geoIpCityFiles = paths('VIGIL_GEOIP_CITY_FILES', env.VIGIL_GEOIP_CITY_FILES)
  if (env.VIGIL_GEOIP_ASN_FILES)
    fromEnv.geoIpAsnFiles = paths('VIGIL_GEOIP_ASN_FILES', env.VIGIL_GEOIP_ASN_FILES)
  const fromFile = env.VIGIL_CONFIG ? fileConfig(env.VIGIL_CONFIG) : {}
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  return { ...DEFAULTS, ...fromFile, ...fromEnv, ...defined }
}
