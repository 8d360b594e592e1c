/**
 * The catalog of GuardDuty finding types Vigil knows: every active type of GuardDuty's documentation
 * (EC2 flow and DNS, IAM, S3, EKS audit, attack sequences, Lambda, RDS, Runtime Monitoring, Malware
 * Protection for EC2/S3/Backup, AI protection) and the Custom Detection Rules types, each with the resource
 * type its findings carry, the data source that produces it, its default severity (GuardDuty's numeric
 * default for the documented label: Low 2, Medium 5, High 8, Critical 9) and a one-line description
 * written for Vigil. Retired finding types are not listed. The catalog drives `CreateSampleFindings` and is
 * the place to look up what a type means.
 */

/** The `resource.resourceType` a finding of the type carries. */
export type CatalogResourceType =
  | 'Instance'
  | 'AccessKey'
  | 'S3Bucket'
  | 'S3Object'
  | 'EKSCluster'
  | 'ECSCluster'
  | 'Container'
  | 'Lambda'
  | 'RDSDBInstance'
  | 'AttackSequence'
  | 'EBSSnapshot'
  | 'EC2Image'
  | 'RecoveryPoint'

/** What GuardDuty analyses to produce findings of the type. */
export type FindingDataSource =
  | 'VPC_FLOW_LOGS'
  | 'DNS_LOGS'
  | 'CLOUDTRAIL_MANAGEMENT_EVENTS'
  | 'CLOUDTRAIL_S3_DATA_EVENTS'
  | 'EKS_AUDIT_LOGS'
  | 'RUNTIME_MONITORING'
  | 'EBS_MALWARE_PROTECTION'
  | 'S3_MALWARE_PROTECTION'
  | 'BACKUP_MALWARE_PROTECTION'
  | 'LAMBDA_NETWORK_ACTIVITY'
  | 'RDS_LOGIN_ACTIVITY'
  | 'EXTENDED_THREAT_DETECTION'

/** GuardDuty's severity labels. */
export type SeverityLabel = 'Low' | 'Medium' | 'High' | 'Critical'

/** One finding type. */
export interface FindingTypeInfo {
  /** `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`. */
  readonly type: string
  readonly resourceType: CatalogResourceType
  readonly dataSource: FindingDataSource
  /** The default numeric severity (2, 5, 8 or 9). */
  readonly severity: number
  /** The severity depends on the occurrence (role, port, threat); `severity` is the default one. */
  readonly variableSeverity: boolean
  /** What the finding means, in one sentence. */
  readonly description: string
  /** Custom Detection Rules types: the rule signals that aggregate into the type. */
  readonly signals?: readonly RuleSignal[]
}

/** A Custom Detection Rules signal and its severity. */
export interface RuleSignal {
  readonly name: string
  readonly severity: number
}

/** `[type, default severity, description, 'variable' when the severity depends on the occurrence]`. */
type Row = readonly [string, number, string, 'variable'?]

function rows(
  resourceType: CatalogResourceType,
  dataSource: FindingDataSource,
  list: readonly Row[],
): FindingTypeInfo[] {
  return list.map(([type, severity, description, variable]) => ({
    type,
    resourceType,
    dataSource,
    severity,
    variableSeverity: variable === 'variable',
    description,
  }))
}

/** A Custom Detection Rules type: its severity is that of its most severe signal. */
function rule(
  type: string,
  resourceType: CatalogResourceType,
  description: string,
  signals: readonly (readonly [string, SeverityLabel])[],
): FindingTypeInfo {
  const severities = signals.map(([, label]) => DEFAULT_SEVERITY[label])
  return {
    type,
    resourceType,
    dataSource: 'CLOUDTRAIL_MANAGEMENT_EVENTS',
    severity: Math.max(...severities),
    variableSeverity: new Set(severities).size > 1,
    description,
    signals: signals.map(([name, label]) => ({ name, severity: DEFAULT_SEVERITY[label] })),
  }
}

/** The numeric severity GuardDuty uses by default for each label. */
export const DEFAULT_SEVERITY: Readonly<Record<SeverityLabel, number>> = {
  Low: 2,
  Medium: 5,
  High: 8,
  Critical: 9,
}

/** The label of a numeric severity (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0). */
export function severityLabel(severity: number): SeverityLabel {
  if (severity >= 9) return 'Critical'
  if (severity >= 7) return 'High'
  if (severity >= 4) return 'Medium'
  return 'Low'
}

const V = 'variable'

