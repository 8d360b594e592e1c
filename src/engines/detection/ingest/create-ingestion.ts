/**
 * Assembly of the detection pipeline from operator files and the server's ports: loads the
 * enrichment the operator supplied (AWS `ip-ranges.json`, Tor exit list, EC2 inventory), sets up
 * the GeoIP/ASN database (bundled DB-IP Lite data, the operator's MMDB/CSV files, or none; loaded
 * before the first ingestion), builds every detector family and its attribution, the engine and
 * the ingestion service. This module owns that wiring and the startup errors for unreadable files;
 * `src/main.ts` calls it once per server, the benchmark and tests call it directly.
 */
import { access } from 'node:fs/promises'
import { VigilError } from '../../../core/vigil-error.js'
import type { ObjectStore } from '../../../outputs/object-store/object-store.js'
import type { Storage } from '../../../storage/ports.js'
import {
  DetectionEngine,
  type RecordActivity,
  type ThreatListProvider,
} from '../detection-engine.js'
import { storageDetectorStates } from '../detector-states.js'
import { buildAttribution, buildDetectors, type DetectorOptions } from '../detectors/index.js'
import { AwsIpRanges } from '../enrichment/aws-ip-ranges.js'
import { bundledGeoIpFiles, DeferredGeoIp, GeoIpDatabase } from '../enrichment/geo-ip-database.js'
import { MemoryInstanceInventory } from '../enrichment/instance-inventory.js'
import { TorExitNodes } from '../enrichment/tor-exit-nodes.js'
import {
  StaticKubernetesClusters,
  type KubernetesClusterDetails,
} from '../enrichment/kubernetes-clusters.js'
import { LogObjectContextHolder } from '../object-context.js'
import type { CoverageSink } from './coverage-tracker.js'
import { IngestionService, type IngestResult } from './ingestion-service.js'
import { UsageRecorder } from './usage-recorder.js'

/** The operator's enrichment files (config keys of the same names). */
export interface EnrichmentConfig {
  readonly ipRangesFile?: string
  readonly torExitNodesFile?: string
  readonly inventoryFile?: string
  /** Declared clusters; `default` marks the one audit logs of no named cluster belong to. */
  readonly kubernetesClusters?: readonly (KubernetesClusterDetails & {
    readonly default?: boolean
  })[]
  /** `dbip` (bundled database, default) or `off`. */
  readonly geoIp?: 'dbip' | 'off'
  /** Location MMDB files replacing the bundled ones. */
  readonly geoIpCityFiles?: readonly string[]
  /** ASN CSV or MMDB files replacing the bundled ones. */
  readonly geoIpAsnFiles?: readonly string[]
}

/** What loading the enrichment found (for the startup log). */
export interface EnrichmentFacts {
  /** `createDate` of the loaded ip-ranges.json. */
  readonly awsIpRangesCreated?: string
  readonly torExitNodes?: number
  readonly inventoryInstances?: number
  readonly geoIp: 'off' | 'bundled' | 'files'
}

/** The ports the pipeline uses. */
export interface IngestionPorts {
  readonly storage: Pick<Storage, 'detectors' | 'resources' | 'ingestLedger'>
  /** Where findings go: `FindingAggregator.record`. */
  readonly record: RecordActivity
  readonly threatLists?: ThreatListProvider
  readonly coverage?: CoverageSink
  readonly objectStore?: ObjectStore
  /** Epoch-milliseconds clock. */
  readonly now: () => number
  /** Called after each object read (metrics). */
  readonly onIngested?: (result: IngestResult) => void
  /** Told once when the GeoIP database cannot be loaded (ingestion goes on without it). */
  readonly onGeoIpError?: (error: unknown) => void
}

/** The assembled pipeline. */
export interface Ingestion {
  readonly engine: DetectionEngine
  readonly service: IngestionService
  readonly facts: EnrichmentFacts
  /** The GeoIP lookup (undefined when `geoIp` is `off`); `ready()` loads it. */
  readonly geoIp: DeferredGeoIp | undefined
}

async function load<T>(key: string, path: string, read: (path: string) => Promise<T>): Promise<T> {
  try {
    return await read(path)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new VigilError('VIGIL_CONFIG_INVALID', `${key}: cannot load ${path}: ${reason}`, {
      cause,
    })
  }
}

