/**
 * Every operation of both models, driven through the official JS SDK clients over loopback with a valid
 * generated input: implemented operations give their real answer or a modeled error; the others give a
 * 501 `NotImplementedException` naming the operation. Never a client-side parse error.
 */
import * as gdSdk from '@aws-sdk/client-guardduty'
import * as i2Sdk from '@aws-sdk/client-inspector2'
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { ServiceSchema } from '../../src/protocol/schema.js'
import { schema as gdSchema } from '../../src/services/guardduty/generated/schema.js'
import { schema as i2Schema } from '../../src/services/inspector2/generated/schema.js'
import { validValue } from '../helpers/model-values.js'
import {
  guardDutyClient,
  inspectorClient,
  startTestServer,
  type TestServer,
} from '../helpers/vigil-server.js'

type AnyCommand = new (input: unknown) => never
interface SdkError {
  name: string
  message: string
  $metadata?: { httpStatusCode?: number }
}
interface Sender {
  send(command: never): Promise<unknown>
}

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const cases = [
  { name: 'GuardDuty', sdk: gdSdk, schema: gdSchema, client: guardDutyClient, operations: 84 },
  { name: 'Inspector2', sdk: i2Sdk, schema: i2Schema, client: inspectorClient, operations: 75 },
] as const

for (const svc of cases) {
  test(`${svc.name}: all ${svc.operations} model operations are reached through the SDK`, async () => {
    const schema: ServiceSchema = svc.schema
    const operations = Object.values(schema.operations)
    assert.equal(operations.length, svc.operations)
    const client = svc.client(server.url) as unknown as Sender
    const implemented = new Set(server.services.get(schema.signingName)?.implementedOperations())
    assert.ok(implemented.size > 0)
    let answered = 0
    let notImplemented = 0
    for (const [i, op] of operations.entries()) {
      const Command = (svc.sdk as unknown as Record<string, AnyCommand | undefined>)[
        `${op.name}Command`
      ]
      assert.ok(Command, `the SDK has ${op.name}Command`)
      const input = op.input ? validValue(schema, op.input, i + 1) : {}
      try {
        await client.send(new Command(input))
        assert.ok(implemented.has(op.name), `${op.name} answered without a handler`)
        answered++
      } catch (error) {
        const err = error as SdkError
        const status = err.$metadata?.httpStatusCode
        assert.ok(
          status,
          `${op.name}: the SDK did not get a service response: ${err.name} ${err.message}`,
        )
        if (implemented.has(op.name)) {
          assert.ok(op.errors.includes(err.name), `${op.name}: undeclared error ${err.name}`)
          assert.doesNotMatch(
            err.message,
            /validation error/,
            `${op.name}: generated input refused`,
          )
          answered++
        } else {
          assert.equal(status, 501, `${op.name}: ${err.name} ${err.message}`)
          assert.equal(err.name, 'NotImplementedException')
          assert.match(err.message, new RegExp(`\\b${op.name}\\b`))
          notImplemented++
        }
      }
    }
    assert.equal(answered, implemented.size)
    assert.equal(answered + notImplemented, svc.operations)
  })
}