const EC2_FLOW = rows('Instance', 'VPC_FLOW_LOGS', [
  [
    'Backdoor:EC2/C&CActivity.B',
    8,
    'The instance talks to an IP address known to command malware.',
  ],
  ['Backdoor:EC2/DenialOfService.Dns', 8, 'The instance floods outside hosts with DNS traffic.'],
  ['Backdoor:EC2/DenialOfService.Tcp', 8, 'The instance floods outside hosts with TCP traffic.'],
  ['Backdoor:EC2/DenialOfService.Udp', 8, 'The instance floods outside hosts with UDP traffic.'],
  [
    'Backdoor:EC2/DenialOfService.UdpOnTcpPorts',
    8,
    'The instance floods outside hosts with UDP sent to ports TCP services use.',
  ],
  [
    'Backdoor:EC2/DenialOfService.UnusualProtocol',
    8,
    'The instance floods outside hosts over an uncommon IP protocol.',
  ],
  [
    'Backdoor:EC2/Spambot',
    5,
    'The instance has started sending mail over port 25, as spam bots do.',
  ],
  [
    'Behavior:EC2/NetworkPortUnusual',
    5,
    'The instance connects to a remote port it never used before.',
    V,
  ],
  [
    'Behavior:EC2/TrafficVolumeUnusual',
    5,
    'The instance sends much more data to a remote host than it usually does.',
  ],
  [
    'CryptoCurrency:EC2/BitcoinTool.B',
    8,
    'The instance talks to an IP address tied to cryptocurrency mining.',
  ],
  [
    'DefenseEvasion:EC2/UnusualDNSResolver',
    5,
    'The instance has started resolving names through a public DNS server it never used.',
  ],
  [
    'DefenseEvasion:EC2/UnusualDoHActivity',
    5,
    'The instance has started DNS over HTTPS with a server it never used.',
  ],
  [
    'DefenseEvasion:EC2/UnusualDoTActivity',
    5,
    'The instance has started DNS over TLS with a server it never used.',
  ],
  ['Impact:EC2/PortSweep', 8, 'The instance probes the same port on many public IP addresses.'],
  [
    'Impact:EC2/WinRMBruteForce',
    2,
    'Repeated WinRM logins are attempted against, or made by, the instance.',
    V,
  ],
  [
    'Recon:EC2/PortProbeEMRUnprotectedPort',
    8,
    'Known scanners probe a sensitive, reachable port of an EMR cluster node.',
  ],
  [
    'Recon:EC2/PortProbeUnprotectedPort',
    2,
    'Known scanners probe a port of the instance that no firewall blocks.',
    V,
  ],
  [
    'Recon:EC2/Portscan',
    5,
    'The instance connects to many ports of one remote host in a short time.',
  ],
  ['Trojan:EC2/BlackholeTraffic', 5, 'The instance tries to reach a sinkholed IP address.'],
  [
    'Trojan:EC2/DropPoint',
    5,
    'The instance talks to an IP address that collects data stolen by malware.',
  ],
  [
    'UnauthorizedAccess:EC2/MaliciousIPCaller.Custom',
    5,
    'The instance talks to an IP address on one of your threat lists.',
  ],
  [
    'UnauthorizedAccess:EC2/RDPBruteForce',
    2,
    'Repeated RDP logins are attempted against, or made by, the instance.',
    V,
  ],
  [
    'UnauthorizedAccess:EC2/SSHBruteForce',
    2,
    'Repeated SSH logins are attempted against, or made by, the instance.',
    V,
  ],
  ['UnauthorizedAccess:EC2/TorClient', 8, 'The instance connects to Tor guard or directory nodes.'],
  ['UnauthorizedAccess:EC2/TorRelay', 8, 'The instance relays traffic for the Tor network.'],
])

const EC2_DNS = rows('Instance', 'DNS_LOGS', [
  ['Backdoor:EC2/C&CActivity.B!DNS', 8, 'The instance looks up a domain used to command malware.'],
  [
    'CryptoCurrency:EC2/BitcoinTool.B!DNS',
    8,
    'The instance looks up a domain tied to cryptocurrency mining.',
  ],
  [
    'Impact:EC2/AbusedDomainRequest.Reputation',
    5,
    'The instance looks up a low-reputation domain of a commonly abused kind.',
  ],
  [
    'Impact:EC2/BitcoinDomainRequest.Reputation',
    8,
    'The instance looks up a low-reputation domain tied to cryptocurrency.',
  ],
  [
    'Impact:EC2/MaliciousDomainRequest.Reputation',
    8,
    'The instance looks up a low-reputation domain tied to known attacks.',
  ],
  [
    'Impact:EC2/MaliciousDomainRequest.Custom',
    5,
    'The instance looks up a domain on one of your threat entity lists.',
  ],
  [
    'Impact:EC2/SuspiciousDomainRequest.Reputation',
    2,
    'The instance looks up a young, rarely seen domain that looks suspicious.',
  ],
  [
    'Trojan:EC2/BlackholeTraffic!DNS',
    5,
    'The instance looks up a domain that resolves to a sinkhole.',
  ],
  [
    'Trojan:EC2/DGADomainRequest.B',
    8,
    'The instance looks up names that look generated by a malware algorithm.',
  ],
  [
    'Trojan:EC2/DGADomainRequest.C!DNS',
    8,
    'The instance looks up algorithmically generated domains known to threat intelligence.',
  ],
  [
    'Trojan:EC2/DNSDataExfiltration',
    8,
    'The instance smuggles data out inside the names of DNS queries.',
  ],
  [
    'Trojan:EC2/DriveBySourceTraffic!DNS',
    8,
    'The instance looks up a domain that serves drive-by downloads.',
  ],
  [
    'Trojan:EC2/DropPoint!DNS',
    5,
    'The instance looks up a domain that collects data stolen by malware.',
  ],
  ['Trojan:EC2/PhishingDomainRequest!DNS', 8, 'The instance looks up a phishing domain.'],
  [
    'UnauthorizedAccess:EC2/MetadataDNSRebind',
    8,
    'The instance looks up a domain that resolves to the instance metadata address.',
  ],
])

