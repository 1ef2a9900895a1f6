// VRAM numbers in this app are binary gigabytes (GiB): the unit of Kubernetes `Gi`
// memory requests and of NVIDIA's `gpu.memory` label (MiB). Download sizes (1e9 bytes)
// are converted on entry.
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export const bytesToGb = (bytes: number): number => bytes / GIB;

/** Two decimals, as every GB number in the API is shown. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;
