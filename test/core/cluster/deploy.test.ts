import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import { AppError } from '../../../main/core/errors.ts';
import { START_SCRIPT } from '../../../main/core/cluster/manifests.ts';
import { DEFAULT_DEPLOY_IMAGE, type Handlers } from '../../../preload/contract/index.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, readyDelayMs: 100 });
  side = await clusterSide(sim);
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

/** Runs an operation as every transport does (contract validation first) and returns the AppError it throws. */
async function fails(name: 'deploy' | 'deleteDeployment', input: unknown): Promise<AppError> {
  try {
    await dispatch(side.handlers as Handlers, name, input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`${name} ${JSON.stringify(input)} did not fail`);
}

describe('deploy', () => {
  it('creates the Deployment and Service with the right spec, and it reaches Running', async () => {
    const r = await side.handlers.deploy({ model_id: 'llama3.1:8b', deployment_name: 'llama-small', memory: 8 });
    expect(r).toMatchObject({ success: true, deployment_name: 'llama-small', namespace: 'model-hosting', model_id: 'llama3.1:8b' });
    expect(r.vram_allocation.required_vram_gb).toBeGreaterThan(4.5);
    expect(r.vram_allocation.estimate.method).toBe('name');
    // The smallest free unit that holds ~5.3 GB: a 1g.10gb MIG slice.
    expect(r.vram_allocation.gpu_resource).toBe('nvidia.com/mig-1g.10gb');

    const d = await side.ctx.kube.apps.readNamespacedDeployment({ name: 'llama-small', namespace: 'model-hosting' });
    expect(d.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubernetes-model-manager', 'app.kubernetes.io/name': 'llama-small', 'model-manager/model': 'llama3.1-8b' });
    expect(d.metadata?.annotations?.['model-manager/model-id']).toBe('llama3.1:8b');
    expect(Number(d.metadata?.annotations?.['model-manager/estimated-vram-gb'])).toBe(r.vram_allocation.required_vram_gb);
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.image).toBe(DEFAULT_DEPLOY_IMAGE);
    expect(c.resources?.requests).toMatchObject({ memory: '8Gi', 'nvidia.com/mig-1g.10gb': '1' });
    expect(c.resources?.limits).toMatchObject({ memory: '8Gi', 'nvidia.com/mig-1g.10gb': '1' });
    expect(c.env).toContainEqual({ name: 'MODEL', value: 'llama3.1:8b' });
    expect(c.command?.join(' ')).not.toContain('llama3.1');
    expect(c.command?.[2]).toBe(START_SCRIPT);
    expect(c.readinessProbe?.exec?.command?.at(-1)).toBe('ollama show "$MODEL" >/dev/null 2>&1');
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/api/version', port: 11434 });
    // What decides memory is pinned: the estimate's context (Ollama 0.31.1's default for a 9.5 GiB
    // slice is 4096, now explicit), parallel, KV type, flash attention, keep-alive (Settings defaults).
    expect(r.vram_allocation.estimate.context_length).toBe(4096);
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'OLLAMA_CONTEXT_LENGTH', value: '4096' },
      { name: 'OLLAMA_NUM_PARALLEL', value: '1' },
      { name: 'OLLAMA_KV_CACHE_TYPE', value: 'f16' },
      { name: 'OLLAMA_FLASH_ATTENTION', value: '1' },
      { name: 'OLLAMA_KEEP_ALIVE', value: '-1' },
    ]));
    expect(r.ollama).toMatchObject({ image: DEFAULT_DEPLOY_IMAGE, context_length: 4096, parallel: 1, kv_cache_type: 'f16' });
    // Pinned to the GPU kind whose free unit passed the check (MIG mixed: the profile's product label).
    const terms = d.spec!.template.spec!.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    expect(terms).toEqual([{ matchExpressions: [{ key: 'nvidia.com/mig-1g.10gb.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB-MIG-1g.10gb'] }] }]);
    expect(r.vram_allocation.pinned_to).toEqual({ label: 'nvidia.com/mig-1g.10gb.product', value: 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb' });
    // Its models folder is a claim of its own, sized from the 4.92 GB download with room to spare.
    expect(r.claim).toMatchObject({ name: 'model-hosting/llama-small-models', created: true, size: '8Gi' });
    expect(c.volumeMounts).toEqual([{ name: 'models', mountPath: '/root/.ollama' }]);
    expect(d.spec!.template.spec!.volumes).toEqual([{ name: 'models', persistentVolumeClaim: { claimName: 'llama-small-models' } }]);
    const pvc = await side.ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: 'llama-small-models', namespace: 'model-hosting' });
    expect(pvc.spec?.resources?.requests?.storage).toBe('8Gi');

    const svc = await side.ctx.kube.core.readNamespacedService({ name: 'llama-small', namespace: 'model-hosting' });
    expect(svc.spec?.type).toBe('ClusterIP');
    expect(svc.spec?.ports?.[0]).toMatchObject({ port: 11434 });
    expect(svc.spec?.selector).toEqual(d.spec?.selector?.matchLabels);

    const listed = await until('llama-small Running', async () => (await side.handlers.listDeployments({})).models.find((m) => m.name === 'llama-small' && m.status === 'Running'));
    expect(listed).toMatchObject({ model_id: 'llama3.1:8b', replicas: '1/1', memory: '8Gi', managed: true });
    expect(listed.estimated_vram_gb).toBe(r.vram_allocation.required_vram_gb);

    // Its estimate is now allocated on the mixed-MIG node.
    const gpu = await side.handlers.gpuStatus({});
    const mixed = gpu.gpu_info.nodes.find((n) => n.name === 'gpu-a100-mixed-01')!;
    expect(mixed.groups.find((g) => g.resource === 'nvidia.com/mig-1g.10gb')!.allocated_units).toBe(2);
  });

  it('answers 409 when the name is taken by a Deployment or a Service', async () => {
    const again = await fails('deploy', { model_id: 'llama3.2:1b', deployment_name: 'llama-small', memory: 4 });
    expect(again.status).toBe(409);
    expect(again.message).toContain('llama-small');
    const svcOnly = await fails('deploy', { model_id: 'llama3.2:1b', deployment_name: 'ollama-service', memory: 4 });
    expect(svcOnly.status).toBe(409);
    expect(svcOnly.message).toMatch(/Service/);
  });

  it('checks the pod memory (RAM) against what Ollama needs on the host, not against VRAM', async () => {
    // 2 GiB base + llama3.1:8b's token embeddings (kept in host memory) is above 2 GiB.
    const err = await fails('deploy', { model_id: 'llama3.1:8b', deployment_name: 'too-little', memory: '2' });
    expect(err.status).toBe(400);
    expect(err.details.field).toBe('memory');
    expect(err.message).toMatch(/memory 2 GiB is below what Ollama needs in the pod's RAM \(host memory, not VRAM\)/);
    const body = err.toBody();
    expect(body.host_memory_gb as number).toBeGreaterThan(2);
    expect(body.host_memory_gb as number).toBeLessThan(3);
    // 3 GiB of RAM is enough for a model that needs ~6 GiB of VRAM: the two are not compared.
    expect(body.required_vram_gb as number).toBeGreaterThan(5);
    await expect(side.ctx.kube.apps.readNamespacedDeployment({ name: 'too-little', namespace: 'model-hosting' })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses a quantized KV cache when Settings turn flash attention off (Ollama would use f16)', async () => {
    side.ctx.settings.update({ deployFlashAttention: false });
    try {
      const err = await fails('deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'no-fa', memory: 4, kv_cache_type: 'q8_0' });
      expect(err.status).toBe(400);
      expect(err.details.field).toBe('kv_cache_type');
      const r = await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'no-fa', memory: 4, storage: 'none' } as never);
      const d = await side.ctx.kube.apps.readNamespacedDeployment({ name: 'no-fa', namespace: 'model-hosting' });
      expect(d.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: 'OLLAMA_FLASH_ATTENTION', value: '0' });
      expect(r.ollama?.flash_attention).toBe(false);
      await side.handlers.deleteDeployment({ deployment_name: 'no-fa' });
    } finally {
      side.ctx.settings.update({ deployFlashAttention: true });
    }
  });

  it('says the fit is not confirmed when the model is unknown and its size assumed', async () => {
    const r = await side.handlers.deploy({ model_id: 'someones-model:7b', deployment_name: 'unknown-size', memory: 8, storage: 'none' } as never);
    expect(r.vram_allocation.estimate.assumed).toBe(true);
    expect(r.warning).toMatch(/the fit is not confirmed/);
    await side.handlers.deleteDeployment({ deployment_name: 'unknown-size' });
  });

  it('refuses more pod memory than a node of the GPU kind checked can give (the pod would stay Pending)', async () => {
    // qwen2.5:0.5b lands on a 1g.5gb MIG slice of gpu-a100-mig-01: 512 GiB, 509 allocatable.
    const err = await fails('deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'huge-ram', memory: 600 });
    expect(err.status).toBe(400);
    expect(err.details.field).toBe('memory');
    expect(err.details.node_memory_gb).toBe(509);
    expect(err.message).toMatch(/memory 600 GiB is more RAM than a node with NVIDIA-A100-SXM4-40GB-MIG-1g\.5gb can give a pod: the most is 509 GiB \(gpu-a100-mig-01's allocatable memory\)/);
  });

  it('uses the Settings default pod memory when the request gives none', async () => {
    side.ctx.settings.update({ deployMemoryGb: 6 });
    const r = await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'no-memory', storage: 'none' } as never);
    expect(r.vram_allocation.requested_memory_gb).toBe(6);
    const d = await side.ctx.kube.apps.readNamespacedDeployment({ name: 'no-memory', namespace: 'model-hosting' });
    expect(d.spec!.template.spec!.containers[0]!.resources?.limits?.memory).toBe('6Gi');
    expect(d.spec!.template.spec!.volumes).toBeUndefined();
    expect(r.claim).toBeNull();
    await side.handlers.deleteDeployment({ deployment_name: 'no-memory' });
  });

  it('refuses a model that would run partly on the CPU, saying how much would not fit, unless the request accepts it', async () => {
    const gpu = await side.handlers.gpuStatus({});
    // llama3.3:70b: 42.5 GB of weights, more than the largest free unit (the 39.25 GiB MIG slice).
    expect(gpu.gpu_info.available_vram_gb).toBeGreaterThan(42);
    const err = await fails('deploy', { model_id: 'llama3.3:70b', deployment_name: 'big-llama', memory: 64 });
    expect(err.status).toBe(400);
    expect(err.details.field).toBe('allow_partial_offload');
    const body = err.toBody();
    const fit = body.fit as { shortfall_gb: number; unit: { resource: string; free_gb: number } };
    expect(fit.unit).toMatchObject({ resource: 'nvidia.com/mig-3g.40gb', free_gb: 39.25 });
    expect(body.shortfall_gb).toBe(fit.shortfall_gb);
    expect(fit.shortfall_gb).toBeCloseTo((body.required_vram_gb as number) - 39.25, 1);
    expect(err.message).toContain(`${fit.shortfall_gb} GiB would not fit, so Ollama would run that part`);
    expect(err.message).toMatch(/on the CPU, slowly/);
    expect(err.message).toMatch(/allow_partial_offload: true/);
    expect((body.suggestions as string[]).length).toBeGreaterThan(0);
    await expect(side.ctx.kube.apps.readNamespacedDeployment({ name: 'big-llama', namespace: 'model-hosting' })).rejects.toThrow();

    // Accepted: it lands on that slice, with the part on the CPU said, and the RAM to hold it checked.
    const low = await fails('deploy', { model_id: 'llama3.3:70b', deployment_name: 'big-llama', memory: 8, allow_partial_offload: true });
    expect(low.details.field).toBe('memory');
    expect(low.message).toMatch(/GiB of layers run on the CPU/);
    const ok = await side.handlers.deploy({ model_id: 'llama3.3:70b', deployment_name: 'big-llama', memory: 64, allow_partial_offload: true } as never);
    expect(ok.vram_allocation.gpu_resource).toBe('nvidia.com/mig-3g.40gb');
    expect(ok.warning).toMatch(/would not fit on the GPU unit: Ollama runs that part on the CPU, slowly/);
    await side.handlers.deleteDeployment({ deployment_name: 'big-llama' });
  });

  it('validates every field before anything reaches Kubernetes', async () => {
    const cases: [unknown, string][] = [
      [{ deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'bad name!', deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'llama3.1:8b; rm -rf /', deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'Bad_Name', memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'a'.repeat(64), memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: '1starts-with-digit', memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, context_length: 100 }, 'context_length'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, parallel: 0 }, 'parallel'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, kv_cache_type: 'q2' }, 'kv_cache_type'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, allow_partial_offload: 'yes' }, 'allow_partial_offload'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, storage: 'existing' }, 'claim_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 8, storage: 'somewhere' }, 'storage'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: -1 }, 'memory'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 'lots' }, 'memory'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x', memory: 100000 }, 'memory'],
    ];
    for (const [input, field] of cases) {
      const err = await fails('deploy', input);
      expect(err.status, JSON.stringify(input)).toBe(400);
      expect(err.message.startsWith(field), `${JSON.stringify(input)} → ${err.message}`).toBe(true);
    }
  });

  it('removes the Deployment when its Service cannot be created (nothing half-made remains)', async () => {
    // Called past the contract with a name the API server takes for a Deployment (DNS-1123)
    // but refuses for a Service (DNS-1035: must start with a letter).
    const err = await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: '9lives', memory: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).message).toMatch(/create service/);
    await until('9lives removed', async () => {
      try {
        await side.ctx.kube.apps.readNamespacedDeployment({ name: '9lives', namespace: 'model-hosting' });
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
    expect(side.log.lines.some((l) => l.startsWith('[DEPLOY]') && l.includes('removing the deployment'))).toBe(true);
  });

  it('retries the rollback when the Service fails, and names what it could not remove', async () => {
    // The Service create fails (500), then every delete of the Deployment fails too.
    sim.requestFaults.failNext({ verb: 'create', resource: 'services', namespace: 'model-hosting' });
    sim.requestFaults.failNext({ verb: 'delete', resource: 'deployments', namespace: 'model-hosting', name: 'stuck', count: 10 });
    const err = (await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'stuck', memory: 4 } as never).catch((e: unknown) => e)) as AppError;
    sim.requestFaults.clear();
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(err.details.left_behind).toEqual(['deployment model-hosting/stuck']);
    expect(err.message).toMatch(/the rollback could not delete deployment model-hosting\/stuck: it is left behind, remove it with: kubectl delete deployment -n model-hosting stuck/);
    // Three tries each; the claim it had made is deleted, which on a real cluster waits (Terminating)
    // for the pod of the deployment left behind that still uses it.
    expect(sim.requestFaults.failed.filter((f) => f === 'delete deployments model-hosting/stuck')).toHaveLength(3);
    const claim = await side.ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: 'stuck-models', namespace: 'model-hosting' }).then(
      (c) => (c.metadata?.deletionTimestamp ? 'terminating' : 'kept'),
      (e: { code?: number }) => (e.code === 404 ? 'gone' : 'error'),
    );
    expect(['terminating', 'gone']).toContain(claim);
    expect(side.log.lines.some((l) => l.startsWith('[DEPLOY]') && l.includes('rollback incomplete: left behind deployment model-hosting/stuck'))).toBe(true);
    await side.ctx.kube.apps.readNamespacedDeployment({ name: 'stuck', namespace: 'model-hosting' });

    // One failed delete is retried and nothing is left.
    sim.requestFaults.failNext({ verb: 'create', resource: 'services', namespace: 'model-hosting' });
    sim.requestFaults.failNext({ verb: 'delete', resource: 'deployments', namespace: 'model-hosting', name: 'flaky' });
    const again = (await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'flaky', memory: 4 } as never).catch((e: unknown) => e)) as AppError;
    expect(again.details.left_behind).toBeUndefined();
    await until('flaky removed', async () => {
      try {
        await side.ctx.kube.apps.readNamespacedDeployment({ name: 'flaky', namespace: 'model-hosting' });
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
    await side.handlers.deleteDeployment({ deployment_name: 'stuck' });
  });

  it('shows ImagePullBackOff as the reason a deployment failed', async () => {
    side.ctx.settings.update({ deployImage: 'ollama/does-not-exist:0.0.1' });
    try {
      await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'bad-image', memory: 2 });
    } finally {
      side.ctx.settings.update({ deployImage: DEFAULT_DEPLOY_IMAGE });
    }
    const d = await until('bad-image ImagePullBackOff', async () => (await side.handlers.listDeployments({})).models.find((m) => m.name === 'bad-image' && m.reason));
    expect(d.reason).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(d.status).toBe('Failed');
  });
});