const IAM = rows('AccessKey', 'CLOUDTRAIL_MANAGEMENT_EVENTS', [
  [
    'CredentialAccess:IAMUser/AnomalousBehavior',
    5,
    'An identity retrieves passwords, secrets or tokens in an unusual way.',
  ],
  [
    'DefenseEvasion:IAMUser/AnomalousBehavior',
    5,
    'An identity unusually deletes, disables or stops security controls.',
  ],
  [
    'DefenseEvasion:IAMUser/BedrockLoggingDisabled',
    5,
    'Model invocation logging of Amazon Bedrock was turned off.',
  ],
  [
    'Discovery:IAMUser/AnomalousBehavior',
    2,
    'An identity lists and describes resources in an unusual way.',
  ],
  [
    'Exfiltration:IAMUser/AnomalousBehavior',
    8,
    'An identity unusually makes API calls that copy data out of the account.',
  ],
  [
    'Impact:IAMUser/AnomalousBehavior',
    8,
    'An identity unusually deletes or changes resources and configuration.',
  ],
  [
    'InitialAccess:IAMUser/AnomalousBehavior',
    5,
    'An identity obtains sessions or tokens in an unusual way.',
  ],
  ['PenTest:IAMUser/KaliLinux', 5, 'An API call comes from a Kali Linux machine.'],
  ['PenTest:IAMUser/ParrotLinux', 5, 'An API call comes from a Parrot Security machine.'],
  ['PenTest:IAMUser/PentooLinux', 5, 'An API call comes from a Pentoo Linux machine.'],
  [
    'Persistence:IAMUser/AnomalousBehavior',
    5,
    'An identity unusually creates or changes access that could let an attacker stay.',
  ],
  [
    'Policy:IAMUser/RootCredentialUsage',
    2,
    'The long-term credentials of the root user were used for an API call.',
  ],
  [
    'Policy:IAMUser/ShortTermRootCredentialUsage',
    2,
    'Short-term root user credentials were used for an API call.',
  ],
  [
    'PrivilegeEscalation:IAMUser/AnomalousBehavior',
    5,
    'An identity unusually changes IAM permissions in a way that grants more access.',
  ],
  [
    'Recon:IAMUser/MaliciousIPCaller',
    5,
    'A listing or describing API call comes from an IP address known for attacks.',
  ],
  [
    'Recon:IAMUser/MaliciousIPCaller.Custom',
    5,
    'A listing or describing API call comes from an IP address on one of your threat lists.',
  ],
  ['Recon:IAMUser/TorIPCaller', 5, 'A listing or describing API call comes from a Tor exit node.'],
  [
    'Stealth:IAMUser/CloudTrailLoggingDisabled',
    2,
    'A CloudTrail trail was stopped, deleted or changed, or its log bucket was deleted.',
  ],
  [
    'Stealth:IAMUser/PasswordPolicyChange',
    2,
    'The account password policy was removed or made weaker.',
    V,
  ],
  [
    'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
    5,
    'One IAM user signed in to the console from distant places at about the same time.',
  ],
  [
    'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
    8,
    'Credentials of an instance role are used from another AWS account.',
    V,
  ],
  [
    'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    8,
    'Credentials of an instance role are used from outside AWS.',
  ],
  [
    'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
    5,
    'An API call comes from an IP address known for attacks.',
  ],
  [
    'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
    5,
    'An API call comes from an IP address on one of your threat lists.',
  ],
  [
    'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.InsideAWS',
    8,
    'Credentials issued to an ECS task are used from another AWS account.',
  ],
  [
    'UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS',
    8,
    'Credentials issued to a Lambda function or ECS task are used from outside AWS.',
  ],
  ['UnauthorizedAccess:IAMUser/TorIPCaller', 5, 'An API call comes from a Tor exit node.'],
])

const AI = rows('AccessKey', 'CLOUDTRAIL_MANAGEMENT_EVENTS', [
  [
    'Impact:IAMUser/AnomalousModelInvocation',
    2,
    'An identity invokes AI models in a way that departs from its usual pattern.',
  ],
  [
    'Impact:IAMUser/CostHarvesting',
    2,
    'An identity consumes an unusual volume of model tokens, as in cost harvesting.',
  ],
  [
    'Impact:IAMUser/PromptInjection.Direct',
    2,
    'A Bedrock guardrail stopped a prompt it judged to be a prompt attack.',
  ],
])

const S3_DATA = rows('S3Bucket', 'CLOUDTRAIL_S3_DATA_EVENTS', [
  [
    'Discovery:S3/AnomalousBehavior',
    2,
    'An identity explores buckets and objects in an unusual way.',
  ],
  [
    'Discovery:S3/MaliciousIPCaller',
    8,
    'Bucket discovery API calls come from an IP address known for attacks.',
  ],
  [
    'Discovery:S3/MaliciousIPCaller.Custom',
    8,
    'Bucket discovery API calls come from an IP address on one of your threat lists.',
  ],
  ['Discovery:S3/TorIPCaller', 5, 'Bucket discovery API calls come from a Tor exit node.'],
  [
    'Exfiltration:S3/AnomalousBehavior',
    8,
    'An identity reads objects in a volume or pattern unusual for it.',
  ],
  [
    'Exfiltration:S3/MaliciousIPCaller',
    8,
    'Objects are read or copied from an IP address known for attacks.',
  ],
  [
    'Impact:S3/AnomalousBehavior.Delete',
    8,
    'An identity deletes objects in a volume or pattern unusual for it.',
  ],
  [
    'Impact:S3/AnomalousBehavior.Permission',
    8,
    'An identity changes bucket or object permissions in an unusual way.',
  ],
  [
    'Impact:S3/AnomalousBehavior.Write',
    5,
    'An identity writes objects in an unusual way, as tampering or ransomware would.',
  ],
  [
    'Impact:S3/MaliciousIPCaller',
    8,
    'Objects or their permissions are changed from an IP address known for attacks.',
  ],
  ['PenTest:S3/KaliLinux', 5, 'An S3 API call comes from a Kali Linux machine.'],
  ['PenTest:S3/ParrotLinux', 5, 'An S3 API call comes from a Parrot Security machine.'],
  ['PenTest:S3/PentooLinux', 5, 'An S3 API call comes from a Pentoo Linux machine.'],
  [
    'UnauthorizedAccess:S3/MaliciousIPCaller.Custom',
    8,
    'An S3 API call comes from an IP address on one of your threat lists.',
  ],
  ['UnauthorizedAccess:S3/TorIPCaller', 8, 'An S3 API call comes from a Tor exit node.'],
])

