/**
 * The `vigil` command line. `vigil serve` (what `npm start` runs) starts the endpoint with the
 * configuration of `VIGIL_*` variables and flags, prints one startup line with the endpoint and the
 * credentials to use, and shuts down cleanly on SIGTERM or SIGINT. `vigil findings import` loads a
 * findings export into a running server.
 */
import { Command, InvalidArgumentError } from 'commander'
import { DEFAULT_ACCOUNT_ID } from '../auth/credential-store.js'
import { loadConfig, type VigilConfig } from '../config/config.js'
import { VigilError } from '../core/vigil-error.js'
import { startVigil, VERSION } from '../main.js'
import { importFindingsFile } from './findings-import.js'

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

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof VigilError) {
    console.error(`vigil: ${error.message} (${error.code})`)
    process.exit(2)
  }
  console.error(error)
  process.exit(1)
})
