/**
 * The ingestion's public surface: what the server, the admin routes, the command line and the
 * benchmark import. Each name is owned by the module it comes from; this file only gathers them.
 */
export type { CoverageSink, ObservedResource } from './coverage-tracker.js'
export { CoverageTracker, observedResources } from './coverage-tracker.js'
export type {
  EnrichmentConfig,
  EnrichmentFacts,
  Ingestion,
  IngestionPorts,
} from './create-ingestion.js'
export { createIngestion } from './create-ingestion.js'
export type {
  IngestFailure,
  IngestLocationOptions,
  IngestObjectOptions,
  IngestResult,
  LocationResult,
  ObjectIdentity,
  UsageLine,
} from './ingestion-service.js'
export { IngestionService, IngestRequestError, UnreadableObjectError } from './ingestion-service.js'
export type { IngestLocation, LogObjectRef } from './object-sources.js'
export {
  fileLocation,
  fileObject,
  IngestLocationError,
  isIgnoredName,
  listStoreObjects,
  parseIngestLocation,
  walkFiles,
} from './object-sources.js'
export type { ScopeFeatureCount } from './scope-meter.js'
export { ScopeMeter } from './scope-meter.js'
export type { DailyUsageBody, FeatureUsage, UsagePrice } from './usage-recorder.js'
export { estimateUsd, USAGE_PRICES, UsageRecorder, usdText } from './usage-recorder.js'
