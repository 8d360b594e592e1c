/**
 * Both services as the model-driven suites see them: the generated table, the official SDK client and a
 * way to build any operation's SDK command by name, so one loop can drive every operation of a service.
 */
import * as gdSdk from '@aws-sdk/client-guardduty'
import * as i2Sdk from '@aws-sdk/client-inspector2'
import type { ServiceSchema } from '../../src/protocol/schema.js'
import { schema as gdSchema } from '../../src/services/guardduty/generated/schema.js'
import { schema as i2Schema } from '../../src/services/inspector2/generated/schema.js'
import { guardDutyClient, inspectorClient } from './vigil-server.js'

/** What an SDK error carries that the suites look at. */
export interface SdkError {
  readonly name: string
  readonly message: string
  readonly reason?: string
  readonly fields?: readonly { readonly name: string; readonly message: string }[]
  readonly $metadata?: { readonly httpStatusCode?: number }
}

export interface SdkService {
  readonly name: 'GuardDuty' | 'Inspector2'
  readonly schema: ServiceSchema
  /** An SDK client for the server at `url` (development credentials). */
  client(url: string): { send(command: never): Promise<unknown> }
  /** The SDK command for operation `name` with `input`; throws when the SDK lacks it. */
  command(name: string, input: unknown): never
}

type Commands = Record<string, (new (input: unknown) => never) | undefined>

function commandFrom(sdk: object, name: string, input: unknown): never {
  const Command = (sdk as Commands)[`${name}Command`]
  if (!Command) throw new Error(`the SDK has no ${name}Command`)
  return new Command(input)
}

export const SDK_SERVICES: readonly SdkService[] = [
  {
    name: 'GuardDuty',
    schema: gdSchema,
    client: (url) => guardDutyClient(url),
    command: (name, input) => commandFrom(gdSdk, name, input),
  },
  {
    name: 'Inspector2',
    schema: i2Schema,
    client: (url) => inspectorClient(url),
    command: (name, input) => commandFrom(i2Sdk, name, input),
  },
]