const S3_MANAGEMENT = rows('S3Bucket', 'CLOUDTRAIL_MANAGEMENT_EVENTS', [
  [
    'Policy:S3/AccountBlockPublicAccessDisabled',
    2,
    'S3 Block Public Access was turned off for the whole account.',
  ],
  [
    'Policy:S3/BucketAnonymousAccessGranted',
    8,
    'A policy or ACL change lets anyone on the internet read the bucket.',
  ],
  [
    'Policy:S3/BucketBlockPublicAccessDisabled',
    2,
    'S3 Block Public Access was turned off for a bucket.',
  ],
  [
    'Policy:S3/BucketPublicAccessGranted',
    8,
    'A policy or ACL change opens the bucket to every authenticated AWS user.',
  ],
  [
    'Stealth:S3/ServerAccessLoggingDisabled',
    2,
    'Server access logging was turned off for a bucket.',
  ],
])

const S3_MALWARE = rows('S3Object', 'S3_MALWARE_PROTECTION', [
  ['Object:S3/MaliciousFile', 8, 'A newly uploaded object contains malware.'],
])

const EKS = rows('EKSCluster', 'EKS_AUDIT_LOGS', [
  [
    'CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed',
    5,
    'A Kubernetes user reads secrets in a way unusual for it.',
  ],
  [
    'CredentialAccess:Kubernetes/MaliciousIPCaller',
    8,
    'Secrets are read through the Kubernetes API from an IP address known for attacks.',
  ],
  [
    'CredentialAccess:Kubernetes/MaliciousIPCaller.Custom',
    8,
    'Secrets are read through the Kubernetes API from an IP address on one of your threat lists.',
  ],
  [
    'CredentialAccess:Kubernetes/SuccessfulAnonymousAccess',
    8,
    'An unauthenticated user succeeded in reading credentials from the cluster.',
  ],
  [
    'CredentialAccess:Kubernetes/TorIPCaller',
    8,
    'Secrets are read through the Kubernetes API from a Tor exit node.',
  ],
  [
    'DefenseEvasion:Kubernetes/MaliciousIPCaller',
    8,
    'Cluster evidence is removed from an IP address known for attacks.',
  ],
  [
    'DefenseEvasion:Kubernetes/MaliciousIPCaller.Custom',
    8,
    'Cluster evidence is removed from an IP address on one of your threat lists.',
  ],
  [
    'DefenseEvasion:Kubernetes/SuccessfulAnonymousAccess',
    8,
    'An unauthenticated user succeeded in removing evidence from the cluster.',
  ],
  ['DefenseEvasion:Kubernetes/TorIPCaller', 8, 'Cluster evidence is removed from a Tor exit node.'],
  [
    'Discovery:Kubernetes/AnomalousBehavior.PermissionChecked',
    2,
    'A Kubernetes user checks, unusually, whether it holds powerful permissions.',
  ],
  [
    'Discovery:Kubernetes/MaliciousIPCaller',
    5,
    'Cluster resources are listed from an IP address known for attacks.',
  ],
  [
    'Discovery:Kubernetes/MaliciousIPCaller.Custom',
    5,
    'Cluster resources are listed from an IP address on one of your threat lists.',
  ],
  [
    'Discovery:Kubernetes/SuccessfulAnonymousAccess',
    5,
    'An unauthenticated user succeeded in listing cluster resources.',
  ],
  ['Discovery:Kubernetes/TorIPCaller', 5, 'Cluster resources are listed from a Tor exit node.'],
  [
    'Execution:Kubernetes/AnomalousBehavior.ExecInPod',
    5,
    'A command is run inside a pod in a way unusual for the user.',
  ],
  [
    'Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed',
    2,
    'A workload is created or changed in a way unusual for the user.',
    V,
  ],
  [
    'Execution:Kubernetes/ExecInKubeSystemPod',
    5,
    'A command is run inside a pod of the kube-system namespace.',
  ],
  [
    'Impact:Kubernetes/MaliciousIPCaller',
    8,
    'Cluster resources are changed or deleted from an IP address known for attacks.',
  ],
  [
    'Impact:Kubernetes/MaliciousIPCaller.Custom',
    8,
    'Cluster resources are changed or deleted from an IP address on one of your threat lists.',
  ],
  [
    'Impact:Kubernetes/SuccessfulAnonymousAccess',
    8,
    'An unauthenticated user succeeded in changing cluster resources.',
  ],
  [
    'Impact:Kubernetes/TorIPCaller',
    8,
    'Cluster resources are changed or deleted from a Tor exit node.',
  ],
  [
    'Persistence:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount',
    8,
    'A workload that mounts a sensitive host path is deployed in an unusual way.',
  ],
  [
    'Persistence:Kubernetes/ContainerWithSensitiveMount',
    5,
    'A container starts with a sensitive host path mounted writable.',
  ],
  [
    'Persistence:Kubernetes/MaliciousIPCaller',
    5,
    'Footholds such as cron jobs are created from an IP address known for attacks.',
  ],
  [
    'Persistence:Kubernetes/MaliciousIPCaller.Custom',
    5,
    'Footholds such as cron jobs are created from an IP address on one of your threat lists.',
  ],
  [
    'Persistence:Kubernetes/SuccessfulAnonymousAccess',
    8,
    'An unauthenticated user succeeded in creating a foothold in the cluster.',
  ],
  [
    'Persistence:Kubernetes/TorIPCaller',
    5,
    'Footholds such as cron jobs are created from a Tor exit node.',
  ],
  [
    'Policy:Kubernetes/AdminAccessToDefaultServiceAccount',
    8,
    'The default service account of a namespace was given administrator rights.',
  ],
  [
    'Policy:Kubernetes/AnonymousAccessGranted',
    8,
    'A role binding grants permissions to unauthenticated users.',
  ],
  [
    'Policy:Kubernetes/ExposedDashboard',
    5,
    'The Kubernetes dashboard is reachable from the internet through a load balancer.',
  ],
  [
    'Policy:Kubernetes/KubeflowDashboardExposed',
    5,
    'The Kubeflow dashboard is reachable from the internet through a load balancer.',
  ],
  [
    'PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated',
    5,
    'A binding to a very permissive role or sensitive namespace is made unusually.',
    V,
  ],
  [
    'PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleCreated',
    2,
    'A very permissive role is created in an unusual way.',
  ],
  [
    'PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!PrivilegedContainer',
    8,
    'A workload with a privileged container is deployed in an unusual way.',
  ],
  [
    'PrivilegeEscalation:Kubernetes/PrivilegedContainer',
    5,
    'A privileged container starts from an image never run privileged in the cluster.',
  ],
])

