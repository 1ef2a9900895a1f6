// The cached objects, trimmed to the fields the app reads: at 20,000 pods the caches hold
// a few hundred bytes each instead of kilobytes (no managedFields, no specs it never reads).
// Input is either a typed client-node object (dates as Date) or raw watch JSON (dates as strings).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { servedModel, type ServerKind } from './served-model.ts';

export interface NodeLite {
  kind: 'node';
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
}

export interface PodLite {
  kind: 'pod';
  namespace: string;
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  /** Only the app's own annotations (model-manager/*). */
  annotations: Record<string, string>;
  ownerNames: string[];
  nodeName: string | null;
  phase: string;
  terminating: boolean;
  /** Extended GPU resources requested (nvidia.com/*), summed over containers. */
  gpuRequests: Record<string, number>;
  /** A container's waiting or terminated reason (ImagePullBackOff, CrashLoopBackOff, OOMKilled...). */
  waiting: { reason: string; message: string } | null;
  /** The PodScheduled=False condition (Unschedulable: 0/3 nodes are available...). */
  unschedulable: { reason: string; message: string } | null;
  ready: boolean;
  /** Container restarts, summed (kubectl's RESTARTS column). */
  restarts?: number;
  /** When the pod was created (ISO). */
  created?: string;
}

export interface DeploymentLite {
  kind: 'deployment';
  namespace: string;
  name: string;
  resourceVersion: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  selector: Record<string, string>;
  image: string;
  /** The model its container serves, as its server takes it ($MODEL, MODEL_ID, --model, -m...). */
  servedModel: string | null;
  /** The inference server its container runs, when recognised. */
  server: ServerKind | null;
  gpu: string;
  memory: string;
  desired: number;
  ready: number;
  available: number;
  created: string;
  /** Progressing/Available conditions that say it failed (ProgressDeadlineExceeded, ReplicaFailure). */
  failure: { reason: string; message: string } | null;
}

export type Lite = NodeLite | PodLite | DeploymentLite;

const str = (v: unknown): string => (v === undefined || v === null ? '' : v instanceof Date ? v.toISOString().replace(/\.\d{3}Z$/, 'Z') : String(v));
const strMap = (m: any): Record<string, string> => {
  const out: Record<string, string> = {};
  if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) out[k] = str(v);
  return out;
};
const ownAnnotations = (m: any): Record<string, string> => {
  const out: Record<string, string> = {};
  if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) if (k.startsWith('model-manager/')) out[k] = str(v);
  return out;
};

/** "2", 2, "1k" → number; resource quantities of GPUs are plain integers. */
export function quantityNumber(q: unknown): number {
  const n = Number(str(q));
  return Number.isFinite(n) ? n : 0;
}

export function trimNode(o: any): NodeLite {
  const conditions: any[] = o?.status?.conditions ?? [];
  return {
    kind: 'node',
    name: str(o?.metadata?.name),
    resourceVersion: str(o?.metadata?.resourceVersion),
    labels: strMap(o?.metadata?.labels),
    capacity: strMap(o?.status?.capacity),
    allocatable: strMap(o?.status?.allocatable),
    ready: conditions.some((c) => c?.type === 'Ready' && c?.status === 'True'),
    unschedulable: Boolean(o?.spec?.unschedulable),
  };
}

export function trimPod(o: any): PodLite {
  const gpuRequests: Record<string, number> = {};
  for (const c of o?.spec?.containers ?? []) {
    const res = { ...(c?.resources?.limits ?? {}), ...(c?.resources?.requests ?? {}) };
    for (const [k, v] of Object.entries(res)) if (k.startsWith('nvidia.com/')) gpuRequests[k] = (gpuRequests[k] ?? 0) + quantityNumber(v);
  }
  let waiting: PodLite['waiting'] = null;
  for (const s of [...(o?.status?.initContainerStatuses ?? []), ...(o?.status?.containerStatuses ?? [])]) {
    const w = s?.state?.waiting ?? (s?.state?.terminated && s.state.terminated.reason !== 'Completed' ? s.state.terminated : null);
    if (w?.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') {
      waiting = { reason: str(w.reason), message: str(w.message) };
      break;
    }
  }
  const sched = (o?.status?.conditions ?? []).find((c: any) => c?.type === 'PodScheduled' && c?.status === 'False');
  const readyCond = (o?.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
  return {
    kind: 'pod',
    namespace: str(o?.metadata?.namespace),
    name: str(o?.metadata?.name),
    resourceVersion: str(o?.metadata?.resourceVersion),
    labels: strMap(o?.metadata?.labels),
    annotations: ownAnnotations(o?.metadata?.annotations),
    ownerNames: (o?.metadata?.ownerReferences ?? []).map((r: any) => str(r?.name)),
    nodeName: o?.spec?.nodeName ? str(o.spec.nodeName) : null,
    phase: str(o?.status?.phase) || 'Pending',
    terminating: Boolean(o?.metadata?.deletionTimestamp),
    gpuRequests,
    waiting,
    unschedulable: sched ? { reason: str(sched.reason) || 'Unschedulable', message: str(sched.message) } : null,
    ready: readyCond?.status === 'True',
    restarts: (o?.status?.containerStatuses ?? []).reduce((n: number, s: any) => n + (typeof s?.restartCount === 'number' ? s.restartCount : 0), 0),
    created: str(o?.metadata?.creationTimestamp),
  };
}

export function trimDeployment(o: any): DeploymentLite {
  const container = o?.spec?.template?.spec?.containers?.[0] ?? {};
  const res = { ...(container?.resources?.requests ?? {}), ...(container?.resources?.limits ?? {}) };
  const gpuKey = Object.keys(res).find((k) => k.startsWith('nvidia.com/'));
  const conds: any[] = o?.status?.conditions ?? [];
  const bad = conds.find((c) => (c?.type === 'Progressing' && c?.reason === 'ProgressDeadlineExceeded') || (c?.type === 'ReplicaFailure' && c?.status === 'True'));
  const served = servedModel(container);
  return {
    kind: 'deployment',
    namespace: str(o?.metadata?.namespace),
    name: str(o?.metadata?.name),
    resourceVersion: str(o?.metadata?.resourceVersion),
    uid: str(o?.metadata?.uid),
    labels: strMap(o?.metadata?.labels),
    annotations: ownAnnotations(o?.metadata?.annotations),
    selector: strMap(o?.spec?.selector?.matchLabels),
    image: str(container?.image),
    servedModel: served.model,
    server: served.server,
    gpu: gpuKey ? str(res[gpuKey]) : '0',
    memory: str(container?.resources?.limits?.memory ?? container?.resources?.requests?.memory) || '',
    desired: o?.spec?.replicas ?? 1,
    ready: o?.status?.readyReplicas ?? 0,
    available: o?.status?.availableReplicas ?? 0,
    created: str(o?.metadata?.creationTimestamp),
    failure: bad ? { reason: str(bad.reason), message: str(bad.message) } : null,
  };
}
