// The seeded cluster: six nodes of the GPU kinds the app must understand, the system
// namespaces, model-hosting with Ollama and its Service, two user namespaces, and
// optional bulk (extra nodes, namespaces, deployments, pods) for scale tests.
import type { KObj } from './types.ts';
import type { Store } from './store.ts';
import { resourceFor } from './resources.ts';
import { applyDefaults } from './defaults.ts';
import { makeNode, profiles } from './nodes.ts';
import type { NodeProfile } from './nodes.ts';
import type { DeploymentController } from './controller.ts';

export interface SeedScale {
  nodes?: number;
  namespaces?: number;
  deployments?: number;
  pods?: number;
}

export const OLLAMA_NAMESPACE = 'model-hosting';
export const OLLAMA_IMAGE = 'ollama/ollama:0.12.0';

interface DeploySpec {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  labels?: Record<string, string>;
  port?: number;
  resources?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  env?: { name: string; value: string }[];
}

export function deployment(s: DeploySpec): KObj {
  const labels = s.labels ?? { app: s.name };
  const container: Record<string, unknown> = { name: s.name, image: s.image };
  if (s.port) container.ports = [{ containerPort: s.port, name: 'http', protocol: 'TCP' }];
  if (s.resources) container.resources = s.resources;
  if (s.env) container.env = s.env;
  const podSpec: Record<string, unknown> = { containers: [container] };
  if (s.nodeSelector) podSpec.nodeSelector = s.nodeSelector;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, namespace: s.namespace, labels },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}

function create(store: Store, kind: string, obj: KObj, ageDays = 0): KObj {
  const r = resourceFor(kind);
  if (ageDays) obj.metadata.creationTimestamp = new Date(Date.now() - ageDays * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  applyDefaults(r, obj);
  return store.create(r, obj);
}

function namespace(store: Store, name: string, caPem: string, ageDays = 30): void {
  create(store, 'namespaces', { metadata: { name } }, ageDays);
  create(store, 'configmaps', { metadata: { name: 'kube-root-ca.crt', namespace: name }, data: { 'ca.crt': caPem } }, ageDays);
}

export function seedCluster(store: Store, controller: DeploymentController, caPem: string, scale: SeedScale = {}): void {
  const nodes: [string, NodeProfile][] = [
    ['gpu-h100-01', profiles.h100()],
    ['gpu-h100l-vgpu-01', profiles.h100lVgpu()],
    ['gpu-a100-mig-01', profiles.a100MigSingle()],
    ['gpu-a100-mixed-01', profiles.a100MigMixed()],
    ['gpu-t4-01', profiles.t4()],
    ['cpu-01', profiles.cpu()],
  ];
  const extraShapes = [profiles.h100x8, profiles.a100x8, profiles.l40sx4, profiles.t4, profiles.cpu];
  for (let i = 0; i < (scale.nodes ?? 0); i++) {
    nodes.push([`node-${String(i + 1).padStart(4, '0')}`, extraShapes[i % extraShapes.length]!()]);
  }
  nodes.forEach(([name, p], i) => store.create(resourceFor('nodes'), makeNode(name, i, p)));

  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', OLLAMA_NAMESPACE, 'team-a', 'research'])
    namespace(store, ns, caPem);
  create(store, 'services', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  }, 30);
  create(store, 'services', {
    metadata: { name: 'ollama-service', namespace: OLLAMA_NAMESPACE, labels: { app: 'ollama' } },
    spec: { selector: { app: 'ollama' }, ports: [{ name: 'http', port: 11434, protocol: 'TCP', targetPort: 11434 }] },
  }, 7);

  const seeded: KObj[] = [
    deployment({ name: 'coredns', namespace: 'kube-system', image: 'registry.k8s.io/coredns/coredns:v1.11.3', replicas: 2,
      labels: { 'k8s-app': 'kube-dns' }, port: 53,
      resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } } }),
    deployment({ name: 'ollama', namespace: OLLAMA_NAMESPACE, image: OLLAMA_IMAGE, replicas: 1, labels: { app: 'ollama' }, port: 11434,
      resources: { requests: { cpu: '2', memory: '16Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '64Gi', 'nvidia.com/gpu': '1' } },
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
      env: [{ name: 'OLLAMA_HOST', value: '0.0.0.0:11434' }, { name: 'OLLAMA_KEEP_ALIVE', value: '5m' }] }),
    deployment({ name: 'web', namespace: 'team-a', image: 'nginx:1.27.3', replicas: 2, port: 80,
      resources: { requests: { cpu: '100m', memory: '128Mi' } } }),
    deployment({ name: 'jupyter', namespace: 'team-a', image: 'quay.io/jupyter/pytorch-notebook:cuda12-2024-12-09', replicas: 1, port: 8888,
      resources: { requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
      nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' } }),
    deployment({ name: 'finetune', namespace: 'research', image: 'nvcr.io/nvidia/pytorch:24.12-py3', replicas: 1,
      resources: { requests: { cpu: '4', memory: '32Gi', 'nvidia.com/mig-1g.10gb': '1' }, limits: { 'nvidia.com/mig-1g.10gb': '1' } } }),
    deployment({ name: 'redis', namespace: 'research', image: 'redis:7.4', replicas: 1, port: 6379,
      resources: { requests: { cpu: '250m', memory: '256Mi' } } }),
  ];

  // Bulk: namespaces, then deployments spread over them, with the pods shared out as replicas.
  const extraNs: string[] = [];
  for (let i = 0; i < (scale.namespaces ?? 0); i++) {
    const name = `ns-${String(i + 1).padStart(4, '0')}`;
    extraNs.push(name);
    namespace(store, name, caPem, 3);
  }
  const podCount = scale.pods ?? 0;
  let depCount = scale.deployments ?? 0;
  if (podCount > 0 && depCount === 0) depCount = Math.ceil(podCount / 4);
  const homes = extraNs.length ? extraNs : ['team-a', 'research', 'default'];
  const images = ['nginx:1.27.3', 'redis:7.4', 'busybox:1.37', 'python:3.12-slim', 'postgres:17.2'];
  for (let i = 0; i < depCount; i++) {
    const replicas = podCount > 0 ? Math.floor(podCount / depCount) + (i < podCount % depCount ? 1 : 0) : 1;
    seeded.push(deployment({
      name: `app-${String(i + 1).padStart(5, '0')}`, namespace: homes[i % homes.length]!,
      image: images[i % images.length]!, replicas,
    }));
  }

  // The controller brings every seeded deployment up at once (pods already Running).
  controller.paused = true;
  try {
    for (const d of seeded) {
      create(store, 'deployments', d, d.metadata.namespace === OLLAMA_NAMESPACE ? 7 : 20);
      controller.reconcile(d.metadata.namespace!, d.metadata.name!, true);
    }
  } finally {
    controller.paused = false;
  }
}
