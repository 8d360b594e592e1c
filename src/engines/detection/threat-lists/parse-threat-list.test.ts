import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  parseThreatList,
  ThreatListFormatError,
  type ParsedThreatList,
  type ThreatListFormat,
} from './parse-threat-list.js'
import { REJECTION } from './read-threat-list-entry.js'

const ENTITY = { allowDomains: true } as const
const IP_LIST = { allowDomains: false } as const

function assertFormatError(
  format: ThreatListFormat,
  content: string,
  pattern: RegExp,
  options: { readonly allowDomains: boolean } = ENTITY,
): void {
  assert.throws(
    () => parseThreatList(format, content, options),
    (error: unknown) => {
      assert.ok(error instanceof ThreatListFormatError, String(error))
      assert.equal(error.format, format)
      assert.match(error.message, pattern)
      return true
    },
  )
}

function assertParsed(actual: ParsedThreatList, expected: ParsedThreatList): void {
  assert.deepEqual(actual, expected)
}

// --- TXT ------------------------------------------------------------------------------------

const TXT_SAMPLE = `# Vigil threat list: scanners and C2 seen by the SOC
# one IPv4 address, CIDR or domain per line

45.33.32.156
185.220.101.0/24
   23.129.64.131   
192.168.10.4
not_an_ip!
8.8.4.4/32
45.33.32.156
91.219.237.77/23
Malware-C2.Example.net.
*.bad-cdn.example.com
`

test('TXT: addresses, CIDRs and domains of an entity list, with comments and blank lines', () => {
  assertParsed(parseThreatList('TXT', TXT_SAMPLE, ENTITY), {
    entries: {
      ips: ['45.33.32.156', '23.129.64.131', '8.8.4.4'],
      cidrs: ['185.220.101.0/24', '91.219.236.0/23'],
      domains: ['malware-c2.example.net', '*.bad-cdn.example.com'],
    },
    rejected: [
      { line: 7, text: '192.168.10.4', reason: 'not publicly routable (private)' },
      { line: 8, text: 'not_an_ip!', reason: 'not an IPv4 address, CIDR or domain name' },
    ],
    count: 7,
  })
})

test('TXT: an IP list refuses the domains', () => {
  const parsed = parseThreatList('TXT', TXT_SAMPLE, IP_LIST)
  assert.deepEqual(parsed.entries.domains, [])
  assert.equal(parsed.count, 5)
  assert.deepEqual(parsed.rejected, [
    { line: 7, text: '192.168.10.4', reason: 'not publicly routable (private)' },
    { line: 8, text: 'not_an_ip!', reason: 'not an IPv4 address or CIDR' },
    { line: 12, text: 'Malware-C2.Example.net.', reason: REJECTION.domainNotAllowed },
    { line: 13, text: '*.bad-cdn.example.com', reason: REJECTION.domainNotAllowed },
  ])
})

test('TXT: CRLF line endings and a byte-order mark keep line numbers right', () => {
  const parsed = parseThreatList('TXT', '\uFEFF# list\r\n10.0.0.1\r\n\r\n1.1.1.1\r\n', IP_LIST)
  assert.deepEqual(parsed.entries.ips, ['1.1.1.1'])
  assert.deepEqual(parsed.rejected, [
    { line: 2, text: '10.0.0.1', reason: 'not publicly routable (private)' },
  ])
})

// --- STIX -----------------------------------------------------------------------------------