const ATTACK_SEQUENCES = rows('AttackSequence', 'EXTENDED_THREAT_DETECTION', [
  [
    'AttackSequence:IAM/CompromisedCredentials',
    9,
    'A chain of suspicious API calls made with one set of credentials suggests they are compromised.',
  ],
  [
    'AttackSequence:S3/CompromisedData',
    9,
    'A chain of suspicious actions suggests data in S3 is being stolen or destroyed.',
  ],
  [
    'AttackSequence:EKS/CompromisedCluster',
    9,
    'A chain of suspicious behaviour inside one EKS cluster suggests it is compromised.',
  ],
  [
    'AttackSequence:ECS/CompromisedCluster',
    9,
    'A chain of suspicious behaviour inside one ECS cluster suggests it is compromised.',
  ],
  [
    'AttackSequence:EC2/CompromisedInstanceGroup',
    9,
    'A chain of suspicious behaviour across related EC2 instances suggests they are compromised.',
  ],
])

const LAMBDA = rows('Lambda', 'LAMBDA_NETWORK_ACTIVITY', [
  [
    'Backdoor:Lambda/C&CActivity.B',
    8,
    'The function talks to an IP address known to command malware.',
  ],
  [
    'CryptoCurrency:Lambda/BitcoinTool.B',
    8,
    'The function talks to an IP address tied to cryptocurrency mining.',
  ],
  ['Trojan:Lambda/BlackholeTraffic', 5, 'The function tries to reach a sinkholed IP address.'],
  [
    'Trojan:Lambda/DropPoint',
    5,
    'The function talks to an IP address that collects data stolen by malware.',
  ],
  [
    'UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom',
    5,
    'The function talks to an IP address on one of your threat lists.',
  ],
  [
    'UnauthorizedAccess:Lambda/TorClient',
    8,
    'The function connects to Tor guard or directory nodes.',
  ],
  ['UnauthorizedAccess:Lambda/TorRelay', 8, 'The function relays traffic for the Tor network.'],
])

const RDS = rows('RDSDBInstance', 'RDS_LOGIN_ACTIVITY', [
  [
    'CredentialAccess:RDS/AnomalousBehavior.FailedLogin',
    2,
    'Failed logins to the database follow a pattern unusual for it.',
  ],
  [
    'CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce',
    8,
    'A login to the database succeeded after an unusual burst of failures.',
  ],
  [
    'CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin',
    5,
    'A successful login to the database departs from its usual logins.',
    V,
  ],
  [
    'CredentialAccess:RDS/MaliciousIPCaller.FailedLogin',
    5,
    'An IP address known for attacks failed to log in to the database.',
  ],
  [
    'CredentialAccess:RDS/MaliciousIPCaller.SuccessfulLogin',
    8,
    'An IP address known for attacks logged in to the database.',
  ],
  [
    'CredentialAccess:RDS/TorIPCaller.FailedLogin',
    5,
    'A Tor exit node failed to log in to the database.',
  ],
  [
    'CredentialAccess:RDS/TorIPCaller.SuccessfulLogin',
    8,
    'A Tor exit node logged in to the database.',
  ],
  [
    'Discovery:RDS/MaliciousIPCaller',
    5,
    'An IP address known for attacks probes the database without logging in.',
  ],
  ['Discovery:RDS/TorIPCaller', 5, 'A Tor exit node probes the database without logging in.'],
])

