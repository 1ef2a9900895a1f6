// Defaulting the real API server applies on create and update, so objects read back
// look like a cluster's (replicas 1, strategy, imagePullPolicy, clusterIP, ...).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { ResourceInfo } from './resources.ts';

let nextClusterIp = 10;

function allocateClusterIp(): string {
  const n = nextClusterIp++;
  return `10.96.${(n >> 8) & 255}.${n & 255}`;
}

export function defaultPodSpec(spec: any): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    if (!c || typeof c !== 'object') continue;
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    const image = String(c.image ?? '');
    const tagged = /:[^/]+$/.test(image) || image.includes('@');
    c.imagePullPolicy ??= !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    c.resources ??= {};
    // Requests default to limits, as the API server does (extended resources need both equal).
    const lim = c.resources.limits;
    if (lim) {
      c.resources.requests ??= {};
      for (const [k, v] of Object.entries(lim)) c.resources.requests[k] ??= v;
    }
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}

export function applyDefaults(r: ResourceInfo, obj: KObj, old?: KObj): void {
  const m = obj.metadata;
  switch (r.plural) {
    case 'deployments': {
      const s = (obj.spec ??= {});
      s.replicas ??= 1;
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      s.strategy ??= { type: 'RollingUpdate' };
      if (s.strategy.type === 'RollingUpdate') s.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
      defaultPodSpec(s.template?.spec);
      if (s.template) s.template.metadata ??= {};
      break;
    }
    case 'replicasets':
      defaultPodSpec(obj.spec?.template?.spec);
      break;
    case 'secrets': {
      // stringData is write-only: the API server folds it into data (base64) and stores no stringData (core/v1 Secret).
      const data: Record<string, string> = { ...(obj.data ?? {}) };
      for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete obj.stringData;
      if (Object.keys(data).length) obj.data = data;
      obj.type ??= 'Opaque';
      break;
    }
    case 'pods':
      defaultPodSpec((obj.spec ??= {}));
      break;
    case 'services': {
      const s = (obj.spec ??= {});
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.clusterIP !== 'None') {
        s.clusterIP = old?.spec?.clusterIP ?? s.clusterIP ?? allocateClusterIp();
        s.clusterIPs = [s.clusterIP];
      }
      s.ipFamilies ??= ['IPv4'];
      s.ipFamilyPolicy ??= 'SingleStack';
      s.internalTrafficPolicy ??= 'Cluster';
      for (const p of s.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'namespaces':
      m.labels = { ...(m.labels ?? {}), 'kubernetes.io/metadata.name': m.name! };
      obj.spec ??= { finalizers: ['kubernetes'] };
      obj.status = old?.status ?? { phase: 'Active' };
      break;
  }
}
