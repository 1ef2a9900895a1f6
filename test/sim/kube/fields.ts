// Unknown-field detection for fieldValidation (apiserver: Strict is a 400 "strict decoding
// error: unknown field", Warn, the default, a Warning header per field; Ignore drops them).
// Fields as declared in k8s.io/api core/v1, apps/v1 and meta/v1 types.go for the kinds the
// simulator checks; the contents of maps (labels, resources, nodeSelector...) are not.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { ResourceInfo } from './resources.ts';
import { errors } from './status.ts';

type Shape = Record<string, string | null>; // field -> type name (null: not checked further)
const f = (names: string, typed: Record<string, string> = {}): Shape =>
  Object.fromEntries([...names.split(/\s+/).filter(Boolean).map((n) => [n, null] as const), ...Object.entries(typed)]);

const S: Record<string, Shape> = {
  ObjectMeta: f('name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences finalizers managedFields'),
  Deployment: f('apiVersion kind status', { metadata: 'ObjectMeta', spec: 'DeploymentSpec' }),
  DeploymentSpec: f('replicas selector minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds', { template: 'PodTemplateSpec', strategy: 'DeploymentStrategy' }),
  DeploymentStrategy: f('type', { rollingUpdate: 'RollingUpdateDeployment' }),
  RollingUpdateDeployment: f('maxUnavailable maxSurge'),
  ReplicaSet: f('apiVersion kind status spec', { metadata: 'ObjectMeta' }),
  PodTemplateSpec: f('', { metadata: 'ObjectMeta', spec: 'PodSpec' }),
  Pod: f('apiVersion kind status', { metadata: 'ObjectMeta', spec: 'PodSpec' }),
  PodSpec: f('volumes ephemeralContainers restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext imagePullSecrets hostname subdomain affinity schedulerName tolerations hostAliases priorityClassName priority dnsConfig readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates resourceClaims resources',
    { containers: 'Container[]', initContainers: 'Container[]' }),
  Container: f('name image command args workingDir envFrom resources resizePolicy restartPolicy volumeDevices livenessProbe readinessProbe startupProbe lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext stdin stdinOnce tty',
    { ports: 'ContainerPort[]', env: 'EnvVar[]', volumeMounts: 'VolumeMount[]' }),
  ContainerPort: f('name hostPort containerPort protocol hostIP'),
  EnvVar: f('name value valueFrom'),
  VolumeMount: f('name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr'),
  Service: f('apiVersion kind status', { metadata: 'ObjectMeta', spec: 'ServiceSpec' }),
  ServiceSpec: f('selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses sessionAffinityConfig ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution',
    { ports: 'ServicePort[]' }),
  ServicePort: f('name protocol appProtocol port targetPort nodePort'),
  ConfigMap: f('apiVersion kind immutable data binaryData', { metadata: 'ObjectMeta' }),
  PersistentVolumeClaim: f('apiVersion kind spec status', { metadata: 'ObjectMeta' }),
  Namespace: f('apiVersion kind spec status', { metadata: 'ObjectMeta' }),
};

function walk(v: any, type: string, path: string, out: string[]): void {
  const list = type.endsWith('[]');
  const t = list ? type.slice(0, -2) : type;
  if (list) {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, t, `${path}[${i}]`, out));
    return;
  }
  const shape = S[t];
  if (!shape || !v || typeof v !== 'object' || Array.isArray(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in shape)) out.push(p);
    else if (shape[k]) walk(x, shape[k]!, p, out);
  }
}

/** Unknown fields of an object, as the decoder names them ("spec.template.spec.containers[0].imagee"). */
export function unknownFields(r: ResourceInfo, o: KObj): string[] {
  const out: string[] = [];
  if (S[r.kind] && r.group !== 'events.k8s.io') walk(o, r.kind, '', out);
  return out;
}

/** Applies ?fieldValidation= to a request body: throws for Strict, returns the Warning header values for Warn. */
export function checkFields(r: ResourceInfo, o: KObj, q: URLSearchParams): string[] {
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (!['Ignore', 'Warn', 'Strict'].includes(mode))
    throw errors.badRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(r, o);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') {
    const gv = r.version;
    throw errors.badRequest(`${r.kind} in version "${gv}" cannot be handled as a ${r.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
  }
  return unknown.map((u) => `299 - "unknown field \\"${u}\\""`);
}