const RUNTIME_INSTANCE = rows('Instance', 'RUNTIME_MONITORING', [
  [
    'Backdoor:Runtime/C&CActivity.B',
    8,
    'A process connects to an IP address known to command malware.',
  ],
  [
    'CryptoCurrency:Runtime/BitcoinTool.B',
    8,
    'A process talks to an IP address tied to cryptocurrency mining.',
  ],
  [
    'DefenseEvasion:Runtime/FilelessExecution',
    5,
    'A process runs code that exists only in memory.',
  ],
  ['DefenseEvasion:Runtime/KernelModuleLoaded', 8, 'A kernel module was loaded.'],
  [
    'DefenseEvasion:Runtime/ProcessInjection.Proc',
    8,
    'A process writes into the memory of another process through /proc.',
  ],
  [
    'DefenseEvasion:Runtime/ProcessInjection.Ptrace',
    5,
    'A process injects code into another process with ptrace.',
  ],
  [
    'DefenseEvasion:Runtime/ProcessInjection.VirtualMemoryWrite',
    8,
    'A process writes into the memory of another process with cross-process system calls.',
  ],
  [
    'DefenseEvasion:Runtime/PtraceAntiDebugging',
    2,
    'A process uses ptrace to keep debuggers away.',
  ],
  [
    'DefenseEvasion:Runtime/SuspiciousCommand',
    8,
    'A command that tampers with security defenses was run.',
  ],
  ['Discovery:Runtime/SuspiciousCommand', 2, 'Commands typical of reconnaissance were run.'],
  ['Execution:Runtime/MaliciousFileExecuted', 8, 'A known malicious executable was run.'],
  ['Execution:Runtime/ReverseShell', 8, 'A process opened a reverse shell to a remote host.'],
  [
    'Execution:Runtime/SuspiciousShellCreated',
    2,
    'A shell was started by a process that normally never starts one.',
  ],
  ['Impact:Runtime/CryptoMinerExecuted', 8, 'A cryptocurrency miner is running.'],
  [
    'Persistence:Runtime/SuspiciousCommand',
    5,
    'A command that sets up a way to come back was run.',
  ],
  ['PrivilegeEscalation:Runtime/ElevationToRoot', 5, 'A process gained root privileges.'],
  [
    'PrivilegeEscalation:Runtime/UserfaultfdUsage',
    5,
    'A process uses userfaultfd, a building block of kernel exploits.',
  ],
  ['Trojan:Runtime/BlackholeTraffic', 5, 'A process tries to reach a sinkholed IP address.'],
  [
    'Trojan:Runtime/DropPoint',
    5,
    'A process talks to an IP address that collects data stolen by malware.',
  ],
  [
    'UnauthorizedAccess:Runtime/TorClient',
    8,
    'A process connects to Tor guard or directory nodes.',
  ],
  ['UnauthorizedAccess:Runtime/TorRelay', 8, 'A process relays traffic for the Tor network.'],
])

const RUNTIME_EKS = rows('EKSCluster', 'RUNTIME_MONITORING', [
  ['Backdoor:Runtime/C&CActivity.B!DNS', 8, 'A process looks up a domain used to command malware.'],
  [
    'CryptoCurrency:Runtime/BitcoinTool.B!DNS',
    8,
    'A process looks up a domain tied to cryptocurrency mining.',
  ],
  [
    'Execution:Runtime/NewBinaryExecuted',
    5,
    'A binary created or changed after the container started was run.',
  ],
  ['Execution:Runtime/SuspiciousTool', 5, 'An offensive security tool was run.', V],
  [
    'Impact:Runtime/AbusedDomainRequest.Reputation',
    5,
    'A process looks up a low-reputation domain of a commonly abused kind.',
  ],
  [
    'Impact:Runtime/BitcoinDomainRequest.Reputation',
    8,
    'A process looks up a low-reputation domain tied to cryptocurrency.',
  ],
  [
    'PrivilegeEscalation:Runtime/CGroupsReleaseAgentModified',
    8,
    'The cgroups release agent was changed, a known way out of a container.',
  ],
  [
    'PrivilegeEscalation:Runtime/ContainerMountsHostDirectory',
    5,
    'A container mounted a directory of its host while running.',
  ],
  [
    'PrivilegeEscalation:Runtime/RuncContainerEscape',
    8,
    'A process tried to break out of its container through runc.',
  ],
  [
    'Trojan:Runtime/BlackholeTraffic!DNS',
    5,
    'A process looks up a domain that resolves to a sinkhole.',
  ],
  [
    'Trojan:Runtime/DGADomainRequest.C!DNS',
    8,
    'A process looks up algorithmically generated domains known to threat intelligence.',
  ],
  [
    'UnauthorizedAccess:Runtime/MetadataDNSRebind',
    8,
    'A process looks up a domain that resolves to the instance metadata address.',
  ],
])

