// Node objects with the labels NVIDIA GPU Feature Discovery puts on them and the
// capacity the device plugin advertises (see REFERENCE.md, "NVIDIA GPU Feature Discovery").
import type { KObj } from './types.ts';

export interface NodeProfile {
  cpu: number;
  memoryGi: number;
  instanceType: string;
  labels: Record<string, string>; // nvidia.com/* labels
  gpuResources: Record<string, number>; // e.g. { 'nvidia.com/gpu': 4 }
}

function driverLabels(): Record<string, string> {
  return {
    'nvidia.com/cuda.driver-version.full': '550.127.05',
    'nvidia.com/cuda.driver-version.major': '550',
    'nvidia.com/cuda.driver-version.minor': '127',
    'nvidia.com/cuda.driver-version.revision': '05',
    'nvidia.com/cuda.driver.major': '550',
    'nvidia.com/cuda.driver.minor': '127',
    'nvidia.com/cuda.driver.rev': '05',
    'nvidia.com/cuda.runtime-version.full': '12.4',
    'nvidia.com/cuda.runtime-version.major': '12',
    'nvidia.com/cuda.runtime-version.minor': '4',
    'nvidia.com/cuda.runtime.major': '12',
    'nvidia.com/cuda.runtime.minor': '4',
    'nvidia.com/gfd.timestamp': '1735689600',
    'nvidia.com/gpu.deploy.device-plugin': 'true',
    'nvidia.com/gpu.deploy.gpu-feature-discovery': 'true',
    'nvidia.com/gpu.present': 'true',
  };
}

interface GpuSpec {
  product: string;
  memoryMiB?: number; // omitted: GFD had no memory label (the app must use a product table)
  count: number;
  family: string;
  compute: [number, number];
  replicas?: number;
  sharing?: 'none' | 'time-slicing' | 'mps';
  migCapable?: boolean;
  vgpu?: boolean;
}

export function gpuLabels(g: GpuSpec): Record<string, string> {
  const l: Record<string, string> = {
    ...driverLabels(),
    'nvidia.com/gpu.product': g.product,
    'nvidia.com/gpu.count': String(g.count),
    'nvidia.com/gpu.family': g.family,
    'nvidia.com/gpu.compute.major': String(g.compute[0]),
    'nvidia.com/gpu.compute.minor': String(g.compute[1]),
    'nvidia.com/gpu.machine': 'Standard-PC',
    'nvidia.com/gpu.mode': 'compute',
    'nvidia.com/gpu.replicas': String(g.replicas ?? 1),
    'nvidia.com/gpu.sharing-strategy': g.sharing ?? 'none',
    'nvidia.com/mig.capable': String(Boolean(g.migCapable)),
    'nvidia.com/mps.capable': 'false',
    'nvidia.com/vgpu.present': String(Boolean(g.vgpu)),
  };
  if (g.memoryMiB !== undefined) l['nvidia.com/gpu.memory'] = String(g.memoryMiB);
  return l;
}

