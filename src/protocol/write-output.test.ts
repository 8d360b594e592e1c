import assert from 'node:assert/strict'
import { test } from 'node:test'
import { schema as gd } from '../services/guardduty/generated/schema.js'
import { BadRequestException } from '../services/guardduty/generated/errors.js'
import { schema as i2 } from '../services/inspector2/generated/schema.js'
import { ValidationException } from '../services/inspector2/generated/errors.js'
import { writeError, writeStructure } from './write-output.js'

test('outputs use jsonNames, epoch-second timestamps, and drop unknown and empty members', () => {
  const { body } = writeStructure(gd, 'GetDetectorResponse', {
    CreatedAt: '2024-01-01T00:00:00.000Z',
    ServiceRole: 'role',
    Status: 'ENABLED',
    Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED', UpdatedAt: new Date(1700000000123) }],
    Tags: {},
    Secret: 'internal',
    FindingPublishingFrequency: undefined,
  })
  assert.deepEqual(body, {
    createdAt: '2024-01-01T00:00:00.000Z',
    serviceRole: 'role',
    status: 'ENABLED',
    features: [{ name: 'S3_DATA_EVENTS', status: 'ENABLED', updatedAt: 1700000000.123 }],
    tags: {},
  })
})

test('required members with a default are filled on output', () => {
  const schema = {
    ...i2,
    shapes: {
      Out: {
        type: 'structure' as const,
        members: {
          count: { target: 'smithy.api#Long', required: true as const, default: 0 },
          optional: { target: 'smithy.api#Long', default: 0 },
        },
      },
      'smithy.api#Long': { type: 'long' as const },
    },
  }
  assert.deepEqual(writeStructure(schema, 'Out', {}).body, { count: 0 })
})

test('errors serialize their members under wire names', () => {
  const gdErr = writeError(gd, new BadRequestException('bad', { Type: 'InvalidInputException' }))
  assert.deepEqual(gdErr.body, { message: 'bad', __type: 'InvalidInputException' })
  const i2Err = writeError(
    i2,
    new ValidationException('nope', {
      reason: 'FIELD_VALIDATION_FAILED',
      fields: [{ name: 'a', message: 'b' }],
    }),
  )
  assert.deepEqual(i2Err.body, {
    message: 'nope',
    reason: 'FIELD_VALIDATION_FAILED',
    fields: [{ name: 'a', message: 'b' }],
  })
})
