// Events main pushes to the UI (IPC) and to browsers (`GET /api/events`, server-sent events).
import type { HealthResult } from './cluster.ts';
import type { PullProgress } from './ollama.ts';

export interface Events {
  /** A pull moved on, finished, failed or was cancelled. */
  pullProgress: PullProgress;
  /** Text of a generateStream call as it arrives. */
  generateChunk: { stream_id: string; text: string; done: boolean };
  /** Nodes, pods or deployments changed: GPU status and deployments are worth reading again. */
  clusterChanged: { kinds: ('nodes' | 'pods' | 'deployments')[] };
  /** Usage counts changed (here or in another instance). */
  usageChanged: { total_requests: number };
  healthChanged: HealthResult;
}

export type EventName = keyof Events;
export const eventNames = ['pullProgress', 'generateChunk', 'clusterChanged', 'usageChanged', 'healthChanged'] as const satisfies readonly EventName[];
