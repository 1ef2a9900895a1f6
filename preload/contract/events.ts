// Events main pushes to the UI (IPC) and to browsers (`GET /api/events`, server-sent events).
import type { DeploymentInfo, GpuStatusResult, HealthResult } from './cluster.ts';
import type { PullProgress } from './ollama.ts';

export interface Events {
  /** A pull moved on, finished, failed or was cancelled. */
  pullProgress: PullProgress;
  /** Text of a generateStream call as it arrives. */
  generateChunk: { stream_id: string; text: string; done: boolean };
  /** Nodes, pods or deployments changed: GPU status and deployments are worth reading again. */
  clusterChanged: { kinds: ('nodes' | 'pods' | 'deployments')[] };
  /**
   * The deployments view changed: fold `upserts` (whole entries) and `deletes` into the answer of
   * listDeployments whose `epoch` is the same and whose `seq` is lower. Batched (at most one per
   * 250 ms; the first change after a quiet spell at once); `seq` grows by one per event. Another
   * epoch (a new manager) or a gap in seq: read listDeployments again.
   */
  deploymentsChanged: DeploymentsDelta;
  /** GPU status, whole, computed when nodes or pods change (at most one a second): pushed, not polled. */
  gpuStatusChanged: GpuStatusResult;
  /** Usage counts changed (here or in another instance). */
  usageChanged: { total_requests: number };
  healthChanged: HealthResult;
  /** Something an operator wants to hear of once (a pull finished or failed, a deployment ready, failed or evicted, Kubernetes or Ollama lost and back). */
  notice: Notice;
}

export interface Notice {
  level: 'info' | 'warn' | 'error';
  title: string;
  body: string;
}

export interface DeploymentsDelta {
  epoch: string;
  seq: number;
  upserts: DeploymentInfo[];
  deletes: { namespace: string; name: string }[];
}

export type EventName = keyof Events;
export const eventNames = ['pullProgress', 'generateChunk', 'clusterChanged', 'usageChanged', 'healthChanged', 'deploymentsChanged', 'gpuStatusChanged', 'notice'] as const satisfies readonly EventName[];