const RUNTIME_ECS = rows('ECSCluster', 'RUNTIME_MONITORING', [
  [
    'Execution:Runtime/NewLibraryLoaded',
    5,
    'A library created after the container started was loaded.',
  ],
  ['Execution:Runtime/SuspiciousCommand', 5, 'A suspicious command was run.', V],
  [
    'Impact:Runtime/MaliciousDomainRequest.Reputation',
    5,
    'A process looks up a low-reputation domain tied to known attacks.',
  ],
  [
    'Impact:Runtime/SuspiciousDomainRequest.Reputation',
    2,
    'A process looks up a young, rarely seen domain that looks suspicious.',
  ],
  [
    'PrivilegeEscalation:Runtime/DockerSocketAccessed',
    5,
    'A process inside a container talks to the Docker socket.',
  ],
  [
    'PrivilegeEscalation:Runtime/SuspiciousCommand',
    5,
    'A command that seeks higher privileges was run.',
  ],
  [
    'Trojan:Runtime/DriveBySourceTraffic!DNS',
    8,
    'A process looks up a domain that serves drive-by downloads.',
  ],
  [
    'Trojan:Runtime/DropPoint!DNS',
    5,
    'A process looks up a domain that collects data stolen by malware.',
  ],
  ['Trojan:Runtime/PhishingDomainRequest!DNS', 8, 'A process looks up a phishing domain.'],
])

const EBS_MALWARE: FindingTypeInfo[] = [
  ...rows('Instance', 'EBS_MALWARE_PROTECTION', [
    ['Execution:EC2/MaliciousFile', 8, 'A malware scan found a malicious file on the instance.', V],
    [
      'Execution:EC2/SuspiciousFile',
      5,
      'A malware scan found a suspicious file on the instance.',
      V,
    ],
  ]),
  ...rows('Container', 'EBS_MALWARE_PROTECTION', [
    [
      'Execution:Container/MaliciousFile',
      8,
      'A malware scan found a malicious file in a standalone container.',
      V,
    ],
    [
      'Execution:Container/SuspiciousFile',
      5,
      'A malware scan found a suspicious file in a standalone container.',
      V,
    ],
  ]),
  ...rows('ECSCluster', 'EBS_MALWARE_PROTECTION', [
    ['Execution:ECS/MaliciousFile', 8, 'A malware scan found a malicious file in an ECS task.', V],
    [
      'Execution:ECS/SuspiciousFile',
      5,
      'A malware scan found a suspicious file in an ECS task.',
      V,
    ],
  ]),
  ...rows('EKSCluster', 'EBS_MALWARE_PROTECTION', [
    [
      'Execution:Kubernetes/MaliciousFile',
      8,
      'A malware scan found a malicious file in a Kubernetes workload.',
      V,
    ],
    [
      'Execution:Kubernetes/SuspiciousFile',
      5,
      'A malware scan found a suspicious file in a Kubernetes workload.',
      V,
    ],
  ]),
]

const BACKUP_MALWARE: FindingTypeInfo[] = [
  ...rows('EC2Image', 'BACKUP_MALWARE_PROTECTION', [
    ['Execution:EC2/MaliciousFile!AMI', 8, 'A malware scan found a malicious file in an AMI.', V],
  ]),
  ...rows('EBSSnapshot', 'BACKUP_MALWARE_PROTECTION', [
    [
      'Execution:EC2/MaliciousFile!Snapshot',
      8,
      'A malware scan found a malicious file in an EBS snapshot.',
      V,
    ],
  ]),
  ...rows('RecoveryPoint', 'BACKUP_MALWARE_PROTECTION', [
    [
      'Execution:EC2/MaliciousFile!RecoveryPoint',
      8,
      'A malware scan found a malicious file in an AWS Backup recovery point of an instance.',
      V,
    ],
    [
      'Execution:S3/MaliciousFile!RecoveryPoint',
      8,
      'A malware scan found a malicious object in an AWS Backup recovery point of a bucket.',
      V,
    ],
  ]),
]

