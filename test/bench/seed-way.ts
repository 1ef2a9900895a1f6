// The baselines, run against the same simulated cluster in the same run: the seed's way (a
// full list from the API server on every request, as its Python backend did, unpaged) and
// kubectl's full lists.
import * as k8s from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { listDeployments } from '../../main/core/cluster/deployment-list.ts';
import type { KubeClient } from '../../main/core/kube/client.ts';
import { trimDeployment, trimNode, trimPod } from '../../main/core/kube/objects.ts';
import { computeGpuInfo, recommendations } from '../../main/core/vram/index.ts';

/** The seed listed without a deadline; a 20,000-pod list takes seconds. */
const SEED_TIMEOUT_MS = 120_000;

export function seedWay(kube: KubeClient) {
  const core = kube.makeApi(k8s.CoreV1Api, SEED_TIMEOUT_MS);
  const apps = kube.makeApi(k8s.AppsV1Api, SEED_TIMEOUT_MS);
  return {
    /** GET /api/deployments the seed's way: every deployment and pod listed, then described. */
    async deployments() {
      const [d, p] = await Promise.all([apps.listDeploymentForAllNamespaces(), core.listPodForAllNamespaces()]);
      return listDeployments(d.items.map(trimDeployment), p.items.map(trimPod));
    },
    /** GET /api/gpu/status the seed's way: nodes and pods listed per request. */
    async gpuStatus() {
      const [n, p] = await Promise.all([core.listNode(), core.listPodForAllNamespaces()]);
      const info = computeGpuInfo({ nodes: n.items.map(trimNode), pods: p.items.map(trimPod), defaultVramGb: 24, loadedVramBytes: null });
      return { success: true, gpu_info: info, recommendations: recommendations(info) };
    },
    /** The same objects, untrimmed, as the seed (and a cache that kept them whole) would hold them. */
    async untrimmed() {
      const [n, d, p] = await Promise.all([core.listNode(), apps.listDeploymentForAllNamespaces(), core.listPodForAllNamespaces()]);
      return [n.items, d.items, p.items];
    },
  };
}

/** kubectl get KINDS -A -o json, its output thrown away; ms. */
export async function kubectlList(kubeconfig: string, kinds: string): Promise<number> {
  const out = openSync('/dev/null', 'w');
  const t = performance.now();
  try {
    await new Promise<void>((done, fail) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', kinds, '-A', '-o', 'json'], { stdio: ['ignore', out, 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`kubectl exited ${code}: ${err.slice(0, 500)}`))));
    });
    return performance.now() - t;
  } finally {
    closeSync(out);
  }
}
