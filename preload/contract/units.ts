// Memory units, one convention for the API and every screen: binary gigabytes (GiB, 2^30
// bytes), labelled GiB. It is the unit of Kubernetes `Gi` requests and of NVIDIA's
// `gpu.memory` label (MiB), and the seed's `_gb` fields are GiB (its 23 GB vGPU profile is
// 23 GiB), so every `_gb` field keeps its seed name and carries GiB. Byte counts (Ollama's
// sizes, registry manifests, pull progress) are converted here, by the core and the UI alike.
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** Bytes to GiB, unrounded. */
export const bytesToGib = (bytes: number): number => bytes / GIB;

/** Two decimals, as every GiB number in the API is given. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