const CUSTOM_DETECTION_RULES: FindingTypeInfo[] = [
  rule(
    'CredentialAccess:EC2/UnsecuredCredentials',
    'Instance',
    'The administrator password of a Windows instance was retrieved.',
    [['EC2PasswordDataRetrieved', 'Medium']],
  ),
  rule(
    'CredentialAccess:RDS/ModifyAuthenticationProcess',
    'RDSDBInstance',
    'The master password of a database was reset.',
    [['RDSMasterPasswordReset', 'High']],
  ),
  rule(
    'DefenseImpairment:EC2/DisableOrModifyTools',
    'Instance',
    'EC2 protections or VPC flow logging were changed or removed.',
    [
      ['EC2TerminationProtectionEnabled', 'Low'],
      ['VPCFlowLogsDeleted', 'High'],
    ],
  ),
  rule(
    'DefenseImpairment:Organizations/ModifyCloudResourceHierarchy',
    'AccessKey',
    'An account tried to leave its AWS organization.',
    [['OrganizationLeaveAttempt', 'High']],
  ),
  rule(
    'DefenseImpairment:Organizations/DisableOrModifyTools',
    'AccessKey',
    'A policy type of the AWS organization was disabled.',
    [['OrganizationPolicyDisabled', 'High']],
  ),
  rule(
    'DefenseImpairment:RDS/ModifyAuthenticationProcess',
    'RDSDBInstance',
    'IAM database authentication was turned off for a database.',
    [['RDSIAMAuthDisabled', 'Medium']],
  ),
  rule(
    'DefenseImpairment:Route53Resolver/DisableOrModifyTools',
    'AccessKey',
    'A Route 53 Resolver query logging configuration was deleted.',
    [['DNSQueryLogsDeleted', 'Medium']],
  ),
  rule(
    'DefenseImpairment:S3/DisableOrModifyTools',
    'S3Bucket',
    'A bucket was set to accept encryption with customer-provided keys.',
    [['S3CustomerProvidedKeysEnabled', 'High']],
  ),
  rule(
    'Execution:SageMaker/CommandAndScriptingInterpreter',
    'AccessKey',
    'A SageMaker lifecycle configuration script was changed.',
    [['SageMakerLifecycleConfigModified', 'Medium']],
  ),
  rule(
    'Exfiltration:EC2/TransferDataToCloudAccount',
    'Instance',
    'An AMI or EBS snapshot was shared with an outside account.',
    [
      ['AMIExternalAccess', 'High'],
      ['EBSSnapshotExternalAccess', 'High'],
    ],
  ),
  rule(
    'Exfiltration:RDS/TransferDataToCloudAccount',
    'RDSDBInstance',
    'A database snapshot was made public.',
    [['RDSSnapshotPubliclyShared', 'High']],
  ),
  rule(
    'Exfiltration:S3/TransferDataToCloudAccount',
    'S3Bucket',
    'A bucket policy now grants access to an outside account.',
    [['S3BucketPolicyExternalAccess', 'High']],
  ),
  rule(
    'Impact:S3/DataDestruction',
    'S3Bucket',
    'A lifecycle rule was set to expire the objects of a bucket almost at once.',
    [['S3LifecycleRapidExpiration', 'Medium']],
  ),
  rule(
    'Impact:SES/ResourceHijacking',
    'AccessKey',
    'Email sending through Amazon SES was enabled or moved to production.',
    [
      ['SESAccountSendingEnabled', 'Low'],
      ['SESProductionAccessEnabled', 'Medium'],
    ],
  ),
  rule(
    'InitialAccess:IAM/ValidAccounts',
    'AccessKey',
    'Someone signed in to the console without multi-factor authentication.',
    [['ConsoleLoginWithoutMFA', 'Medium']],
  ),
  rule(
    'InitialAccess:RDS/ExploitPublicFacingApplication',
    'RDSDBInstance',
    'A database was made reachable from the internet.',
    [['RDSPubliclyAccessible', 'High']],
  ),
  rule(
    'LateralMovement:EC2/RemoteServices',
    'Instance',
    'An SSH key was pushed to an instance through EC2 Instance Connect.',
    [['EC2InstanceSSHKeyPushed', 'Medium']],
  ),
  rule(
    'Persistence:EC2/BootOrLogonInitializationScripts',
    'Instance',
    'The user data that an instance runs at boot was changed.',
    [['EC2UserDataModified', 'High']],
  ),
  rule(
    'Persistence:EC2/ExternalRemoteServices',
    'Instance',
    'A security group now allows SSH from anywhere.',
    [['EC2SecurityGroupPublicSSH', 'Medium']],
  ),
  rule(
    'Persistence:IAM/AccountManipulation',
    'AccessKey',
    'IAM access keys, console passwords or role trust policies were created or changed.',
    [
      ['IAMAccessKeyCreated', 'Low'],
      ['IAMRoleTrustPolicyModified', 'Medium'],
      ['IAMUserLoginProfileCreated', 'High'],
      ['IAMUserLoginProfileUpdated', 'Medium'],
    ],
  ),
  rule(
    'Persistence:Lambda/AccountManipulation',
    'Lambda',
    'A resource policy now lets anyone invoke a Lambda function.',
    [['LambdaFunctionPublicAccess', 'High']],
  ),
  rule(
    'Persistence:Lambda/ModifyAuthenticationProcess',
    'Lambda',
    'A function URL without authentication was added to a Lambda function.',
    [['LambdaFunctionUrlPublicAccess', 'High']],
  ),
  rule(
    'Persistence:RolesAnywhere/AccountManipulation',
    'AccessKey',
    'An IAM Roles Anywhere trust anchor was created.',
    [['RolesAnywhereTrustAnchorCreated', 'Medium']],
  ),
  rule(
    'PrivilegeEscalation:IAM/AccountManipulation',
    'AccessKey',
    'Administrator or broad service policies were attached, or service credentials created.',
    [
      ['AdminPolicyAttachedToRole', 'High'],
      ['AdminPolicyAttachedToUser', 'High'],
      ['BedrockServiceCredentialCreated', 'Medium'],
      ['SESFullAccessPolicyAttachedToRole', 'Medium'],
      ['SESFullAccessPolicyAttachedToUser', 'Medium'],
    ],
  ),
  rule(
    'ResourceDevelopment:SES/CompromiseAccounts',
    'AccessKey',
    'A domain identity was verified in Amazon SES.',
    [['SESDomainIdentityVerified', 'Medium']],
  ),
]

/** Every finding type, in catalog order. */
export const FINDING_TYPES: readonly FindingTypeInfo[] = [
  ...EC2_FLOW,
  ...EC2_DNS,
  ...IAM,
  ...AI,
  ...S3_DATA,
  ...S3_MANAGEMENT,
  ...S3_MALWARE,
  ...EKS,
  ...ATTACK_SEQUENCES,
  ...LAMBDA,
  ...RDS,
  ...RUNTIME_INSTANCE,
  ...RUNTIME_EKS,
  ...RUNTIME_ECS,
  ...EBS_MALWARE,
  ...BACKUP_MALWARE,
  ...CUSTOM_DETECTION_RULES,
]

/** The catalog by type name. */
export const FINDING_CATALOG: ReadonlyMap<string, FindingTypeInfo> = new Map(
  FINDING_TYPES.map((t) => [t.type, t]),
)
