/**
 * Sample findings of network activity: EC2 findings from VPC flow logs (connections and port probes, with
 * the direction, protocol and ports each technique implies) and from DNS logs (the query with the domain
 * the technique implies — GuardDuty's published test domains where it has one), Lambda network findings,
 * and RDS login findings. The per-technique tables are shared with the Runtime Monitoring samples.
 */
import {
  anomalyDetection,
  dnsRequestAction,
  networkConnectionAction,
  portProbeAction,
  rdsLoginAttemptAction,
} from './sample-actions.js'
import {
  callerKind,
  SAMPLE_THREAT_LIST,
  threatEvidence,
  typeName,
  type SampleInput,
  type SampleParts,
  type Wire,
} from './sample-parts.js'
import {
  instanceDetails,
  lambdaDetails,
  rdsDbInstanceDetails,
  rdsDbUserDetails,
} from './sample-resources.js'
import { remoteIpDetails, type SampleValues } from './sample-values.js'

/** Threat intelligence behind a detection: `[threat list, threat name]`. */
type Threat = readonly [string, string]

const AMAZON = 'Amazon'
const CUSTOM: Threat = [SAMPLE_THREAT_LIST, 'SampleThreatListEntry']

/** How a flow-log technique shows in a connection. */
export interface FlowSpec {
  readonly direction: 'INBOUND' | 'OUTBOUND'
  readonly protocol: string
  /** The service port: remote for outbound connections, local for inbound ones and probes. */
  readonly port: number
  readonly role: 'ACTOR' | 'TARGET'
  readonly threat?: Threat
  readonly probe?: boolean
  readonly windows?: boolean
}

const out = (port: number, protocol = 'TCP', threat?: Threat): FlowSpec => ({
  direction: 'OUTBOUND',
  protocol,
  port,
  role: 'ACTOR',
  ...(threat ? { threat } : {}),
})

/** Flow-log techniques (shared by EC2, Lambda and Runtime Monitoring types). */
export const FLOW_SPECS: Readonly<Record<string, FlowSpec>> = {
  'C&CActivity.B': out(443, 'TCP', [AMAZON, 'CommandAndControlServer']),
  'DenialOfService.Dns': out(53, 'UDP'),
  'DenialOfService.Tcp': out(80),
  'DenialOfService.Udp': out(123, 'UDP'),
  'DenialOfService.UdpOnTcpPorts': out(80, 'UDP'),
  'DenialOfService.UnusualProtocol': out(0, 'IGMP'),
  Spambot: out(25),
  NetworkPortUnusual: out(6667),
  TrafficVolumeUnusual: out(443),
  'BitcoinTool.B': out(3333, 'TCP', [AMAZON, 'CryptoCurrencyMiningPool']),
  UnusualDNSResolver: out(53, 'UDP'),
  UnusualDoHActivity: out(443),
  UnusualDoTActivity: out(853),
  PortSweep: out(23),
  WinRMBruteForce: {
    direction: 'INBOUND',
    protocol: 'TCP',
    port: 5985,
    role: 'TARGET',
    windows: true,
  },
  PortProbeEMRUnprotectedPort: {
    direction: 'INBOUND',
    protocol: 'TCP',
    port: 8088,
    role: 'TARGET',
    probe: true,
    threat: [AMAZON, 'Scanner'],
  },
  PortProbeUnprotectedPort: {
    direction: 'INBOUND',
    protocol: 'TCP',
    port: 22,
    role: 'TARGET',
    probe: true,
    threat: [AMAZON, 'Scanner'],
  },
  Portscan: out(3306),
  BlackholeTraffic: out(80, 'TCP', [AMAZON, 'SinkholedHost']),
  DropPoint: out(443, 'TCP', [AMAZON, 'MalwareDropPoint']),
  'MaliciousIPCaller.Custom': out(443, 'TCP', CUSTOM),
  RDPBruteForce: {
    direction: 'INBOUND',
    protocol: 'TCP',
    port: 3389,
    role: 'TARGET',
    windows: true,
  },
  SSHBruteForce: { direction: 'INBOUND', protocol: 'TCP', port: 22, role: 'TARGET' },
  TorClient: out(9001),
  TorRelay: { direction: 'INBOUND', protocol: 'TCP', port: 9001, role: 'ACTOR' },
  ReverseShell: out(4444),
}