describe('deleteDeployment', () => {
  it('deletes the Deployment and its Service', async () => {
    const r = await side.handlers.deleteDeployment({ deployment_name: 'llama-small' });
    expect(r).toMatchObject({ success: true, deployment_name: 'llama-small', namespace: 'model-hosting', claim_deleted: 'model-hosting/llama-small-models' });
    // The answer says the claim (and the models in it) went too.
    expect(r.message).toContain('its claim model-hosting/llama-small-models');
    // As on a real cluster, the claim stays (Terminating) while the pods that use it terminate, then goes.
    await until('the claim gone once its pods are', async () => {
      try {
        await side.ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: 'llama-small-models', namespace: 'model-hosting' });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    });
    await expect(side.ctx.kube.core.readNamespacedService({ name: 'llama-small', namespace: 'model-hosting' })).rejects.toMatchObject({ code: 404 });
    await until('llama-small gone', async () => {
      try {
        await side.ctx.kube.apps.readNamespacedDeployment({ name: 'llama-small', namespace: 'model-hosting' });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    });
    await until('llama-small gone from the listing', async () => !(await side.handlers.listDeployments({})).models.some((m) => m.name === 'llama-small'));
  });

  it('keeps the claim when asked, and a new deployment can use it as an existing claim (never deleting it)', async () => {
    await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'keeper', memory: 4 } as never);
    const r = await side.handlers.deleteDeployment({ deployment_name: 'keeper', keep_claim: true } as never);
    expect(r.claim_kept).toBe('model-hosting/keeper-models');
    expect(r.message).toContain('claim model-hosting/keeper-models kept');
    await side.ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: 'keeper-models', namespace: 'model-hosting' });
    // A new claim of that name would collide: 409 saying how to reuse it.
    await until('keeper gone', async () => !(await side.handlers.listDeployments({})).models.some((m) => m.name === 'keeper'));
    const taken = await fails('deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'keeper', memory: 4 });
    expect(taken.status).toBe(409);
    expect(taken.message).toMatch(/storage "existing" and claim_name "keeper-models"/);
    const missing = await fails('deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'reuser', memory: 4, storage: 'existing', claim_name: 'no-such-claim' });
    expect(missing.details.field).toBe('claim_name');
    const reuse = await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'reuser', memory: 4, storage: 'existing', claim_name: 'keeper-models' } as never);
    expect(reuse.claim).toMatchObject({ name: 'model-hosting/keeper-models', created: false });
    const del = await side.handlers.deleteDeployment({ deployment_name: 'reuser' });
    expect(del.claim_deleted).toBeUndefined();
    await side.ctx.kube.core.readNamespacedPersistentVolumeClaim({ name: 'keeper-models', namespace: 'model-hosting' });
  });

  it('answers 404 for a missing deployment', async () => {
    const err = await fails('deleteDeployment', { deployment_name: 'never-was' });
    expect(err.status).toBe(404);
    expect(err.message).toContain('model-hosting/never-was');
  });

  it('refuses the system deployments and namespaces with a 400 naming the field (the app\'s rule, not RBAC)', async () => {
    const cases = [
      { input: { deployment_name: 'model-manager' }, field: 'deployment_name' },
      { input: { deployment_name: 'model-dashboard' }, field: 'deployment_name' },
      { input: { deployment_name: 'coredns', namespace: 'kube-system' }, field: 'namespace' },
      { input: { deployment_name: 'anything', namespace: 'kube-public' }, field: 'namespace' },
    ];
    for (const { input, field } of cases) {
      const err = await fails('deleteDeployment', input);
      expect(err.status, JSON.stringify(input)).toBe(400);
      expect(err.details.field, JSON.stringify(input)).toBe(field);
      expect(err.message).toContain(`${input.namespace ?? 'model-hosting'}/${input.deployment_name}`);
    }
    await side.ctx.kube.apps.readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' });
  });

  it('deletes in another namespace when asked, and validates the namespace', async () => {
    expect((await fails('deleteDeployment', { deployment_name: 'redis', namespace: 'Not A Namespace' })).message).toMatch(/^namespace/);
    const r = await side.handlers.deleteDeployment({ deployment_name: 'redis', namespace: 'research' });
    expect(r.namespace).toBe('research');
  });
});
