/**
 * The `service.action` blocks of sample findings, in wire form, one builder per action type GuardDuty
 * models: NETWORK_CONNECTION, PORT_PROBE, DNS_REQUEST, AWS_API_CALL, KUBERNETES_API_CALL (with the
 * permission-check, role and role-binding details the model hangs beside it) and RDS_LOGIN_ATTEMPT; plus
 * the `service.detection.anomaly` block of behaviour-model findings and the user agents samples use.
 */
import type { Wire } from './sample-parts.js'
import type { SampleValues } from './sample-values.js'

const PORT_NAMES: Readonly<Record<number, string>> = {
  22: 'SSH',
  23: 'Telnet',
  25: 'SMTP',
  53: 'DNS',
  80: 'HTTP',
  123: 'NTP',
  389: 'LDAP',
  443: 'HTTPS',
  853: 'DNS over TLS',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5985: 'WinRM',
  8088: 'Hadoop YARN',
  9001: 'Tor',
}

/** `{ port, portName }` as GuardDuty reports a port. */
export function portDetails(port: number): Wire {
  return { port, portName: PORT_NAMES[port] ?? 'Unknown' }
}

/** A connection seen in flow logs or by the runtime agent. */
export interface Connection {
  readonly direction: 'INBOUND' | 'OUTBOUND'
  readonly protocol: string
  readonly localIp: string
  readonly localPort: number
  readonly remotePort: number
  readonly remote: Wire
  readonly localNetworkInterface?: string
}

/** `NETWORK_CONNECTION`. */
export function networkConnectionAction(c: Connection): Wire {
  return {
    actionType: 'NETWORK_CONNECTION',
    networkConnectionAction: {
      blocked: false,
      connectionDirection: c.direction,
      localPortDetails: portDetails(c.localPort),
      protocol: c.protocol,
      localIpDetails: { ipAddressV4: c.localIp },
      ...(c.localNetworkInterface ? { localNetworkInterface: c.localNetworkInterface } : {}),
      remoteIpDetails: c.remote,
      remotePortDetails: portDetails(c.remotePort),
    },
  }
}

/** `PORT_PROBE`: the given remote peers probing one local port. */
export function portProbeAction(
  localIp: string,
  localPort: number,
  remotes: readonly Wire[],
): Wire {
  return {
    actionType: 'PORT_PROBE',
    portProbeAction: {
      blocked: false,
      portProbeDetails: remotes.map((remoteIpDetails) => ({
        localPortDetails: portDetails(localPort),
        localIpDetails: { ipAddressV4: localIp },
        remoteIpDetails,
      })),
    },
  }
}

/** The registrable part of a domain name: its last two labels. */
export function domainWithSuffix(domain: string): string {
  return domain.split('.').slice(-2).join('.')
}

/** `DNS_REQUEST` for `domain`, made in a VPC of `vpcOwnerAccountId`. */
export function dnsRequestAction(domain: string, vpcOwnerAccountId: string): Wire {
  return {
    actionType: 'DNS_REQUEST',
    dnsRequestAction: {
      domain,
      protocol: 'UDP',
      blocked: false,
      domainWithSuffix: domainWithSuffix(domain),
      vpcOwnerAccountId,
    },
  }
}

/** An API call recorded by CloudTrail. */
export interface ApiCall {
  readonly api: string
  readonly serviceName: string
  readonly userAgent: string
  /** Where it came from: a remote IP, another AWS account, or an AWS service domain. */
  readonly caller:
    | { readonly kind: 'ip'; readonly remote: Wire }
    | { readonly kind: 'account'; readonly accountId: string; readonly affiliated: boolean }
    | { readonly kind: 'domain'; readonly domain: string }
  readonly errorCode?: string
  readonly affectedResources?: Readonly<Record<string, string>>
}

/** `AWS_API_CALL`. */
export function awsApiCallAction(call: ApiCall): Wire {
  const caller = call.caller
  return {
    actionType: 'AWS_API_CALL',
    awsApiCallAction: {
      api: call.api,
      callerType:
        caller.kind === 'ip'
          ? 'Remote IP'
          : caller.kind === 'account'
            ? 'Remote account'
            : 'Domain',
      ...(caller.kind === 'ip' ? { remoteIpDetails: caller.remote } : {}),
      ...(caller.kind === 'domain' ? { domainDetails: { domain: caller.domain } } : {}),
      ...(caller.kind === 'account'
        ? { remoteAccountDetails: { accountId: caller.accountId, affiliated: caller.affiliated } }
        : {}),
      ...(call.errorCode ? { errorCode: call.errorCode } : {}),
      userAgent: call.userAgent,
      serviceName: call.serviceName,
      ...(call.affectedResources ? { affectedResources: { ...call.affectedResources } } : {}),
    },
  }
}