/** How a DNS technique shows in a query. */
export interface DnsSpec {
  readonly domain: (values: SampleValues) => string
  readonly threat?: Threat
}

const fixed = (domain: string, threat?: Threat): DnsSpec => ({
  domain: () => domain,
  ...(threat ? { threat } : {}),
})

/** DNS techniques (shared by EC2 and Runtime Monitoring types). */
export const DNS_SPECS: Readonly<Record<string, DnsSpec>> = {
  'C&CActivity.B!DNS': fixed('c2.guarddutyc2activityb.com', [AMAZON, 'CommandAndControlServer']),
  'BitcoinTool.B!DNS': fixed('crypto.guarddutyc2activityb.com', [AMAZON, 'CryptoCurrencyDomain']),
  'AbusedDomainRequest.Reputation': fixed('abused-rep.guarddutyc2activityb.com'),
  'BitcoinDomainRequest.Reputation': fixed('crypto-rep.guarddutyc2activityb.com'),
  'MaliciousDomainRequest.Reputation': fixed('malicious-rep.guarddutyc2activityb.com'),
  'MaliciousDomainRequest.Custom': fixed('listed-entity.example.com', CUSTOM),
  'SuspiciousDomainRequest.Reputation': fixed('suspicious-rep.guarddutyc2activityb.com'),
  'BlackholeTraffic!DNS': fixed('guarddutyblackholeactivity.com', [AMAZON, 'SinkholedDomain']),
  'DGADomainRequest.B': { domain: (v) => `${v.alnum(16)}.example.net` },
  'DGADomainRequest.C!DNS': fixed('guarddutydgaactivity.com', [AMAZON, 'GeneratedDomain']),
  DNSDataExfiltration: { domain: (v) => `${v.hex(48)}.${v.hex(16)}.tunnel.example.com` },
  'DriveBySourceTraffic!DNS': fixed('guarddutydrivebyactivity.com', [AMAZON, 'DriveBySource']),
  'DropPoint!DNS': fixed('guarddutydroppointactivity.com', [AMAZON, 'MalwareDropPoint']),
  'PhishingDomainRequest!DNS': fixed('guarddutyphishingactivity.com', [AMAZON, 'PhishingSite']),
  MetadataDNSRebind: fixed('metadata-rebind.example.com'),
}

function lookup<T>(table: Readonly<Record<string, T>>, type: string): T {
  const spec = table[typeName(type).technique]
  if (!spec) throw new Error(`no sample spec for ${type}`)
  return spec
}

/** The flow spec of a type. */
export function flowSpec(type: string): FlowSpec {
  return lookup(FLOW_SPECS, type)
}

/** The DNS spec of a type. */
export function dnsSpec(type: string): DnsSpec {
  return lookup(DNS_SPECS, type)
}

/** The network action (probe or connection) and evidence of a flow technique. */
export function flowService(
  values: SampleValues,
  spec: FlowSpec,
  localIp: string,
  localNetworkInterface?: string,
): Wire {
  const remote = remoteIpDetails(values)
  const evidence = spec.threat ? { evidence: threatEvidence(...spec.threat) } : {}
  if (spec.probe)
    return {
      action: portProbeAction(localIp, spec.port, [remote, remoteIpDetails(values)]),
      ...evidence,
    }
  const ephemeral = values.ephemeralPort()
  const inbound = spec.direction === 'INBOUND'
  return {
    action: networkConnectionAction({
      direction: spec.direction,
      protocol: spec.protocol,
      localIp,
      localPort: inbound ? spec.port : spec.port === 0 ? 0 : ephemeral,
      remotePort: inbound ? ephemeral : spec.port,
      remote,
      ...(localNetworkInterface ? { localNetworkInterface } : {}),
    }),
    ...evidence,
  }
}

