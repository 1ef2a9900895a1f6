// POST /api/deploy: estimate on the free unit the model would get (with the tuning pinned in
// the Deployment), refuse what would not run entirely on the GPU unless the request accepts
// partial offload, check the pod's RAM against what Ollama needs on the host, then create the
// claim, the Deployment pinned to the GPU kind checked, and its Service (or nothing: what
// cannot be rolled back is reported by namespace/name).
//
// When RBAC forbids listing nodes (an operator limited to a namespace), free VRAM cannot be
// known. The deploy then goes ahead with one nvidia.com/gpu and says, in `warning` and the
// message, that the free-VRAM check was skipped and which permission it needs. Chosen over
// refusing because: the scheduler stays the real judge of fit (a pod that fits nowhere
// stays Pending, and the deployments list shows its scheduling failure); the memory check
// still runs; and such an operator, the usual tenant of a shared cluster, could otherwise
// never deploy through the app at all. It never claims "no GPU fits".
import type { DeployResult, FitResult, GpuInfo, ParsedInput } from '../../../preload/contract/index.ts';
import { AppError, badRequest, conflict } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { kubeMessage } from '../kube/client.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { freeUnits } from '../vram/fit.ts';
import { suggestionsFor } from '../vram/index.ts';
import { round2 } from '../vram/units.ts';
import type { GpuView } from './gpu.ts';
import { FitLock, withHolds } from './gpu-reservations.ts';
import { hostMemoryNeed, largestNodeRamGb } from './host-memory.ts';
import { claimManifest, claimNameOf, claimSizeGi, deploymentManifest, serviceManifest, type GpuPin, type OllamaTuning } from './manifests.ts';
import { rollBack, type Created } from './rollback.ts';
import { NAME_LABEL, systemRefusal } from './system.ts';
import { isManaged } from '../kube/labels.ts';
import type { PodLite } from '../kube/objects.ts';

/** What a deployment asks for when the nodes (and so their MIG profiles) cannot be seen. */
const UNCHECKED_GPU_RESOURCE = 'nvidia.com/gpu';

/** One fit lock per cluster side: its decisions are serialized. */
const locks = new WeakMap<GpuView, FitLock>();
export function fitLockOf(gpu: GpuView): FitLock {
  let lock = locks.get(gpu);
  if (!lock) locks.set(gpu, (lock = new FitLock()));
  return lock;
}

async function exists(ctx: CoreContext, what: string, read: () => Promise<unknown>): Promise<boolean> {
  try {
    await ctx.kube.call(what, read);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return false;
    throw err;
  }
}

const describeUnits = (info: GpuInfo): string => {
  const units = freeUnits(info);
  if (!units.length) return 'no free GPU unit';
  const seen = new Map<string, { n: number; gb: number; node: string }>();
  for (const u of units) {
    const k = `${u.node} ${u.resource}`;
    const group = info.nodes.find((n) => n.name === u.node)?.groups.find((g) => g.resource === u.resource);
    seen.set(k, { n: group?.free_units ?? 1, gb: round2(u.free_gb), node: u.node });
  }
  return [...seen].map(([k, v]) => `${v.n} × ${k.split(' ')[1]} on ${v.node} (${v.gb} GiB usable)`).join(', ');
};

