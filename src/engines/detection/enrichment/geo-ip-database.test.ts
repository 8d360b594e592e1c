import assert from 'node:assert/strict'
import { test } from 'node:test'
import { geoDetails } from './geo-ip.js'
import { DeferredGeoIp, readMmdbRecord } from './geo-ip-database.js'

test('the DB-IP / ip-location-db flat layout', () => {
  const record = readMmdbRecord({
    city: 'Le Vesinet',
    country_code: 'FR',
    latitude: 48.89,
    longitude: 2.13,
    postcode: '',
    state1: 'Ile-de-France',
    state2: '',
    timezone: '',
  })
  assert.deepEqual(record, { countryCode: 'FR', cityName: 'Le Vesinet', lat: 48.89, lon: 2.13 })
  assert.deepEqual(readMmdbRecord({ country_code: 'ZZ', city: '' }), { countryCode: 'ZZ' })
})

test("MaxMind's GeoIP2/GeoLite2 city and ASN layouts", () => {
  assert.deepEqual(
    readMmdbRecord({
      city: { names: { en: 'London', de: 'London' } },
      country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
      location: { latitude: 51.5, longitude: -0.09, accuracy_radius: 10 },
    }),
    { countryCode: 'GB', countryName: 'United Kingdom', cityName: 'London', lat: 51.5, lon: -0.09 },
  )
  assert.deepEqual(
    readMmdbRecord({
      autonomous_system_number: 16509,
      autonomous_system_organization: 'AMAZON-02',
    }),
    { asn: '16509', asnOrg: 'AMAZON-02' },
  )
  assert.deepEqual(readMmdbRecord(null), {})
})

test('a deferred lookup answers once loaded, and stays empty when loading fails', async () => {
  const deferred = new DeferredGeoIp(() =>
    Promise.resolve({
      lookup: (ip: string) => (ip === '1.1.1.1' ? { countryCode: 'AU' } : undefined),
    }),
  )
  assert.equal(deferred.lookup('1.1.1.1'), undefined)
  await deferred.ready()
  assert.equal(deferred.loaded, true)
  assert.deepEqual(geoDetails(deferred.lookup('1.1.1.1')), { country: { countryCode: 'AU' } })

  const errors: unknown[] = []
  const failing = new DeferredGeoIp(
    () => Promise.reject(new Error('missing file')),
    (error) => errors.push(error),
  )
  await failing.ready()
  await failing.ready()
  assert.equal(errors.length, 1, 'reported once')
  assert.equal(failing.lookup('1.1.1.1'), undefined)
})