/** The DNS action and evidence of a DNS technique. */
export function dnsService(values: SampleValues, spec: DnsSpec, accountId: string): Wire {
  return {
    action: dnsRequestAction(spec.domain(values), accountId),
    ...(spec.threat ? { evidence: threatEvidence(...spec.threat) } : {}),
  }
}

/** An EC2 finding from VPC flow logs. */
export function ec2FlowSample({ entry, scope, values }: SampleInput): SampleParts {
  const spec = flowSpec(entry.type)
  const instance = instanceDetails(scope, values, { windows: spec.windows === true })
  const eni = (instance.details.networkInterfaces as Wire[])[0]?.networkInterfaceId as string
  return {
    resource: { resourceType: 'Instance', instanceDetails: instance.details },
    service: flowService(values, spec, instance.extra.privateIp, eni),
    resourceRole: spec.role,
    subject: `EC2 instance ${instance.name}`,
  }
}

/** An EC2 finding from DNS logs. */
export function ec2DnsSample({ entry, scope, values }: SampleInput): SampleParts {
  const instance = instanceDetails(scope, values)
  return {
    resource: { resourceType: 'Instance', instanceDetails: instance.details },
    service: dnsService(values, dnsSpec(entry.type), scope.accountId),
    resourceRole: 'ACTOR',
    subject: `EC2 instance ${instance.name}`,
  }
}

/** A Lambda Protection finding: the function's network activity. */
export function lambdaSample({ entry, scope, values }: SampleInput): SampleParts {
  const spec = flowSpec(entry.type)
  const fn = lambdaDetails(scope, values)
  return {
    resource: { resourceType: 'Lambda', lambdaDetails: fn.details },
    service: flowService(values, spec, values.privateIpV4()),
    resourceRole: spec.role,
    subject: `Lambda function ${fn.name}`,
  }
}

/** An RDS Protection finding: logins (or probes) from one remote peer. */
export function rdsSample({ entry, scope, values }: SampleInput): SampleParts {
  const { purpose, technique } = typeName(entry.type)
  const db = rdsDbInstanceDetails(scope, values)
  const remote = remoteIpDetails(values)
  const caller = callerKind(technique)
  const evidence =
    caller === 'malicious' ? { evidence: threatEvidence(AMAZON, 'MaliciousHost') } : {}
  const anomaly = technique.startsWith('AnomalousBehavior')
    ? { detection: anomalyDetection({ ASN: String((remote.organization as Wire).asn) }) }
    : {}
  if (purpose === 'Discovery')
    return {
      resource: { resourceType: 'RDSDBInstance', rdsDbInstanceDetails: db.details },
      service: {
        action: {
          actionType: 'RDS_LOGIN_ATTEMPT',
          rdsLoginAttemptAction: { remoteIpDetails: remote },
        },
        ...evidence,
      },
      resourceRole: 'TARGET',
      subject: `RDS database ${db.name}`,
    }
  const user = values.pick(['app_user', 'admin', 'reporting'])
  const userDetails = rdsDbUserDetails(values, user)
  const counts: Readonly<Record<string, readonly [number, number]>> = {
    'AnomalousBehavior.FailedLogin': [37, 0],
    'AnomalousBehavior.SuccessfulBruteForce': [142, 1],
    'AnomalousBehavior.SuccessfulLogin': [0, 1],
    'MaliciousIPCaller.FailedLogin': [12, 0],
    'MaliciousIPCaller.SuccessfulLogin': [0, 1],
    'TorIPCaller.FailedLogin': [9, 0],
    'TorIPCaller.SuccessfulLogin': [0, 1],
  }
  const [failed, successful] = counts[technique] ?? [1, 0]
  return {
    resource: {
      resourceType: 'RDSDBInstance',
      rdsDbInstanceDetails: db.details,
      rdsDbUserDetails: userDetails,
    },
    service: {
      action: rdsLoginAttemptAction(remote, {
        user,
        application: userDetails.application as string,
        failed,
        successful,
      }),
      ...evidence,
      ...anomaly,
    },
    resourceRole: 'TARGET',
    subject: `RDS database ${db.name}`,
  }
}