export const profiles = {
  h100: (): NodeProfile => ({
    cpu: 96, memoryGi: 1024, instanceType: 'p5.48xlarge',
    labels: gpuLabels({ product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, count: 1, family: 'hopper', compute: [9, 0], migCapable: true }),
    gpuResources: { 'nvidia.com/gpu': 1 },
  }),
  // vGPU profile 23C on an H100 NVL, time-sliced 4 ways: capacity = count x replicas.
  h100lVgpu: (): NodeProfile => ({
    cpu: 32, memoryGi: 256, instanceType: 'vm-h100l-23c',
    labels: gpuLabels({ product: 'NVIDIA-H100L-23C-SHARED', memoryMiB: 23552, count: 1, family: 'hopper', compute: [9, 0],
      replicas: 4, sharing: 'time-slicing', vgpu: true }),
    gpuResources: { 'nvidia.com/gpu': 4 },
  }),
  // MIG single strategy: every slice is an nvidia.com/gpu; the labels describe one slice.
  a100MigSingle: (): NodeProfile => ({
    cpu: 64, memoryGi: 512, instanceType: 'p4d.24xlarge',
    labels: {
      ...gpuLabels({ product: 'NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', memoryMiB: 4864, count: 7, family: 'ampere', compute: [8, 0], migCapable: true }),
      'nvidia.com/mig.strategy': 'single',
      'nvidia.com/gpu.multiprocessors': '14',
      'nvidia.com/gpu.slices.ci': '1',
      'nvidia.com/gpu.slices.gi': '1',
      'nvidia.com/gpu.engines.copy': '1',
      'nvidia.com/gpu.engines.decoder': '0',
      'nvidia.com/gpu.engines.encoder': '0',
      'nvidia.com/gpu.engines.jpeg': '0',
      'nvidia.com/gpu.engines.ofa': '0',
    },
    gpuResources: { 'nvidia.com/gpu': 7 },
  }),
  // MIG mixed strategy: each profile is its own resource with its own labels.
  a100MigMixed: (): NodeProfile => ({
    cpu: 64, memoryGi: 1024, instanceType: 'p4de.24xlarge',
    labels: {
      ...gpuLabels({ product: 'NVIDIA-A100-SXM4-80GB', memoryMiB: 81920, count: 1, family: 'ampere', compute: [8, 0], migCapable: true }),
      'nvidia.com/mig.strategy': 'mixed',
      'nvidia.com/mig-1g.10gb.count': '4',
      'nvidia.com/mig-1g.10gb.memory': '9728',
      'nvidia.com/mig-1g.10gb.product': 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
      'nvidia.com/mig-1g.10gb.replicas': '1',
      'nvidia.com/mig-1g.10gb.multiprocessors': '14',
      'nvidia.com/mig-1g.10gb.slices.ci': '1',
      'nvidia.com/mig-1g.10gb.slices.gi': '1',
      'nvidia.com/mig-3g.40gb.count': '1',
      'nvidia.com/mig-3g.40gb.memory': '40192',
      'nvidia.com/mig-3g.40gb.product': 'NVIDIA-A100-SXM4-80GB-MIG-3g.40gb',
      'nvidia.com/mig-3g.40gb.replicas': '1',
      'nvidia.com/mig-3g.40gb.multiprocessors': '42',
      'nvidia.com/mig-3g.40gb.slices.ci': '3',
      'nvidia.com/mig-3g.40gb.slices.gi': '3',
    },
    gpuResources: { 'nvidia.com/gpu': 0, 'nvidia.com/mig-1g.10gb': 4, 'nvidia.com/mig-3g.40gb': 1 },
  }),
  // No nvidia.com/gpu.memory label: older GFD, or one that could not read it.
  t4: (): NodeProfile => ({
    cpu: 16, memoryGi: 64, instanceType: 'g4dn.4xlarge',
    labels: gpuLabels({ product: 'Tesla-T4', count: 2, family: 'turing', compute: [7, 5] }),
    gpuResources: { 'nvidia.com/gpu': 2 },
  }),
  // Scale-out shapes.
  h100x8: (): NodeProfile => ({
    cpu: 192, memoryGi: 2048, instanceType: 'p5.48xlarge',
    labels: gpuLabels({ product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, count: 8, family: 'hopper', compute: [9, 0], migCapable: true }),
    gpuResources: { 'nvidia.com/gpu': 8 },
  }),
  a100x8: (): NodeProfile => ({
    cpu: 96, memoryGi: 1152, instanceType: 'p4d.24xlarge',
    labels: gpuLabels({ product: 'NVIDIA-A100-SXM4-40GB', memoryMiB: 40960, count: 8, family: 'ampere', compute: [8, 0], migCapable: true }),
    gpuResources: { 'nvidia.com/gpu': 8 },
  }),
  l40sx4: (): NodeProfile => ({
    cpu: 48, memoryGi: 384, instanceType: 'g6e.12xlarge',
    labels: gpuLabels({ product: 'NVIDIA-L40S', memoryMiB: 46068, count: 4, family: 'ada-lovelace', compute: [8, 9] }),
    gpuResources: { 'nvidia.com/gpu': 4 },
  }),
  cpu: (): NodeProfile => ({ cpu: 32, memoryGi: 128, instanceType: 'm6i.8xlarge', labels: {}, gpuResources: {} }),
};

export function makeNode(name: string, index: number, p: NodeProfile): KObj {
  const memKi = p.memoryGi * 1024 * 1024;
  const capacity: Record<string, string> = {
    cpu: String(p.cpu),
    'ephemeral-storage': '1055762868Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${memKi}Ki`,
    pods: '110',
  };
  const allocatable: Record<string, string> = {
    ...capacity,
    cpu: `${p.cpu * 1000 - 100}m`,
    'ephemeral-storage': '972991057538',
    memory: `${memKi - 3 * 1024 * 1024}Ki`,
  };
  for (const [k, v] of Object.entries(p.gpuResources)) {
    capacity[k] = String(v);
    allocatable[k] = String(v);
  }
  const ip = `10.0.${(index >> 8) & 255}.${(index & 255) + 10}`;
  const lastTime = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: lastTime, lastTransitionTime: lastTime, reason, message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: new Date(Date.now() - 30 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': p.instanceType,
        ...p.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: `10.244.${index & 255}.0/24`, podCIDRs: [`10.244.${index & 255}.0/24`] },
    status: {
      capacity,
      allocatable,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `${index.toString(16).padStart(8, '0')}a1b2c3d4e5f60718293a4b5c`,
        systemUUID: `${index.toString(16).padStart(8, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
        bootID: `${index.toString(16).padStart(8, '0')}-9f8e-4d7c-b6a5-948372615f0e`,
        kernelVersion: '6.8.0-49-generic',
        osImage: 'Ubuntu 24.04.1 LTS',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: 'v1.32.4',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