const STIX_OBSERVABLES = `<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:stix="http://stix.mitre.org/stix-1"
    xmlns:cybox="http://cybox.mitre.org/cybox-2"
    xmlns:AddressObject="http://cybox.mitre.org/objects#AddressObject-2"
    xmlns:example="http://example.com/"
    id="example:STIXPackage-a78fc4e3-df94-42dd-a074-6de62babfe16"
    version="1.2">
    <!-- Weekly export: scanners and bulletproof hosting -->
    <stix:Observables cybox_major_version="2" cybox_minor_version="1">
        <cybox:Observable id="example:observable-80b26f43-dc41-43ff-861d-19aff31e0236">
            <cybox:Object id="example:object-161a5438-1c26-4275-ba44-a35ba963c245">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
                    <AddressObject:Address_Value condition="InclusiveBetween">5.188.206.0##comma##5.188.207.127</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
        <cybox:Observable id="example:observable-b442b399-aea4-436f-bb34-b9ef6c5ed8ab">
            <cybox:Object id="example:object-b422417f-bf78-4b34-ba2d-de4b09590a6d">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
                    <AddressObject:Address_Value>185.220.101.34</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
        <cybox:Observable id="example:observable-1742fa06-8b5e-4449-9d89-6f9f32595784">
            <cybox:Object id="example:object-dc73b749-8a31-46be-803f-71df77565391">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-net">
                    <AddressObject:Address_Value>194.165.16.0/23</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
        <cybox:Observable id="example:observable-2f1c0b6e-5b8e-4f43-9d67-0c1d2e3f4a5b">
            <cybox:Object id="example:object-3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
                    <AddressObject:Address_Value condition="Equals" apply_condition="ANY">45.33.32.156##comma##162.247.74.7</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
        <cybox:Observable id="example:observable-6d5c4b3a-2918-4766-a554-433221100fed">
            <cybox:Object id="example:object-7e6d5c4b-3a29-4187-a665-544332211000">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
                    <AddressObject:Address_Value>10.8.0.1</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
        <cybox:Observable id="example:observable-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a">
            <cybox:Object id="example:object-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d">
                <cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
                    <AddressObject:Address_Value>185.220.101</AddressObject:Address_Value>
                </cybox:Properties>
            </cybox:Object>
        </cybox:Observable>
    </stix:Observables>
</stix:STIX_Package>
`

test('STIX: AddressObjects under Observables, with an InclusiveBetween range and a value list', () => {
  assertParsed(parseThreatList('STIX', STIX_OBSERVABLES, IP_LIST), {
    entries: {
      ips: ['185.220.101.34', '45.33.32.156', '162.247.74.7'],
      // 5.188.206.0 .. 5.188.207.127 is one /24 and one /25.
      cidrs: ['5.188.206.0/24', '5.188.207.0/25', '194.165.16.0/23'],
      domains: [],
    },
    rejected: [
      { line: 43, text: '10.8.0.1', reason: 'not publicly routable (private)' },
      { line: 50, text: '185.220.101', reason: 'invalid IPv4 address' },
    ],
    count: 6,
  })
})

