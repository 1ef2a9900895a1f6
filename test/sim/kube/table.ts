// Server-side printing: the meta.k8s.io Table a real API server answers when the client
// asks for one (kubectl get sends Accept: application/json;as=Table;v=v1;g=meta.k8s.io,
// application/json). Columns and cells follow the API server's printers; a resource without
// a printer here keeps its plain list, which kubectl prints itself (NAME, AGE).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ResourceInfo } from './resources.ts';
import type { Entry } from './store.ts';
import type { KObj } from './types.ts';
import { errors } from './status.ts';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number; // 1: shown by kubectl only with -o wide
}

interface Printer {
  columns: TableColumn[];
  cells(o: any, now: number): unknown[];
}

export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function col(name: string, type: TableColumn['type'], description: string, priority = 0, format = ''): TableColumn {
  return { name, type, format, description, priority };
}

const NAME = col('Name', 'string',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0, 'name');
const AGE = col('Age', 'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata');

/** Go's k8s.io/apimachinery duration.HumanDuration, as the AGE column prints it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 2) return `${days}d`;
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function age(o: KObj, now: number): string {
  const t = Date.parse(String(o.metadata.creationTimestamp ?? ''));
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

function orNone(s: string | undefined): string {
  return s ? s : '<none>';
}

function selectorString(sel: any): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelector(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

function containersAndImages(spec: any): [string, string] {
  const cs: any[] = spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

/** The STATUS column of kubectl get pods (the API server's printPod, without init containers' detail). */
function podStatus(p: any): string {
  let reason: string = p.status?.reason || p.status?.phase || 'Unknown';
  const inits: any[] = p.status?.initContainerStatuses ?? [];
  let initializing = false;
  inits.forEach((c, i) => {
    if (initializing) return;
    if (c.state?.terminated && c.state.terminated.exitCode === 0) return;
    initializing = true;
    if (c.state?.terminated) reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(p.spec?.initContainers ?? []).length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const cs: any[] = p.status?.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (p.metadata.deletionTimestamp) reason = p.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function nodeStatus(n: any): string {
  const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  const s = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (n.spec?.unschedulable) s.push('SchedulingDisabled');
  return s.join(',');
}

function nodeRoles(n: any): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(n: any, type: string): string {
  return orNone((n.status?.addresses ?? []).find((a: any) => a.type === type)?.address);
}

function servicePorts(s: any): string {
  const ports: any[] = s.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

function serviceExternalIp(s: any): string {
  const type = s.spec?.type ?? 'ClusterIP';
  const external: string[] = s.spec?.externalIPs ?? [];
  if (type === 'ExternalName') return orNone(s.spec?.externalName);
  if (type === 'LoadBalancer') {
    const ingress = (s.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean);
    const all = [...ingress, ...external];
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : '<none>';
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'string', "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1),
      col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.', 1),
      col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', 1),
    ],
    cells(p, now) {
      const cs: any[] = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      const ready = cs.filter((c) => c.ready && c.state?.running).length;
      const restarts = cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      const gates: any[] = p.spec?.readinessGates ?? [];
      const gateText = gates.length
        ? `${gates.filter((g) => (p.status?.conditions ?? []).some((c: any) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
        : '<none>';
      return [p.metadata.name, `${ready}/${total}`, podStatus(p), String(restarts), age(p, now),
        orNone(p.status?.podIP), orNone(p.spec?.nodeName), orNone(p.status?.nominatedNodeName), gateText];
    },
  },
  nodes: {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of internal IPs assigned to the node.', 1),
      col('External-IP', 'string', 'List of external IPs assigned to the node.', 1),
      col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells(n, now) {
      const info = n.status?.nodeInfo ?? {};
      return [n.metadata.name, nodeStatus(n), nodeRoles(n), age(n, now), info.kubeletVersion ?? '',
        nodeAddress(n, 'InternalIP'), nodeAddress(n, 'ExternalIP'), orNone(info.osImage), orNone(info.kernelVersion), orNone(info.containerRuntimeVersion)];
    },
  },
  deployments: {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.', 1),
    ],
    cells(d, now) {
      const [containers, images] = containersAndImages(d.spec);
      return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0, age(d, now), containers, images, selectorString(d.spec?.selector)];
    },
  },
  replicasets: {
    columns: [
      NAME,
      col('Desired', 'integer', 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works'),
      col('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works'),
      col('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells(rs, now) {
      const [containers, images] = containersAndImages(rs.spec);
      return [rs.metadata.name, rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now),
        containers, images, selectorString(rs.spec?.selector)];
    },
  },
  services: {
    columns: [
      NAME,
      col('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
      col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify.', 1),
    ],
    cells(s, now) {
      return [s.metadata.name, s.spec?.type ?? 'ClusterIP', orNone(s.spec?.clusterIP), serviceExternalIp(s), servicePorts(s), age(s, now), mapSelector(s.spec?.selector)];
    },
  },
  configmaps: {
    columns: [NAME, col('Data', 'integer', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'), AGE],
    cells(c, now) {
      return [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(c, now)];
    },
  },
  // pkg/printers/internalversion/printers.go printEvent; an events.k8s.io/v1 event prints the same.
  events: {
    columns: [
      col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
      col('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'string', 'The object that this event is about.'),
      col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
      col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
      col('Message', 'string', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      col('Count', 'string', 'The number of times this event has occurred.', 1),
      col('Name', 'string', NAME.description, 1, 'name'),
    ],
    cells(e, now) {
      const io = e.involvedObject ?? e.regarding ?? {};
      const src = e.source ?? e.deprecatedSource ?? {};
      const since = (t: unknown) => (t ? humanDuration(now - Date.parse(String(t))) : '<unknown>');
      // An event recorded through events.k8s.io has no lastTimestamp: the printer takes eventTime.
      return [since(e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp), e.type ?? '', e.reason ?? '',
        `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, io.fieldPath ?? '', [src.component, src.host].filter(Boolean).join(', ') || e.reportingComponent || e.reportingController || '',
        e.message ?? e.note ?? '', since(e.firstTimestamp ?? e.deprecatedFirstTimestamp ?? e.eventTime), e.count ?? e.deprecatedCount ?? e.series?.count ?? 1, e.metadata.name];
    },
  },
  namespaces: {
    columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
    cells(n, now) {
      return [n.metadata.name, n.status?.phase ?? 'Active', age(n, now)];
    },
  },
};

export function hasPrinter(r: ResourceInfo): boolean {
  return r.plural in PRINTERS;
}

/**
 * The Table version asked for by an Accept header, if the first media type the simulator can
 * serve is a Table (as=Table;g=meta.k8s.io;v=v1 or v1beta1); undefined when it is plain JSON.
 */
export function tableVersionFor(accept: string | undefined): TableVersion | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = new Map(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') continue;
    const as = p.get('as');
    if (!as) return undefined;
    if (as === 'Table' && p.get('g') === 'meta.k8s.io' && (p.get('v') === 'v1' || p.get('v') === 'v1beta1')) return p.get('v') as TableVersion;
    // Another server-side form (e.g. PartialObjectMetadataList) is not served: try the next.
  }
  return undefined;
}

export function includeObjectOf(v: string | null): IncludeObject {
  if (v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw errors.badRequest(`includeObject must be one of None, Metadata, Object: "${v}"`);
}

/** A Table for these entries; meta is the list's (resourceVersion, continue, remainingItemCount). */
export function tableJson(r: ResourceInfo, entries: Entry[], meta: Record<string, unknown>, version: TableVersion, include: IncludeObject): string {
  const printer = PRINTERS[r.plural]!;
  const now = Date.now();
  const rows = entries.map((e) => {
    const row: Record<string, unknown> = { cells: printer.cells(e.obj, now) };
    if (include === 'Object') row.object = JSON.parse(e.json);
    else if (include === 'None') row.object = null; // a nil RawExtension, as Go writes it
    else row.object = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: e.obj.metadata };
    return row;
  });
  return JSON.stringify({ kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata: meta, columnDefinitions: printer.columns, rows });
}
