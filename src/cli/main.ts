/**
 * The `vigil` command line. `vigil serve` (what `npm start` runs) starts the endpoint with the
 * configuration of `VIGIL_*` variables and flags, prints one startup line with the endpoint and the
 * credentials to use, and shuts down cleanly on SIGTERM or SIGINT. `vigil findings import` loads a
 * GuardDuty findings export into a running server, `vigil inspector import` an Inspector one.
 */
import { Command, InvalidArgumentError } from 'commander'
import { DEFAULT_ACCOUNT_ID } from '../auth/credential-store.js'
import { loadConfig, type VigilConfig } from '../config/config.js'
import { VigilError } from '../core/vigil-error.js'
import { startVigil, VERSION } from '../main.js'
import { importFindingsFile } from './findings-import.js'
import { outputsReplay, outputsStatus } from './outputs-commands.js'
import { importInspectorFile } from './inspector-import.js'

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError('expected a port number')
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