/**
 * Builds the pipeline.
 * @throws VigilError `VIGIL_CONFIG_INVALID` when an enrichment file cannot be read or parsed, or a
 *   configured GeoIP file does not exist
 */
export async function createIngestion(
  config: EnrichmentConfig,
  ports: IngestionPorts,
): Promise<Ingestion> {
  const awsIpRanges =
    config.ipRangesFile === undefined
      ? undefined
      : await load('ipRangesFile', config.ipRangesFile, (p) => AwsIpRanges.readFile(p))
  const torExitNodes =
    config.torExitNodesFile === undefined
      ? undefined
      : await load('torExitNodesFile', config.torExitNodesFile, (p) => TorExitNodes.readFile(p))
  const instanceInventory = new MemoryInstanceInventory()
  const inventoryInstances =
    config.inventoryFile === undefined
      ? undefined
      : await load('inventoryFile', config.inventoryFile, (p) => instanceInventory.loadFile(p))

  let geoIp: DeferredGeoIp | undefined
  let geoMode: EnrichmentFacts['geoIp'] = 'off'
  if (config.geoIp !== 'off') {
    const custom = config.geoIpCityFiles !== undefined || config.geoIpAsnFiles !== undefined
    for (const [key, files] of [
      ['geoIpCityFiles', config.geoIpCityFiles ?? []],
      ['geoIpAsnFiles', config.geoIpAsnFiles ?? []],
    ] as const) {
      for (const file of files) await load(key, file, (p) => access(p))
    }
    geoMode = custom ? 'files' : 'bundled'
    geoIp = new DeferredGeoIp(() => {
      const bundled =
        config.geoIpCityFiles !== undefined && config.geoIpAsnFiles !== undefined
          ? undefined
          : bundledGeoIpFiles()
      return GeoIpDatabase.open({
        cityFiles: config.geoIpCityFiles ?? bundled?.cityFiles ?? [],
        asnFiles: config.geoIpAsnFiles ?? bundled?.asnFiles ?? [],
      })
    }, ports.onGeoIpError)
  }

  const kubernetesClusters = new StaticKubernetesClusters()
  for (const { default: isDefault, ...cluster } of config.kubernetesClusters ?? []) {
    kubernetesClusters.add(cluster, isDefault === true)
  }
  const context = new LogObjectContextHolder()
  const detectorOptions: DetectorOptions = {
    instanceInventory,
    ...(awsIpRanges !== undefined ? { awsIpRanges } : {}),
    ...(torExitNodes !== undefined ? { torExitNodes } : {}),
    ...(geoIp !== undefined ? { geoIp } : {}),
    kubernetesClusters,
    currentObject: () => context.current,
  }
  const detectorStates = storageDetectorStates(ports.storage)
  const engine = new DetectionEngine({
    detectors: buildDetectors(detectorOptions),
    detectorStates,
    record: ports.record,
    attribution: buildAttribution(detectorOptions),
    kubernetesClusters,
    ...(ports.threatLists !== undefined ? { threatLists: ports.threatLists } : {}),
  })
  const service = new IngestionService({
    engine,
    attribution: buildAttribution(detectorOptions),
    detectorStates,
    ledger: ports.storage.ingestLedger,
    usage: new UsageRecorder(ports.storage, ports.now),
    context,
    now: ports.now,
    ...(ports.coverage !== undefined ? { coverage: ports.coverage } : {}),
    ...(ports.objectStore !== undefined ? { objectStore: ports.objectStore } : {}),
    kubernetesClusters,
    ...(geoIp !== undefined ? { prepare: () => geoIp.ready() } : {}),
    ...(ports.onIngested !== undefined ? { onIngested: ports.onIngested } : {}),
  })
  return {
    engine,
    service,
    geoIp,
    facts: {
      geoIp: geoMode,
      ...(awsIpRanges !== undefined
        ? { awsIpRangesCreated: awsIpRanges.createDate ?? 'unknown' }
        : {}),
      ...(torExitNodes !== undefined ? { torExitNodes: torExitNodes.size } : {}),
      ...(inventoryInstances !== undefined ? { inventoryInstances } : {}),
    },
  }
}