const STIX_INDICATORS = `<?xml version="1.0" encoding="UTF-8"?>
<stix:STIX_Package
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:stix="http://stix.mitre.org/stix-1"
    xmlns:indicator="http://stix.mitre.org/Indicator-2"
    xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1"
    xmlns:cybox="http://cybox.mitre.org/cybox-2"
    xmlns:Addr="http://cybox.mitre.org/objects#AddressObject-2"
    xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1"
    xmlns:URIObj="http://cybox.mitre.org/objects#URIObject-2"
    id="acme:Package-a1b2c3d4-1111-2222-3333-444455556666"
    version="1.2">
    <stix:Indicators>
        <stix:Indicator id="acme:indicator-a1b2c3d4-aaaa-bbbb-cccc-ddddeeeeffff" timestamp="2024-05-01T00:00:00Z" xsi:type="indicator:IndicatorType">
            <indicator:Title>Phishing domains, campaign 2024-17</indicator:Title>
            <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">Domain Watchlist</indicator:Type>
            <indicator:Observable id="acme:Observable-0000-1111-2222-3333">
                <cybox:Object id="acme:Object-0000-1111-2222-3333">
                    <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType" type="FQDN">
                        <DomainNameObj:Value condition="Equals">Login.Example-Bank.net.</DomainNameObj:Value>
                    </cybox:Properties>
                </cybox:Object>
            </indicator:Observable>
        </stix:Indicator>
        <stix:Indicator id="acme:indicator-b2c3d4e5-aaaa-bbbb-cccc-ddddeeeeffff" timestamp="2024-05-01T00:00:00Z" xsi:type="indicator:IndicatorType">
            <indicator:Title>C2 servers</indicator:Title>
            <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">IP Watchlist</indicator:Type>
            <indicator:Observable id="acme:Observable-1111-2222-3333-4444">
                <cybox:Object id="acme:Object-1111-2222-3333-4444">
                    <cybox:Properties xsi:type="Addr:AddressObjectType">
                        <Addr:Address_Value>104.244.72.115</Addr:Address_Value>
                    </cybox:Properties>
                </cybox:Object>
            </indicator:Observable>
        </stix:Indicator>
        <stix:Indicator id="acme:indicator-c3d4e5f6-aaaa-bbbb-cccc-ddddeeeeffff" timestamp="2024-05-01T00:00:00Z" xsi:type="indicator:IndicatorType">
            <indicator:Title>Landing page</indicator:Title>
            <indicator:Observable id="acme:Observable-2222-3333-4444-5555">
                <cybox:Object id="acme:Object-2222-3333-4444-5555">
                    <cybox:Properties xsi:type="URIObj:URIObjectType" type="URL">
                        <URIObj:Value condition="Equals">http://login.example-bank.net/owa/</URIObj:Value>
                    </cybox:Properties>
                </cybox:Object>
            </indicator:Observable>
        </stix:Indicator>
        <stix:Indicator id="acme:indicator-d4e5f6a7-aaaa-bbbb-cccc-ddddeeeeffff" timestamp="2024-05-01T00:00:00Z" xsi:type="indicator:IndicatorType">
            <indicator:Title>Internal relays (should not be here)</indicator:Title>
            <indicator:Observable id="acme:Observable-3333-4444-5555-6666">
                <cybox:Object id="acme:Object-3333-4444-5555-6666">
                    <cybox:Properties xsi:type="Addr:AddressObjectType" category="ipv4-addr">
                        <Addr:Address_Value>172.16.0.10</Addr:Address_Value>
                    </cybox:Properties>
                </cybox:Object>
            </indicator:Observable>
        </stix:Indicator>
        <stix:Indicator id="acme:indicator-e5f6a7b8-aaaa-bbbb-cccc-ddddeeeeffff" timestamp="2024-05-01T00:00:00Z" xsi:type="indicator:IndicatorType">
            <indicator:Title>Typo squats</indicator:Title>
            <indicator:Observable id="acme:Observable-4444-5555-6666-7777">
                <cybox:Object id="acme:Object-4444-5555-6666-7777">
                    <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
                        <DomainNameObj:Value>paypa1_secure!.com</DomainNameObj:Value>
                    </cybox:Properties>
                </cybox:Object>
            </indicator:Observable>
        </stix:Indicator>
    </stix:Indicators>
</stix:STIX_Package>
`

test('STIX: Indicators with AddressObjects and DomainNameObjects, any namespace prefix', () => {
  assertParsed(parseThreatList('STIX', STIX_INDICATORS, ENTITY), {
    entries: { ips: ['104.244.72.115'], cidrs: [], domains: ['login.example-bank.net'] },
    rejected: [
      { line: 51, text: '172.16.0.10', reason: 'not publicly routable (private)' },
      { line: 61, text: 'paypa1_secure!.com', reason: 'not a valid domain name' },
    ],
    count: 2,
  })
})

test('STIX: blank lines before the XML declaration are tolerated and counted', () => {
  const parsed = parseThreatList('STIX', `\n\n${STIX_OBSERVABLES}`, IP_LIST)
  assert.equal(parsed.count, 6)
  assert.deepEqual(
    parsed.rejected.map((r) => r.line),
    [45, 52],
  )
  assertFormatError(
    'STIX',
    '\n\n<stix:STIX_Package>\n<a></stix:STIX_Package>',
    /saw an error at line 4, /,
  )
})

