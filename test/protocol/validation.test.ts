/**
 * Validation cases generated from the model constraints of every operation's input: a missing required
 * member, a string one longer than its maximum, a number out of range, a value outside the enum, a
 * string failing the pattern. Each is sent through the real SDK and must come back as the service's
 * validation error naming the field: GuardDuty `BadRequestException` (message names `/field`),
 * Inspector `ValidationException` (`fields[].name`).
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { constraintCases, validValue, type ConstraintKind } from '../helpers/model-values.js'
import { SDK_SERVICES, type SdkError } from '../helpers/sdk-services.js'
import { startTestServer, type TestServer } from '../helpers/vigil-server.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})

for (const svc of SDK_SERVICES) {
  test(`${svc.name}: generated constraint violations are refused naming the field`, async () => {
    const schema = svc.schema
    const client = svc.client(server.url)
    const seen = new Map<ConstraintKind, number>()
    for (const [i, op] of Object.values(schema.operations).entries()) {
      if (!op.input) continue
      const base = validValue(schema, op.input, i + 1) as Record<string, unknown>
      for (const c of constraintCases(schema, op.input)) {
        const input = { ...base }
        if (c.kind === 'required') delete input[c.member]
        else input[c.member] = c.value
        const label = `${op.name} ${c.kind} ${c.wireName}`
        const error = await client.send(svc.command(op.name, input)).then(
          () => assert.fail(`${label}: accepted`),
          (e: unknown) => e as SdkError,
        )
        assert.equal(
          error.$metadata?.httpStatusCode,
          400,
          `${label}: ${error.name} ${error.message}`,
        )
        if (svc.name === 'GuardDuty') {
          assert.equal(error.name, 'BadRequestException', label)
          assert.ok(error.message.includes(`'/${c.wireName}'`), `${label}: ${error.message}`)
        } else {
          assert.equal(error.name, 'ValidationException', label)
          assert.equal(error.reason, 'FIELD_VALIDATION_FAILED', label)
          assert.ok(
            error.fields?.some((f) => f.name === c.wireName),
            `${label}: ${JSON.stringify(error.fields)}`,
          )
        }
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1)
      }
    }
    for (const kind of ['required', 'length', 'enum'] as const)
      assert.ok((seen.get(kind) ?? 0) > 0, `no ${kind} case for ${svc.name}`)
    if (svc.name === 'Inspector2')
      for (const kind of ['range', 'pattern'] as const)
        assert.ok((seen.get(kind) ?? 0) > 0, `no ${kind} case for ${svc.name}`)
  })
}
