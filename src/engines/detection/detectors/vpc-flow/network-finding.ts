/**
 * The pieces every flow-log finding is built from: the `Instance` resource (the instance owning the
 * record's network interface — the record's `instance-id`, else the instance inventory's answer for
 * the interface — with the interface, its address, VPC and subnet), the `NETWORK_CONNECTION` and
 * `PORT_PROBE` actions with GuardDuty's port and protocol names, the resource key findings aggregate
 * by, and the options every flow-log detector takes. This module owns how flow-record fields map to
 * those wire members, so every flow-log detector shows a connection the same way.
 */
import type { Scope } from '../../../../storage/ports.js'
import type { GeoIpLookup } from '../../enrichment/geo-ip.js'
import type { InstanceInventory } from '../../enrichment/instance-inventory.js'
import type { FindingContent, WireAction, WireRemoteIpDetails } from '../../finding-wire.js'
import type { FlowLogRecord } from '../../sources/index.js'
import { remoteIpDetailsOf } from '../cloudtrail/api-call.js'
import { FlowClassifier, type FlowView } from './flow-view.js'

/** What every flow-log detector takes. */
export interface FlowDetectorOptions {
  /** Shared classifier (one per engine, so each record is classified once); default: its own. */
  readonly classifier?: FlowClassifier
  /** Interface → instance lookup; without it only records carrying `instance-id` name the instance. */
  readonly instanceInventory?: InstanceInventory
  readonly geoIp?: GeoIpLookup
}

const PORT_NAMES: Readonly<Record<number, string>> = {
  20: 'FTP-DATA',
  21: 'FTP',
  22: 'SSH',
  23: 'Telnet',
  25: 'SMTP',
  53: 'DNS',
  80: 'HTTP',
  110: 'POP3',
  111: 'RPC',
  123: 'NTP',
  135: 'MSRPC',
  139: 'NetBIOS',
  143: 'IMAP',
  161: 'SNMP',
  389: 'LDAP',
  443: 'HTTPS',
  445: 'SMB',
  465: 'SMTPS',
  587: 'SMTP',
  636: 'LDAPS',
  853: 'DNS over TLS',
  993: 'IMAPS',
  995: 'POP3S',
  1433: 'MSSQL',
  1521: 'Oracle',
  2049: 'NFS',
  2375: 'Docker',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5900: 'VNC',
  5985: 'WinRM',
  5986: 'WinRM',
  6379: 'Redis',
  8080: 'HTTP',
  8088: 'Hadoop YARN',
  8443: 'HTTPS',
  9001: 'Tor',
  9200: 'Elasticsearch',
  9300: 'Elasticsearch',
  11211: 'Memcached',
  27017: 'MongoDB',
}

const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPV6',
  132: 'SCTP',
}

/** `{port, portName}` as GuardDuty reports a port (`Unknown` for unnamed ports). */
export function portDetails(port: number): { port: number; portName: string } {
  return { port, portName: PORT_NAMES[port] ?? 'Unknown' }
}

/** The protocol's name (`TCP`, `UDP`, `ICMP`…; the number as text for others, `Unknown` when absent). */
export function protocolName(protocol: number): string {
  return protocol < 0 ? 'Unknown' : (PROTOCOL_NAMES[protocol] ?? String(protocol))
}

/** The instance owning the record's interface, when the record or the inventory knows it. */
export function instanceIdOf(
  record: FlowLogRecord,
  scope: Scope,
  inventory: InstanceInventory | undefined,
): string | undefined {
  if (record.instanceId !== undefined) return record.instanceId
  const eni = record.interfaceId
  return eni === undefined ? undefined : inventory?.instanceOfInterface?.(scope, eni)
}

/**
 * The key findings about this record's resource aggregate by: the instance id, else the network
 * interface id, else the local address.
 */
export function resourceKeyOf(
  record: FlowLogRecord,
  view: FlowView,
  scope: Scope,
  inventory: InstanceInventory | undefined,
): string {
  return instanceIdOf(record, scope, inventory) ?? record.interfaceId ?? view.localIp
}

