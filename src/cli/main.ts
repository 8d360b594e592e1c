/**
 * The `vigil` command line. `vigil serve` (what `npm start` runs) starts the endpoint with the
 * configuration of `VIGIL_*` variables and flags, prints one startup line with the endpoint and the
 * credentials to use, and shuts down cleanly on SIGTERM or SIGINT. `vigil findings import` loads a
 * GuardDuty findings export into a running server, `vigil inspector import` an Inspector one,
 * `vigil ingest` sends logs to a running server's detection engine.
 */
import { Command, InvalidArgumentError } from 'commander'
import { DEFAULT_ACCOUNT_ID } from '../auth/credential-store.js'
import { loadConfig, type VigilConfig } from '../config/config.js'
import { VigilError } from '../core/vigil-error.js'
import { startVigil, VERSION } from '../main.js'
import { importFindingsFile } from './findings-import.js'
import { outputsReplay, outputsStatus } from './outputs-commands.js'
import { importInspectorFile } from './inspector-import.js'
import { ingestPaths } from './ingest.js'
import { isLogSource, LOG_SOURCES, type LogSource } from '../engines/detection/sources/index.js'

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError('expected a port number')
  return Number(text)
}

function logSource(text: string): LogSource | undefined {
  if (text === 'auto') return undefined
  if (!isLogSource(text))
    throw new InvalidArgumentError(`expected one of ${[...LOG_SOURCES, 'auto'].join(', ')}`)
  return text
}

function seconds(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3600)
    throw new InvalidArgumentError('expected 1 to 3600 seconds')
  return Number(text)
}

const program = new Command()
  .name('vigil')
  .description('Self-hosted Amazon GuardDuty and Amazon Inspector')
  .version(VERSION)

program
  .command('serve')
  .description('serve the GuardDuty and Inspector APIs')
  .option('--host <host>', 'address to listen on (VIGIL_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (VIGIL_PORT, default 4580)', port)
  .option('--data-dir <dir>', 'data directory or :memory: (VIGIL_DATA_DIR, default ./.vigil)')
  .action(async (flags: { host?: string; port?: number; dataDir?: string }) => {
    const overrides: Partial<VigilConfig> = {
      ...(flags.host !== undefined ? { host: flags.host } : {}),
      ...(flags.port !== undefined ? { port: flags.port } : {}),
      ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    }
    const config = loadConfig(process.env, overrides)
    const vigil = await startVigil(config)
    const ops = [...vigil.services.values()]
      .map(
        (s) =>
          `${s.schema.sdkId} ${s.schema.version} (${s.implementedOperations().length}/${Object.keys(s.schema.operations).length} operations)`,
      )
      .join(', ')
    const creds = config.devCredentials
      ? `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test (account ${DEFAULT_ACCOUNT_ID})`
      : 'the configured credentials'
    process.stdout.write(
      `Vigil ${VERSION} listening on ${vigil.url} — ${ops}; credentials: ${creds}; data: ${config.dataDir}\n`,
    )
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      process.stdout.write(`Vigil stopping (${signal})\n`)
      vigil.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error)
          process.exit(1)
        },
      )
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
  })

const findings = program.command('findings').description('GuardDuty findings')
findings
  .command('import')
  .description(
    'import findings exported from AWS (GetFindings output, EventBridge events, JSON lines) into a detector of a running Vigil',
  )
  .argument('<file>', 'the export')
  .requiredOption('--detector-id <id>', 'the detector to import into (of the credentials’ account)')
  .option('--endpoint-url <url>', 'the Vigil server', 'http://127.0.0.1:4580')
  .action(async (file: string, flags: { detectorId: string; endpointUrl: string }) => {
    process.exitCode = await importFindingsFile(file, {
      detectorId: flags.detectorId,
      endpointUrl: flags.endpointUrl,
      env: process.env,
      out: (line) => process.stdout.write(`${line}\n`),
    })
  })

