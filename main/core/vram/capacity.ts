// What GPU memory each node offers, from NVIDIA GPU Feature Discovery labels, else the
// product table, else the configured default. Whole GPUs, time-sliced and MPS shares,
// MIG slices (single and mixed strategy) and vGPU profiles each become a device group.
import type { GpuDeviceGroup, NumberSource } from '../../../preload/contract/index.ts';
import type { NodeLite } from '../kube/objects.ts';
import { quantityNumber } from '../kube/objects.ts';
import { productVram } from './products.ts';

export type GroupCapacity = Omit<GpuDeviceGroup, 'allocated_units' | 'allocated_vram_gb' | 'free_units'> & {
  /** Memory one unit can address: the whole GPU under time-slicing (no isolation), the unit itself otherwise. */
  addressable_gb: number;
};

const L = 'nvidia.com/';
const int = (v: string | undefined): number | null => {
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : null;
};

function memoryOf(labelMiB: string | undefined, product: string, defaultGb: number, profileGb?: number): { gb: number; source: NumberSource } {
  const mib = int(labelMiB);
  if (mib) return { gb: mib / 1024, source: 'label' };
  if (profileGb) return { gb: profileGb, source: 'product-table' };
  const match = productVram(product);
  if (match) return { gb: match.gb, source: 'product-table' };
  return { gb: defaultGb, source: 'default' };
}

const unitsOf = (node: NodeLite, resource: string): number => quantityNumber(node.allocatable[resource] ?? node.capacity[resource]);

/** The device groups of one node; empty for a node without NVIDIA GPU resources. */
export function nodeGpuGroups(node: NodeLite, defaultGb: number): GroupCapacity[] {
  const labels = node.labels;
  const groups: GroupCapacity[] = [];
  const resources = new Set([...Object.keys(node.capacity), ...Object.keys(node.allocatable)]);

  for (const resource of [`${L}gpu`, `${L}gpu.shared`]) {
    if (!resources.has(resource)) continue;
    const units = unitsOf(node, resource);
    const product = labels[`${L}gpu.product`] ?? '';
    const replicas = int(labels[`${L}gpu.replicas`]) ?? 1;
    const strategy = labels[`${L}gpu.sharing-strategy`] ?? 'none';
    const mig = labels[`${L}mig.strategy`] === 'single' || /-MIG-/i.test(product);
    const vgpu = labels[`${L}vgpu.present`] === 'true';
    const timeSliced = replicas > 1 || strategy === 'time-slicing' || /-SHARED$/i.test(product) || resource.endsWith('.shared');
    const sharing: GpuDeviceGroup['sharing'] = mig ? 'mig' : strategy === 'mps' && replicas > 1 ? 'mps' : timeSliced ? 'time-slicing' : vgpu ? 'vgpu' : 'none';
    const mem = memoryOf(labels[`${L}gpu.memory`], product, defaultGb);
    if (sharing === 'time-slicing' || sharing === 'mps') {
      // Replicas of one GPU share its memory: capacity counts each physical GPU once.
      const physical = int(labels[`${L}gpu.count`]) ?? Math.max(1, Math.ceil(units / replicas));
      const total = units > 0 ? physical * mem.gb : 0;
      groups.push({
        resource, product, sharing, units, physical_gpus: physical,
        vram_per_unit_gb: units > 0 ? total / units : 0,
        addressable_gb: sharing === 'mps' ? mem.gb / replicas : mem.gb,
        total_vram_gb: total, vram_source: mem.source,
      });
    } else {
      groups.push({ resource, product, sharing, units, physical_gpus: units, vram_per_unit_gb: mem.gb, addressable_gb: mem.gb, total_vram_gb: units * mem.gb, vram_source: mem.source });
    }
  }

  // MIG mixed strategy: one resource per profile, with its own labels.
  for (const resource of resources) {
    const m = /^nvidia\.com\/(mig-\d+g\.(\d+)gb(?:\.[a-z0-9+]+)?)$/i.exec(resource);
    if (!m) continue;
    const profile = m[1]!;
    const units = unitsOf(node, resource);
    const product = labels[`${L}${profile}.product`] ?? `${labels[`${L}gpu.product`] ?? 'NVIDIA'}-MIG-${profile.slice(4)}`;
    const mem = memoryOf(labels[`${L}${profile}.memory`], product, defaultGb, Number(m[2]));
    groups.push({ resource, product, sharing: 'mig', units, physical_gpus: units, vram_per_unit_gb: mem.gb, addressable_gb: mem.gb, total_vram_gb: units * mem.gb, vram_source: mem.source });
  }
  // Under MIG mixed the whole-GPU resource is usually 0: no group for nothing.
  const hasMig = groups.some((g) => g.resource.startsWith(`${L}mig-`));
  return hasMig ? groups.filter((g) => g.units > 0 || g.resource.startsWith(`${L}mig-`)) : groups;
}