test('STIX: an IP list refuses DomainNameObjects', () => {
  const parsed = parseThreatList('STIX', STIX_INDICATORS, IP_LIST)
  assert.deepEqual(parsed.entries, { ips: ['104.244.72.115'], cidrs: [], domains: [] })
  assert.deepEqual(parsed.rejected[0], {
    line: 20,
    text: 'Login.Example-Bank.net.',
    reason: REJECTION.domainNotAllowed,
  })
})

/** A minimal package holding the given `cybox:Properties` elements, one per line from line 3. */
function stixPackage(...properties: string[]): string {
  return [
    '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2">',
    '<stix:Observables cybox_major_version="2" cybox_minor_version="1">',
    ...properties.map(
      (p) => `<cybox:Observable><cybox:Object>${p}</cybox:Object></cybox:Observable>`,
    ),
    '</stix:Observables>',
    '</stix:STIX_Package>',
  ].join('\n')
}

function addressObject(value: string, attributes = ''): string {
  return `<cybox:Properties xsi:type="AddressObj:AddressObjectType"${attributes}><AddressObj:Address_Value>${value}</AddressObj:Address_Value></cybox:Properties>`
}

test('STIX: ranges, IPv6 and other address categories', () => {
  const parsed = parseThreatList(
    'STIX',
    stixPackage(
      addressObject('9.255.255.252##comma##10.0.0.3').replace(
        '<AddressObj:Address_Value>',
        '<AddressObj:Address_Value condition="InclusiveBetween">',
      ),
      addressObject('2001:db8::1', ' category="ipv6-addr"'),
      addressObject('admin@example.org', ' category="e-mail"'),
      addressObject('1.1.1.1', ' category="ipv4-addr"').replace(
        '<AddressObj:Address_Value>',
        '<AddressObj:Address_Value condition="StartsWith">',
      ),
      addressObject('1.0.0.1'),
    ),
    IP_LIST,
  )
  assert.deepEqual(parsed.entries, { ips: ['1.0.0.1'], cidrs: [], domains: [] })
  assert.deepEqual(parsed.rejected, [
    {
      line: 3,
      text: '9.255.255.252##comma##10.0.0.3',
      reason: 'block 10.0.0.0/30 of the range: not publicly routable (private)',
    },
    { line: 4, text: '2001:db8::1', reason: REJECTION.ipv6 },
    { line: 6, text: '1.1.1.1', reason: "unsupported condition 'StartsWith'; expected Equals" },
  ])
})

// --- OTX_CSV --------------------------------------------------------------------------------

const OTX_SAMPLE = `Indicator type, Indicator, Description
IPv4, 185.220.101.34, Tor exit node brute forcing SSH
CIDR, 194.165.16.0/23, Bulletproof hosting range

Domain name, login-micros0ft.example.com, Credential phishing
URL, http://login-micros0ft.example.com/owa, Phishing landing page
FileHash-SHA256, 9f2b5c1a7e0d4c3b2a19f8e7d6c5b4a39f2b5c1a7e0d4c3b2a19f8e7d6c5b4a3, Dropper
IPv4, 172.16.5.9, Internal sinkhole
IPv4, 185.220.101, Truncated export
IPv4,45.33.32.156,"Scanner, very noisy"
`

test('OTX_CSV: typed indicators, other types ignored, spaces after commas tolerated', () => {
  assertParsed(parseThreatList('OTX_CSV', OTX_SAMPLE, ENTITY), {
    entries: {
      ips: ['185.220.101.34', '45.33.32.156'],
      cidrs: ['194.165.16.0/23'],
      domains: ['login-micros0ft.example.com'],
    },
    rejected: [
      { line: 8, text: '172.16.5.9', reason: 'not publicly routable (private)' },
      { line: 9, text: '185.220.101', reason: 'invalid IPv4 address' },
    ],
    count: 4,
  })
})

test('OTX_CSV: an IP list refuses Domain name rows', () => {
  const parsed = parseThreatList('OTX_CSV', OTX_SAMPLE, IP_LIST)
  assert.deepEqual(parsed.entries.domains, [])
  assert.deepEqual(parsed.rejected[0], {
    line: 5,
    text: 'login-micros0ft.example.com',
    reason: REJECTION.domainNotAllowed,
  })
})

