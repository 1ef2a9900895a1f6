// GET /api/deployments/pods: a deployment's pods from the watch caches (no call to the API
// server): the node, the GPU resource and units it holds with that node's product, phase,
// restarts, and why it is not running.
import type { DeploymentPod, DeploymentPodsResult, GpuHolder, GpuHoldersResult, ParsedInput } from '../../../preload/contract/index.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import { selects } from '../kube/labels.ts';
import { notFound } from '../errors.ts';

/** The product label of a GPU resource on a node (MIG slices have their own), as gpu.ts reads it. */
function productOf(labels: Record<string, string> | undefined, resource: string): string | undefined {
  if (!labels) return undefined;
  const mig = /^nvidia\.com\/(mig-.+)$/.exec(resource);
  return (mig ? labels[`nvidia.com/${mig[1]}.product`] : undefined) ?? labels['nvidia.com/gpu.product'];
}

export async function deploymentPods(caches: ClusterCaches, input: ParsedInput<'deploymentPods'>): Promise<Omit<DeploymentPodsResult, 'stale' | 'stale_since'>> {
  const { namespace, name } = input;
  await caches.ready(['deployments', 'pods']);
  const d = [...caches.deployments.values()].find((x) => x.namespace === namespace && x.name === name);
  if (!d) throw notFound(`deployment ${namespace}/${name} not found`, { field: 'name', namespace });
  const nodes = new Map([...caches.nodes.values()].map((n) => [n.name, n]));
  const pods: DeploymentPod[] = [...caches.pods.values()]
    .filter((p) => p.namespace === namespace && !p.terminating && selects(d.selector, p.labels))
    .map((p) => {
      const [resource, units] = Object.entries(p.gpuRequests).find(([, n]) => n > 0) ?? [null, 0];
      const product = resource && p.nodeName ? productOf(nodes.get(p.nodeName)?.labels, resource) : undefined;
      const why = p.waiting ?? (!p.nodeName ? p.unschedulable : null);
      const pod: DeploymentPod = { name: p.name, node: p.nodeName, phase: p.phase, ready: p.ready, restarts: p.restarts ?? 0, gpu_resource: resource, gpu_units: units, created: p.created ?? '' };
      if (product) pod.gpu_product = product;
      if (why) {
        pod.reason = why.reason;
        pod.message = why.message;
      }
      return pod;
    })
    .sort((a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name));
  return { success: true, namespace, name, pods };
}

/** GET /api/gpu/holders: every scheduled pod that requests GPU units, with its node and deployment. */
export async function gpuHolders(caches: ClusterCaches): Promise<Omit<GpuHoldersResult, 'stale' | 'stale_since'>> {
  await caches.ready(['deployments', 'pods']);
  const byNamespace = new Map<string, { name: string; selector: Record<string, string> }[]>();
  for (const d of caches.deployments.values()) {
    const list = byNamespace.get(d.namespace) ?? [];
    list.push({ name: d.name, selector: d.selector });
    byNamespace.set(d.namespace, list);
  }
  const holders: GpuHolder[] = [];
  for (const p of caches.pods.values()) {
    if (!p.nodeName || p.terminating || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    for (const [resource, units] of Object.entries(p.gpuRequests)) {
      if (!(units > 0)) continue;
      // An empty selector selects nothing here (a Deployment always has one).
      const owner = (byNamespace.get(p.namespace) ?? []).find((d) => Object.keys(d.selector).length && selects(d.selector, p.labels));
      const h: GpuHolder = { node: p.nodeName, resource, units, pod: p.name, namespace: p.namespace };
      if (owner) h.deployment = `${p.namespace}/${owner.name}`;
      holders.push(h);
    }
  }
  holders.sort((a, b) => a.node.localeCompare(b.node) || a.resource.localeCompare(b.resource) || a.pod.localeCompare(b.pod));
  return { success: true, holders };
}
