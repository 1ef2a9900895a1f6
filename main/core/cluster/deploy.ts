// POST /api/deploy: estimate, check the memory asked for and the free GPUs, refuse a taken
// name, then create the Deployment and its Service (or neither).
//
// When RBAC forbids listing nodes (an operator limited to a namespace), free VRAM cannot be
// known. The deploy then goes ahead with one nvidia.com/gpu and says, in `warning` and the
// message, that the free-VRAM check was skipped and which permission it needs. Chosen over
// refusing because: the scheduler stays the real judge of fit (a pod that fits nowhere
// stays Pending, and the deployments list shows its scheduling failure); the memory-vs-
// estimate check still runs; and such an operator, the usual tenant of a shared cluster,
// could otherwise never deploy through the app at all. It never claims "no GPU fits".
import type { DeployResult, GpuInfo, ParsedInput } from '../../../preload/contract/index.ts';
import { AppError, badRequest, conflict } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { kubeMessage } from '../kube/client.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { suggestionsFor } from '../vram/index.ts';
import type { GpuView } from './gpu.ts';
import { deploymentManifest, serviceManifest } from './manifests.ts';
import { systemRefusal } from './system.ts';

/** The GPU resource to ask for: the smallest free unit that holds the model (a whole GPU or a MIG slice). */
export function chooseGpuResource(info: GpuInfo, requiredGb: number): string | null {
  let best: { resource: string; gb: number } | null = null;
  for (const node of info.nodes) {
    if (node.largest_free_unit_gb <= 0) continue;
    for (const g of node.groups) {
      if (g.free_units <= 0) continue;
      const unit = g.sharing === 'time-slicing' ? Math.min(node.largest_free_unit_gb, g.total_vram_gb - g.allocated_vram_gb) : g.vram_per_unit_gb;
      if (unit >= requiredGb && (!best || unit < best.gb)) best = { resource: g.resource, gb: unit };
    }
  }
  return best?.resource ?? null;
}

/** What a deployment asks for when the nodes (and so their MIG profiles) cannot be seen. */
const UNCHECKED_GPU_RESOURCE = 'nvidia.com/gpu';

async function exists(ctx: CoreContext, what: string, read: () => Promise<unknown>): Promise<boolean> {
  try {
    await ctx.kube.call(what, read);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return false;
    throw err;
  }
}

export async function deploy(ctx: CoreContext, gpu: GpuView, input: ParsedInput<'deploy'>): Promise<DeployResult> {
  const { model_id: model, deployment_name: name, memory } = input;
  // Absent: the app's namespace, as the seed deployed.
  const namespace = input.namespace ?? ctx.kube.namespace;
  const refused = systemRefusal(namespace, name, 'deployed');
  if (refused) throw badRequest(refused.message, { field: refused.field });
  const estimate = await gpu.estimate(model);
  const { info, nodesForbidden } = await gpu.view(false);
  const required = estimate.required_vram_gb;
  const vram = { available_vram_gb: info.available_vram_gb, largest_free_gpu_gb: info.largest_free_gpu_gb, required_vram_gb: required, estimate };

  if (memory < required) {
    const suggestions = suggestionsFor(model, nodesForbidden ? memory : Math.min(memory, info.largest_free_gpu_gb));
    throw badRequest(`memory ${memory} GiB is below what ${model} needs: about ${required} GiB (${estimate.method} estimate)`, {
      field: 'memory', ...vram, suggestions: suggestions.map((s) => s.model), suggestion_details: suggestions,
    });
  }
  const resource = nodesForbidden ? UNCHECKED_GPU_RESOURCE : chooseGpuResource(info, required);
  if (!resource) {
    const suggestions = suggestionsFor(model, info.largest_free_gpu_gb);
    throw badRequest(
      `not enough free VRAM for ${model}: it needs about ${required} GiB on one GPU; the largest free GPU has ${info.largest_free_gpu_gb} GiB (${info.available_vram_gb} GiB free across the cluster)`,
      { field: 'model_id', ...vram, suggestions: suggestions.map((s) => s.model), suggestion_details: suggestions },
    );
  }

  if (await exists(ctx, `read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }))) {
    throw conflict(`deployment ${namespace}/${name} already exists`, { field: 'deployment_name', namespace });
  }
  if (await exists(ctx, `read service ${namespace}/${name}`, () => ctx.kube.core.readNamespacedService({ name, namespace }))) {
    throw conflict(`a Service ${namespace}/${name} already exists`, { field: 'deployment_name', namespace });
  }

  const image = ctx.settings.get().deployImage;
  const body = deploymentManifest({ name, namespace, model, memoryGb: memory, image, gpuResource: resource, estimate });
  try {
    await ctx.kube.call(`create deployment ${namespace}/${name}`, () => ctx.kube.apps.createNamespacedDeployment({ namespace, body }));
  } catch (err) {
    // The API server answers 404 for a create in a namespace that does not exist: the input's fault.
    if (err instanceof AppError && err.status === 404) throw badRequest(`namespace ${namespace} does not exist: ${namespace}/${name} was not created`, { field: 'namespace' });
    throw err;
  }
  try {
    await ctx.kube.call(`create service ${namespace}/${name}`, () => ctx.kube.core.createNamespacedService({ namespace, body: serviceManifest(name, namespace, model) }));
  } catch (err) {
    // Nothing half-made stays behind.
    ctx.log.warn('DEPLOY', `service ${namespace}/${name} failed, removing the deployment: ${(err as Error).message}`);
    await ctx.kube.call(`delete deployment ${namespace}/${name}`, () => ctx.kube.apps.deleteNamespacedDeployment({ name, namespace })).catch(() => undefined);
    throw err;
  }
  ctx.log.info('DEPLOY', `deployed ${model} as ${namespace}/${name}: ${resource} x1, memory ${memory}Gi, estimate ${required} GiB (${estimate.method})`);
  const warning = nodesForbidden
    ? `the free-VRAM check was skipped: this user may not list nodes (${kubeMessage(nodesForbidden)}); ` +
      `the pod asks for one ${resource} and stays Pending if no GPU has ${required} GiB free. Ask for "list" and "watch" on "nodes" to have it checked.`
    : null;
  if (warning) ctx.log.warn('DEPLOY', `${namespace}/${name}: ${warning}`);
  const result: DeployResult = {
    success: true,
    message: warning ? `Deployment ${namespace}/${name} created for ${model}, without the free-VRAM check (listing nodes is forbidden)` : `Deployment ${namespace}/${name} created for ${model}`,
    deployment_name: name,
    namespace,
    model_id: model,
    service: `${name}.${namespace}.svc:${OLLAMA_PORT}`,
    vram_allocation: { ...vram, requested_memory_gb: memory, gpu_resource: resource, vram_checked: !nodesForbidden },
  };
  if (warning) result.warning = warning;
  return result;
}