// --- FIRE_EYE -------------------------------------------------------------------------------

const FIRE_EYE_SAMPLE = `reportId, title, threatScape, audience, intelligenceType, publishDate, reportLink, webLink, emailIdentifier, senderAddress, senderName, sourceDomain, sourceIp, subject, recipient, emailLanguage, fileName, fileSize, fuzzyHash, fileIdentifier, md5, sha1, sha256, description, fileType, packer, userAgent, registry, fileCompilationDateTime, filePath, asn, cidr, domain, domainTimeOfLookup, networkIdentifier, ip, port, protocol, registrantEmail, registrantName, networkType, url, malwareFamily, malwareFamilyId, actor, actorId, observationTime

24-00012345, Emotet epoch 5 C2 infrastructure, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012345, https://intelligence.fireeye.com/reports/24-00012345,,,,,,,,,,,,,,,,,,,,,,, 14061, 194.165.16.0/23,,, Attacker,,,,,, network,, Emotet, 5b4a6d4c-52d8-4a0f-9f0e-3d4b2b1c1a01,,, 1714521600

24-00012346, QakBot loader callback, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012346, https://intelligence.fireeye.com/reports/24-00012346,,,,,,,,,,,,,,,,,,,,,,,,,,, Related, 185.220.101.34, 443, TCP,,, network,, QakBot, 8a78c3db-7bcb-40bc-a080-75bd35a2572d,,, 1714521600

24-00012347, Phishing kit hosting, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012347, https://intelligence.fireeye.com/reports/24-00012347,,,,,,,,,,,,,,,,,,,,,,,, 91.219.236.0/24, Secure-Login.Example-Bank.net, 1714521000, Attacker, 91.219.236.18, 80, TCP,,, network, http://secure-login.example-bank.net/owa/,,,,, 1714521600

24-00012348, Lateral movement staging host, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012348, https://intelligence.fireeye.com/reports/24-00012348,,,,,,,,,,,,,,,,,,,,,,,,,,, Victim, 10.12.0.7, 445, TCP,,, network,,,,,, 1714521600

24-00012349, Dropper sample, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012349, https://intelligence.fireeye.com/reports/24-00012349,,,,,,,,, invoice.pdf.exe, 482816,,, 0f343b0931126a20f133d67c2b018a3b,,,,,,,,,,,,,,,,,,,, network,, Emotet, 5b4a6d4c-52d8-4a0f-9f0e-3d4b2b1c1a01,,, 1714521600

24-00012350, Malformed export, Cyber Crime, Operational, threat, 1714521600, https://intelligence.fireeye.com/reports/24-00012350, https://intelligence.fireeye.com/reports/24-00012350,,,,,,,,,,,,,,,,,,,,,,,,,,, Attacker, 185.220.101.300, 8080, UDP,,, network,,,,,, 1714521600
`

test('FIRE_EYE: the sample rows have the 47 header columns', () => {
  const lines = FIRE_EYE_SAMPLE.split('\n').filter((line) => line !== '')
  assert.equal(lines.length, 7)
  for (const line of lines) assert.equal(line.split(',').length, 47, line)
})

test('FIRE_EYE: cidr, ip and domain columns found by header name', () => {
  assertParsed(parseThreatList('FIRE_EYE', FIRE_EYE_SAMPLE, ENTITY), {
    entries: {
      ips: ['185.220.101.34', '91.219.236.18'],
      cidrs: ['194.165.16.0/23', '91.219.236.0/24'],
      domains: ['secure-login.example-bank.net'],
    },
    rejected: [
      { line: 9, text: '10.12.0.7', reason: 'not publicly routable (private)' },
      { line: 13, text: '185.220.101.300', reason: 'invalid IPv4 address' },
    ],
    count: 5,
  })
})