export async function deploy(ctx: CoreContext, gpu: GpuView, input: ParsedInput<'deploy'>): Promise<DeployResult> {
  const { model_id: model, deployment_name: name } = input;
  const settings = ctx.settings.get();
  // Absent: the app's namespace, as the seed deployed.
  const namespace = input.namespace ?? ctx.kube.namespace;
  const refused = systemRefusal(namespace, name, 'deployed');
  if (refused) throw badRequest(refused.message, { field: refused.field });
  // Absent: the Settings default (issue 14), not a 400.
  const memory = input.memory ?? settings.deployMemoryGb;
  const tuningIn = {
    context_length: input.context_length ?? settings.deployContextLength ?? undefined,
    parallel: input.parallel ?? settings.deployParallel,
    kv_cache_type: input.kv_cache_type ?? settings.deployKvCacheType,
  };
  if (tuningIn.kv_cache_type !== 'f16' && !settings.deployFlashAttention) {
    throw badRequest(`kv_cache_type ${tuningIn.kv_cache_type} needs flash attention, which Settings turn off (deployFlashAttention): Ollama would use f16 and need more VRAM than estimated`, { field: 'kv_cache_type' });
  }
  const storage = input.storage ?? 'new';
  const claimName = storage === 'existing' ? input.claim_name! : storage === 'new' ? claimNameOf(name) : null;

  if (await exists(ctx, `read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }))) {
    throw conflict(`deployment ${namespace}/${name} already exists`, { field: 'deployment_name', namespace });
  }
  if (await exists(ctx, `read service ${namespace}/${name}`, () => ctx.kube.core.readNamespacedService({ name, namespace }))) {
    throw conflict(`a Service ${namespace}/${name} already exists`, { field: 'deployment_name', namespace });
  }
  if (claimName) {
    const there = await exists(ctx, `read persistentvolumeclaim ${namespace}/${claimName}`, () => ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: claimName, namespace }));
    if (storage === 'existing' && !there) throw badRequest(`claim_name: PersistentVolumeClaim ${namespace}/${claimName} does not exist`, { field: 'claim_name' });
    if (storage === 'new' && there) {
      throw conflict(`a PersistentVolumeClaim ${namespace}/${claimName} already exists: deploy with storage "existing" and claim_name "${claimName}" to use its models, or delete it`, { field: 'deployment_name', namespace });
    }
  }

  const lock = fitLockOf(gpu);
  return lock.run(async () => {
    const nodeLabels = (node: string) => [...gpu.caches.nodes.values()].find((n) => n.name === node)?.labels ?? {};
    const holds = lock.holds(gpu.caches);
    const r = await gpu.estimateFit(model, tuningIn, (info) => withHolds(info, holds, nodeLabels));
    const { estimate, fit, info, facts } = r;
    // The fit without what deploys of the last minute took (their holds and their pods): null when there were none.
    const fitBefore = async () => {
      const recent = lock.recent(gpu.caches);
      for (const h of holds) recent.add(h.deployment);
      if (!recent.size) return null;
      const podOf = (p: PodLite) => recent.has(`${p.namespace}/${p.labels[NAME_LABEL] ?? ''}`) && isManaged(p.labels);
      const before = await gpu.estimateFitWithout(model, tuningIn, podOf);
      return { fit: before.fit, takers: [...recent] };
    };
    const required = estimate.required_vram_gb;
    const vram = { available_vram_gb: info.available_vram_gb, largest_free_gpu_gb: round2(Math.max(0, ...freeUnits(info).map((u) => u.free_gb))), required_vram_gb: required, estimate };

    let resource = UNCHECKED_GPU_RESOURCE;
    let pin: GpuPin | null = null;
    let checkedFit: FitResult | undefined;
    if (!r.nodesForbidden) {
      if (!fit.unit) {
        // Nothing free: a 409 when deploys that just happened took what was free, else a 400.
        const before = await fitBefore();
        if (before?.fit.unit && (before.fit.fits || input.allow_partial_offload)) {
          throw conflict(
            `the free GPU unit ${model} would get (${before.fit.unit.resource} on ${before.fit.unit.node}) was just taken by ${before.takers.join(', ')}; left: ${describeUnits(info)}`,
            { field: 'model_id', ...vram, left: freeUnits(info), taken_by: before.takers },
          );
        }
        const suggestions = suggestionsFor(model, vram.largest_free_gpu_gb);
        throw badRequest(`not enough free VRAM for ${model}: ${fit.message}; the cluster has ${describeUnits(info)}`, {
          field: 'model_id', ...vram, fit, suggestions: suggestions.map((s) => s.model), suggestion_details: suggestions,
        });
      }
      if (!fit.fits && fit.shortfall_gb > 0 && !input.allow_partial_offload) {
        const before = await fitBefore();
        if (before?.fit.fits) {
          throw conflict(
            `the free GPU unit that holds ${model} (${before.fit.unit?.resource} on ${before.fit.unit?.node}) was just taken by ${before.takers.join(', ')}; left: ${describeUnits(info)}, where ${fit.shortfall_gb} GiB would not fit`,
            { field: 'model_id', ...vram, fit, left: freeUnits(info), taken_by: before.takers },
          );
        }
        const suggestions = suggestionsFor(model, vram.largest_free_gpu_gb);
        throw badRequest(`${fit.message}. Deploy with allow_partial_offload: true to accept that.`, {
          field: 'allow_partial_offload', ...vram, fit, shortfall_gb: fit.shortfall_gb, suggestions: suggestions.map((s) => s.model), suggestion_details: suggestions,
        });
      }
      resource = fit.unit.resource;
      pin = gpu.pinFor(fit.unit);
      checkedFit = fit;
    }

    const offloadedGb = checkedFit && !checkedFit.fits ? checkedFit.shortfall_gb : 0;
    const host = hostMemoryNeed(facts, offloadedGb);
    if (memory < host.gb) {
      throw badRequest(`memory ${memory} GiB is below what Ollama needs in the pod's RAM (host memory, not VRAM) for ${model}: about ${host.gb} GiB (${host.how})`, {
        field: 'memory', ...vram, host_memory_gb: host.gb,
      });
    }
    // More RAM than any node of the GPU kind checked can give a pod: it would stay Pending.
    if (checkedFit?.unit) {
      const unit = checkedFit.unit;
      const kind = [...gpu.caches.nodes.values()].filter((n) => (pin ? n.labels[pin.label] === pin.value : n.name === unit.node));
      const ram = largestNodeRamGb(kind);
      if (ram && memory > ram.gb) {
        throw badRequest(`memory ${memory} GiB is more RAM than a node with ${unit.product} can give a pod: the most is ${ram.gb} GiB (${ram.node}'s allocatable memory), so the pod would stay Pending`, {
          field: 'memory', ...vram, host_memory_gb: host.gb, node_memory_gb: ram.gb,
        });
      }
    }

    const tuning: OllamaTuning = {
      context_length: estimate.context_length,
      parallel: tuningIn.parallel,
      kv_cache_type: tuningIn.kv_cache_type,
      flash_attention: settings.deployFlashAttention,
      keep_alive: settings.deployKeepAlive,
    };
    const image = settings.deployImage;
    const created: Created[] = [];
    let claim: DeployResult['claim'] = null;
    if (claimName && storage === 'new') {
      const size = claimSizeGi(facts.fileBytes);
      const body = claimManifest(claimName, namespace, model, size, settings.deployStorageClass);
      await createOrExplain(ctx, `create persistentvolumeclaim ${namespace}/${claimName}`, namespace, name, () => ctx.kube.core.createNamespacedPersistentVolumeClaim({ namespace, body }));
      created.push({ kind: 'persistentvolumeclaim', namespace, name: claimName, remove: () => ctx.kube.core.deleteNamespacedPersistentVolumeClaim({ name: claimName, namespace }) });
      claim = { name: `${namespace}/${claimName}`, created: true, size: `${size}Gi`, storage_class: settings.deployStorageClass };
    } else if (claimName) {
      claim = { name: `${namespace}/${claimName}`, created: false, size: '', storage_class: null };
    }
    const body = deploymentManifest({ name, namespace, model, memoryGb: memory, image, gpuResource: resource, estimate, tuning, pin, claim: claimName, claimCreated: storage === 'new' });
    try {
      await createOrExplain(ctx, `create deployment ${namespace}/${name}`, namespace, name, () => ctx.kube.apps.createNamespacedDeployment({ namespace, body }));
    } catch (err) {
      throw await rollBack(ctx, err as Error, created);
    }
    created.push({ kind: 'deployment', namespace, name, remove: () => ctx.kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' }) });
    if (!r.nodesForbidden) lock.hold({ deployment: `${namespace}/${name}`, resource, pin, gb: required });

    try {
      await ctx.kube.call(`create service ${namespace}/${name}`, () => ctx.kube.core.createNamespacedService({ namespace, body: serviceManifest(name, namespace, model) }));
    } catch (err) {
      ctx.log.warn('DEPLOY', `service ${namespace}/${name} failed, removing the deployment: ${(err as Error).message}`);
      lock.release(`${namespace}/${name}`);
      throw await rollBack(ctx, err as Error, created);
    }

    const pinned = pin ? `, pinned to ${pin.label}=${pin.value}` : '';
    ctx.log.info('DEPLOY', `deployed ${model} as ${namespace}/${name}: ${resource} x1${pinned}, memory ${memory}Gi, estimate ${required} GiB (${estimate.method}) at ${tuning.context_length} tokens${claim ? `, claim ${claim.name}` : ''}${offloadedGb ? `, ${offloadedGb} GiB on the CPU (accepted)` : ''}`);
    const warnings: string[] = [];
    if (r.nodesForbidden) {
      warnings.push(
        `the free-VRAM check was skipped: this user may not list nodes (${r.nodesError ? kubeMessage(r.nodesError) : 'forbidden'}); ` +
          `the pod asks for one ${resource} and stays Pending if no GPU has ${required} GiB free. Ask for "list" and "watch" on "nodes" to have it checked.`,
      );
    }
    if (estimate.assumed) warnings.push(`the fit is not confirmed: ${estimate.assumption ?? `the size of ${model} was assumed`}`);
    if (offloadedGb) warnings.push(`${offloadedGb} GiB of ${model} would not fit on the GPU unit: Ollama runs that part on the CPU, slowly (accepted by allow_partial_offload)`);
    const warning = warnings.join('; ') || null;
    if (warning) ctx.log.warn('DEPLOY', `${namespace}/${name}: ${warning}`);
    const result: DeployResult = {
      success: true,
      message: r.nodesForbidden
        ? `Deployment ${namespace}/${name} created for ${model}, without the free-VRAM check (listing nodes is forbidden)`
        : `Deployment ${namespace}/${name} created for ${model} on ${resource}${pin ? ` (${pin.value})` : ''}${claim ? `, models kept in ${claim.name}` : ''}`,
      deployment_name: name,
      namespace,
      model_id: model,
      service: `${name}.${namespace}.svc:${OLLAMA_PORT}`,
      vram_allocation: { ...vram, requested_memory_gb: memory, gpu_resource: resource, vram_checked: !r.nodesForbidden, ...(checkedFit ? { fit: checkedFit } : {}), pinned_to: pin },
      ollama: { image, ...tuning },
      claim,
    };
    if (warning) result.warning = warning;
    return result;
  });
}

/** A create; the API server answers 404 for one in a namespace that does not exist: the input's fault. */
async function createOrExplain(ctx: CoreContext, what: string, namespace: string, name: string, create: () => Promise<unknown>): Promise<void> {
  try {
    await ctx.kube.call(what, create);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw badRequest(`namespace ${namespace} does not exist: ${namespace}/${name} was not created`, { field: 'namespace' });
    throw err;
  }
}