const inspector = program.command('inspector').description('Inspector findings')
inspector
  .command('import')
  .description(
    'import Inspector findings exported from AWS (ListFindings output, a JSON findings report, EventBridge events, JSON lines) into a running Vigil',
  )
  .argument('<file>', 'the export')
  .option('--endpoint-url <url>', 'the Vigil server', 'http://127.0.0.1:4580')
  .action(async (file: string, flags: { endpointUrl: string }) => {
    process.exitCode = await importInspectorFile(file, {
      endpointUrl: flags.endpointUrl,
      env: process.env,
      out: (line) => process.stdout.write(`${line}\n`),
    })
  })

program
  .command('ingest')
  .description(
    "send logs (CloudTrail, VPC Flow Logs, Route 53 Resolver query logs, Kubernetes audit logs; raw or gzip) to a running Vigil's detection engine",
  )
  .argument(
    '<path...>',
    "files, directories (recursively) or s3://bucket/prefix of the server's object store",
  )
  .option(
    '--source <source>',
    `what the logs are: ${[...LOG_SOURCES, 'auto'].join(', ')}`,
    logSource,
  )
  .option('--flow-log-format <format>', "the flow log's LogFormat, for flow logs without a header")
  .option(
    '--cluster <name>',
    'the Kubernetes cluster of audit logs (declared in kubernetesClusters)',
  )
  .option('--follow', 'keep watching the paths for new objects until Ctrl-C')
  .option('--interval <seconds>', 'seconds between polls with --follow (default 10)', seconds)
  .option('--endpoint-url <url>', 'the Vigil server', 'http://127.0.0.1:4580')
  .action(
    async (
      paths: string[],
      flags: {
        source?: LogSource
        flowLogFormat?: string
        cluster?: string
        follow?: boolean
        interval?: number
        endpointUrl: string
      },
    ) => {
      const controller = new AbortController()
      const stop = () => {
        if (controller.signal.aborted) process.exit(130)
        process.stderr.write(
          '\nvigil: stopping after the current object (Ctrl-C again to quit now)\n',
        )
        controller.abort()
      }
      process.on('SIGINT', stop)
      try {
        process.exitCode = await ingestPaths(paths, {
          ...(flags.source !== undefined ? { source: flags.source } : {}),
          ...(flags.flowLogFormat !== undefined ? { flowLogFormat: flags.flowLogFormat } : {}),
          ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
          ...(flags.follow === true ? { follow: true } : {}),
          ...(flags.interval !== undefined ? { intervalSeconds: flags.interval } : {}),
          endpointUrl: flags.endpointUrl,
          env: process.env,
          out: (line) => process.stdout.write(`${line}\n`),
          progressStream: process.stderr,
          signal: controller.signal,
        })
      } finally {
        process.off('SIGINT', stop)
      }
    },
  )

const outputs = program.command('outputs').description('event sinks of a running Vigil')
outputs
  .command('status')
  .description("show each sink's cursor, backlog, dead letters and last error")
  .option('--endpoint-url <url>', 'the Vigil server', 'http://127.0.0.1:4580')
  .action(async (flags: { endpointUrl: string }) => {
    process.exitCode = await outputsStatus({
      endpointUrl: flags.endpointUrl,
      env: process.env,
      out: (line) => process.stdout.write(`${line}\n`),
    })
  })
outputs
  .command('replay')
  .description("deliver a sink's dead letters again")
  .argument('<sink>', 'the sink')
  .option('--id <n>', 'only this dead letter')
  .option('--endpoint-url <url>', 'the Vigil server', 'http://127.0.0.1:4580')
  .action(async (sink: string, flags: { id?: string; endpointUrl: string }) => {
    process.exitCode = await outputsReplay(sink, flags.id, {
      endpointUrl: flags.endpointUrl,
      env: process.env,
      out: (line) => process.stdout.write(`${line}\n`),
    })
  })

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof VigilError) {
    console.error(`vigil: ${error.message} (${error.code})`)
    process.exit(2)
  }
  console.error(error)
  process.exit(1)
})