test('FIRE_EYE: columns may come in any order', () => {
  const parsed = parseThreatList(
    'FIRE_EYE',
    'ip, reportId, domain, cidr\n1.0.0.1, 24-1, evil.example.com,\n',
    ENTITY,
  )
  assert.deepEqual(parsed.entries, { ips: ['1.0.0.1'], cidrs: [], domains: ['evil.example.com'] })
})

// --- PROOF_POINT ----------------------------------------------------------------------------

const PROOF_POINT_SAMPLE = `domain, category, score, first_seen, last_seen, ports (|)
185.220.101.34, 1, 100, 2024-03-01, 2024-04-30,
malware-drop.example.net, 3, 62, 2024-01-20, 2024-04-28, 80|443

10.20.30.40, 1, 100, 2024-03-01, 2024-04-30,
12.34.56, 1, 100, 2024-03-01, 2024-04-30, 25
45.33.32.156, 5, 87, 2024-02-11, 2024-04-29, 22|80|443
23.129.64.0/24, 5, 80, 2024-02-11, 2024-04-29,
`

test('PROOF_POINT: first column is the indicator; empty ports with a trailing comma', () => {
  assertParsed(parseThreatList('PROOF_POINT', PROOF_POINT_SAMPLE, ENTITY), {
    entries: {
      ips: ['185.220.101.34', '45.33.32.156'],
      cidrs: ['23.129.64.0/24'],
      domains: ['malware-drop.example.net'],
    },
    rejected: [
      { line: 5, text: '10.20.30.40', reason: 'not publicly routable (private)' },
      { line: 6, text: '12.34.56', reason: 'invalid IPv4 address' },
    ],
    count: 4,
  })
})

test('PROOF_POINT: the IP-list header starts with ip; domains are refused there', () => {
  const parsed = parseThreatList(
    'PROOF_POINT',
    PROOF_POINT_SAMPLE.replace(/^domain,/, 'ip,'),
    IP_LIST,
  )
  assert.deepEqual(parsed.entries.domains, [])
  assert.deepEqual(parsed.rejected[0], {
    line: 3,
    text: 'malware-drop.example.net',
    reason: REJECTION.domainNotAllowed,
  })
})

// --- ALIEN_VAULT ----------------------------------------------------------------------------

const ALIEN_VAULT_SAMPLE = `185.220.101.34#4#2#Malicious Host#DE##51.2993011475,9.4910001755#3
45.33.32.156#4#2#Scanning Host#US#Fremont#37.5483016968,-121.988601685#3

192.168.0.77#4#2#Malicious Host#US##0.0,0.0#3
www.Evil-Updates.example.org#4#2#Malicious Host#CA#Brossard#45.4673995972,-73.4832000732#3
162.247.74.7#3#4#C&C;Malicious Host#US#New York#40.7127990723,-74.0059967041#11
host 77.88.55.60 seen scanning
45.33.32.156#4#2#Scanning Host#US#Fremont#37.5483016968,-121.988601685#3
`

test('ALIEN_VAULT: indicator is the first of the #-separated fields', () => {
  assertParsed(parseThreatList('ALIEN_VAULT', ALIEN_VAULT_SAMPLE, ENTITY), {
    entries: {
      ips: ['185.220.101.34', '45.33.32.156', '162.247.74.7'],
      cidrs: [],
      domains: ['www.evil-updates.example.org'],
    },
    rejected: [
      { line: 4, text: '192.168.0.77', reason: 'not publicly routable (private)' },
      {
        line: 7,
        text: 'host 77.88.55.60 seen scanning',
        reason:
          "expected 8 '#'-separated fields " +
          '(indicator#reliability#risk#activity#country#city#lat,lon#flag), saw 1',
      },
    ],
    count: 4,
  })
})

test('ALIEN_VAULT: an IP list refuses domains', () => {
  const parsed = parseThreatList('ALIEN_VAULT', ALIEN_VAULT_SAMPLE, IP_LIST)
  assert.deepEqual(parsed.entries.domains, [])
  assert.ok(
    parsed.rejected.some(
      (r) =>
        r.line === 5 &&
        r.text === 'www.Evil-Updates.example.org' &&
        r.reason === REJECTION.domainNotAllowed,
    ),
  )
})

