// Kubernetes objects are handled as plain JSON; `any` below is deliberate: the simulator
// stores whatever shape a client sends, as the real API server does for unknown fields.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [k: string]: any;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KObj {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: any;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

let lastSecond = -1;
let lastIso = '';

/** RFC 3339 to the second, as Kubernetes timestamps are (cached per second: it is called a lot). */
export function nowIso(): string {
  const sec = Math.floor(Date.now() / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastIso = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastIso;
}
