// VRAM numbers in this app are binary gigabytes (GiB): the unit of Kubernetes `Gi`
// memory requests and of NVIDIA's `gpu.memory` label (MiB). Download sizes (1e9 bytes)
// are converted on entry. One definition for the core and the UI: preload/contract/units.ts.
export { GIB, MIB, round2 } from '../../../preload/contract/units.ts';
export { bytesToGib as bytesToGb } from '../../../preload/contract/units.ts';