/** The instance, or interface, of a record in words (`EC2 instance i-…`, `network interface eni-…`). */
export function describeResource(
  record: FlowLogRecord,
  view: FlowView,
  scope: Scope,
  inventory: InstanceInventory | undefined,
): string {
  const instanceId = instanceIdOf(record, scope, inventory)
  if (instanceId !== undefined) return `EC2 instance ${instanceId}`
  if (record.interfaceId !== undefined) return `network interface ${record.interfaceId}`
  return `the host at ${view.localIp}`
}

/** `resource` of a flow-log finding: `Instance` with the interface the record was logged for. */
export function instanceResource(
  record: FlowLogRecord,
  view: FlowView,
  scope: Scope,
  inventory: InstanceInventory | undefined,
): FindingContent['resource'] {
  const instanceId = instanceIdOf(record, scope, inventory)
  return {
    resourceType: 'Instance',
    instanceDetails: {
      ...(instanceId !== undefined ? { instanceId } : {}),
      networkInterfaces: [
        {
          ...(record.interfaceId !== undefined ? { networkInterfaceId: record.interfaceId } : {}),
          privateIpAddress: view.localIp,
          privateIpAddresses: [{ privateIpAddress: view.localIp }],
          ...(record.subnetId !== undefined ? { subnetId: record.subnetId } : {}),
          ...(record.vpcId !== undefined ? { vpcId: record.vpcId } : {}),
        },
      ],
    },
  }
}

/** `remoteIpDetails` of the view's remote address (with GeoIP when supplied). */
export function remoteDetails(view: FlowView, geoIp: GeoIpLookup | undefined): WireRemoteIpDetails {
  return remoteIpDetailsOf(view.remoteIp, geoIp) ?? { ipAddressV4: view.remoteIp }
}

/**
 * `NETWORK_CONNECTION` of a record: direction (who opened the connection), protocol, whether it was
 * blocked (`REJECT`), the local and remote ports and addresses, the interface.
 */
export function connectionAction(
  record: FlowLogRecord,
  view: FlowView,
  geoIp: GeoIpLookup | undefined,
): WireAction {
  return {
    actionType: 'NETWORK_CONNECTION',
    networkConnectionAction: {
      connectionDirection: view.outbound ? 'OUTBOUND' : 'INBOUND',
      protocol: protocolName(view.protocol),
      blocked: !view.accepted,
      localPortDetails: portDetails(view.localPort),
      remotePortDetails: portDetails(view.remotePort),
      localIpDetails: { ipAddressV4: view.localIp },
      ...(record.interfaceId !== undefined ? { localNetworkInterface: record.interfaceId } : {}),
      remoteIpDetails: remoteDetails(view, geoIp),
    },
  }
}

/** One probe of a local port by a remote address. */
export interface Probe {
  readonly localIp: string
  readonly localPort: number
  readonly remoteIp: string
}

/** `PORT_PROBE` listing the probes (at most `max`). */
export function portProbeAction(
  probes: readonly Probe[],
  blocked: boolean,
  geoIp: GeoIpLookup | undefined,
  max = 20,
): WireAction {
  return {
    actionType: 'PORT_PROBE',
    portProbeAction: {
      blocked,
      portProbeDetails: probes.slice(0, max).map((probe) => ({
        localPortDetails: portDetails(probe.localPort),
        localIpDetails: { ipAddressV4: probe.localIp },
        remoteIpDetails: remoteIpDetailsOf(probe.remoteIp, geoIp) ?? {
          ipAddressV4: probe.remoteIp,
        },
      })),
    },
  }
}

/** The classifier of the options, or a new one. */
export function classifierOf(options: FlowDetectorOptions): FlowClassifier {
  return (
    options.classifier ??
    new FlowClassifier(
      options.instanceInventory ? { instanceInventory: options.instanceInventory } : {},
    )
  )
}