/** A Kubernetes API request from the audit log. */
export interface KubernetesCall {
  readonly verb: string
  readonly requestUri: string
  readonly resource: string
  readonly subresource?: string
  readonly namespace?: string
  readonly resourceName?: string
  readonly statusCode: number
  readonly sourceIp: string
  readonly remote: Wire
  readonly userAgent: string
  /** The request body, as the audit log records it. */
  readonly parameters?: Wire
}

/** Extra details the model carries beside some Kubernetes API calls. */
export interface KubernetesExtras {
  readonly permissionChecked?: Wire
  readonly roleBinding?: Wire
  readonly role?: Wire
}

/** `KUBERNETES_API_CALL`, with permission-check, role or role-binding details when given. */
export function kubernetesApiCallAction(call: KubernetesCall, extras: KubernetesExtras = {}): Wire {
  return {
    actionType: 'KUBERNETES_API_CALL',
    kubernetesApiCallAction: {
      requestUri: call.requestUri,
      verb: call.verb,
      sourceIPs: [call.sourceIp],
      userAgent: call.userAgent,
      remoteIpDetails: call.remote,
      statusCode: call.statusCode,
      ...(call.parameters ? { parameters: JSON.stringify(call.parameters) } : {}),
      resource: call.resource,
      ...(call.subresource ? { subresource: call.subresource } : {}),
      ...(call.namespace ? { namespace: call.namespace } : {}),
      ...(call.resourceName ? { resourceName: call.resourceName } : {}),
    },
    ...(extras.permissionChecked
      ? { kubernetesPermissionCheckedDetails: extras.permissionChecked }
      : {}),
    ...(extras.roleBinding ? { kubernetesRoleBindingDetails: extras.roleBinding } : {}),
    ...(extras.role ? { kubernetesRoleDetails: extras.role } : {}),
  }
}

/** `RDS_LOGIN_ATTEMPT`: logins of one user and application from one remote peer. */
export function rdsLoginAttemptAction(
  remote: Wire,
  login: {
    readonly user: string
    readonly application: string
    readonly failed: number
    readonly successful: number
  },
): Wire {
  return {
    actionType: 'RDS_LOGIN_ATTEMPT',
    rdsLoginAttemptAction: {
      remoteIpDetails: remote,
      LoginAttributes: [
        {
          user: login.user,
          application: login.application,
          failedLoginAttempts: login.failed,
          successfulLoginAttempts: login.successful,
        },
      ],
    },
  }
}

/** `service.detection.anomaly`: what was never (or rarely) seen for the identity and the account. */
export function anomalyDetection(observed: Readonly<Record<string, string>>): Wire {
  const unusual = (text: string, subtype: string): Wire => ({
    profileType: 'FREQUENCY',
    profileSubtype: subtype,
    observations: { text: [text] },
  })
  const features = Object.entries(observed)
  return {
    anomaly: {
      profiles: {
        ACCOUNT: Object.fromEntries(features.map(([k, v]) => [k, [unusual(v, 'RARE')]])),
        USER_NAME: Object.fromEntries(features.map(([k, v]) => [k, [unusual(v, 'UNSEEN')]])),
      },
      unusual: {
        behavior: {
          USER_NAME: Object.fromEntries(features.map(([k, v]) => [k, unusual(v, 'UNSEEN')])),
        },
      },
    },
  }
}

/** User agents of ordinary clients and of penetration-testing distributions. */
export function userAgent(
  values: SampleValues,
  kind: 'cli' | 'sdk' | 'console' | 'kubectl' | 'kali' | 'parrot' | 'pentoo',
): string {
  const cli = `aws-cli/2.22.${values.int(0, 30)} md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6`
  switch (kind) {
    case 'cli':
      return `${cli} md/distrib#ubuntu.24 cfg/retry-mode#standard`
    case 'sdk':
      return `Boto3/1.35.${values.int(0, 90)} md/Botocore#1.35.90 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.10`
    case 'console':
      return 'AWS Internal'
    case 'kubectl':
      return `kubectl/v1.31.${values.int(0, 4)} (linux/amd64) kubernetes/4a5b6c7`
    case 'kali':
      return `${cli} md/distrib#kali.2025 cfg/retry-mode#standard`
    case 'parrot':
      return `${cli} md/distrib#parrot.6 cfg/retry-mode#standard`
    case 'pentoo':
      return `${cli} md/distrib#pentoo.2025 cfg/retry-mode#standard`
  }
}