// --- whole-file errors ----------------------------------------------------------------------

test('STIX: a file that is not XML, not well-formed, or not a STIX package is refused', () => {
  assertFormatError('STIX', '185.220.101.34\n45.33.32.156\n', /expected an XML document.*185\.220/)
  assertFormatError(
    'STIX',
    '<stix:STIX_Package><stix:Observables></stix:STIX_Package>',
    /expected well-formed XML, saw an error at line 1/,
  )
  assertFormatError(
    'STIX',
    '<?xml version="1.0"?>\n<html><body>Not found</body></html>',
    /expected a single STIX_Package root element, saw <html>/,
  )
})

test('CSV formats: a file without its header is refused, naming the header', () => {
  assertFormatError(
    'OTX_CSV',
    'IPv4, 185.220.101.34, Tor exit\nCIDR, 194.165.16.0/23, hosting\n',
    /expected the header 'Indicator type, Indicator, Description', saw 'IPv4, 185\.220\.101\.34, Tor exit' on line 1/,
  )
  assertFormatError(
    'FIRE_EYE',
    '# export\n24-00012346, QakBot loader callback, Cyber Crime, Operational\n',
    /expected the header 'reportId, title, .*', saw '24-00012346, QakBot .*' on line 2/,
  )
  assertFormatError(
    'PROOF_POINT',
    '185.220.101.34, 1, 100, 2024-03-01, 2024-04-30,\n',
    /expected the header 'domain\|ip, category, score, first_seen, last_seen, ports \(\|\)'/,
  )
  assertFormatError('OTX_CSV', 'Indicator type, Indicator\n"IPv4, 1.1.1.1\n', /unreadable CSV/)
})

test('every format: data without a single usable entry is refused', () => {
  const files: [ThreatListFormat, string][] = [
    ['TXT', '# only private space\n10.0.0.1\n192.168.0.0/16\n'],
    ['STIX', stixPackage(addressObject('10.0.0.1'), addressObject('fe80::1'))],
    ['OTX_CSV', 'Indicator type, Indicator, Description\nURL, http://x.example.com/, phish\n'],
    ['FIRE_EYE', 'reportId, cidr, domain, ip\n24-1,,, 127.0.0.1\n24-2, , ,\n24-3, md5-only, ,\n'],
    ['PROOF_POINT', 'ip, category, score, first_seen, last_seen, ports (|)\n0.0.0.0, 1, 1, , ,\n'],
    ['ALIEN_VAULT', '1.2.3.4 5.6.7.8\n224.0.0.1#4#2#Malicious Host#US##0.0,0.0#3\n'],
  ]
  for (const [format, content] of files) {
    assertFormatError(format, content, /no usable entry: expected .*, saw \d+ data item/, IP_LIST)
  }
  // The message names the first refusal.
  assertFormatError(
    'TXT',
    '10.0.0.1\n',
    /saw 1 data item\(s\), 1 rejected; first: line 1 '10\.0\.0\.1': not publicly routable \(private\)/,
  )
})

test('every format: files without data parse to an empty list', () => {
  const empty = { entries: { ips: [], cidrs: [], domains: [] }, rejected: [], count: 0 }
  const files: [ThreatListFormat, string][] = [
    ['TXT', ''],
    ['TXT', '  \n\n# nothing yet\n'],
    ['STIX', '\n'],
    ['STIX', stixPackage()],
    ['OTX_CSV', 'Indicator type, Indicator, Description\n'],
    ['FIRE_EYE', '# no reports today\n'],
    ['PROOF_POINT', 'ip, category, score, first_seen, last_seen, ports (|)\n\n'],
    ['ALIEN_VAULT', '\n\n'],
  ]
  for (const [format, content] of files) {
    assert.deepEqual(parseThreatList(format, content, ENTITY), empty, `${format} ${content}`)
  }
})
