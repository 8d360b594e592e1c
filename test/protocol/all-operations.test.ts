/**
 * Every operation of both models, driven through the official JS SDK clients over loopback with a valid
 * generated input: implemented operations give their real answer or a modeled error; the others give a
 * 501 `NotImplementedException` naming the operation. Never a client-side parse error.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { validValue } from '../helpers/model-values.js'
import { SDK_SERVICES, type SdkError } from '../helpers/sdk-services.js'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

const OPERATION_COUNTS = { GuardDuty: 84, Inspector2: 75 } as const

for (const svc of SDK_SERVICES) {
  test(`${svc.name}: all ${OPERATION_COUNTS[svc.name]} model operations are reached through the SDK`, async () => {
    const schema = svc.schema
    const operations = Object.values(schema.operations)
    assert.equal(operations.length, OPERATION_COUNTS[svc.name])
    const client = svc.client(server.url)
    const implemented = new Set(server.services.get(schema.signingName)?.implementedOperations())
    assert.ok(implemented.size > 0)
    let answered = 0
    let notImplemented = 0
    for (const [i, op] of operations.entries()) {
      const input = op.input ? validValue(schema, op.input, i + 1) : {}
      try {
        await client.send(svc.command(op.name, input))
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
    assert.equal(answered + notImplemented, OPERATION_COUNTS[svc.name])
  })
}
