import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import { AppError } from '../../../main/core/errors.ts';
import { START_SCRIPT } from '../../../main/core/cluster/manifests.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
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
    expect(c.image).toBe('ollama/ollama:latest');
    expect(c.resources?.requests).toMatchObject({ memory: '8Gi', 'nvidia.com/mig-1g.10gb': '1' });
    expect(c.resources?.limits).toMatchObject({ memory: '8Gi', 'nvidia.com/mig-1g.10gb': '1' });
    expect(c.env).toContainEqual({ name: 'MODEL', value: 'llama3.1:8b' });
    expect(c.command?.join(' ')).not.toContain('llama3.1');
    expect(c.command?.[2]).toBe(START_SCRIPT);
    expect(c.readinessProbe?.exec?.command?.at(-1)).toBe('ollama show "$MODEL" >/dev/null 2>&1');
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/api/version', port: 11434 });

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

  it('refuses memory below the estimate, with the numbers and suggestions that fit', async () => {
    const err = await fails('deploy', { model_id: 'llama3.1:8b', deployment_name: 'too-little', memory: '2' });
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/memory/);
    const body = err.toBody();
    expect(body.required_vram_gb).toBeGreaterThan(2);
    expect(typeof body.available_vram_gb).toBe('number');
    const suggestions = body.suggestions as string[];
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of body.suggestion_details as { required_vram_gb: number }[]) expect(s.required_vram_gb).toBeLessThanOrEqual(2);
  });

  it('refuses a model no single free GPU can hold, even when the cluster-wide sum could', async () => {
    const gpu = await side.handlers.gpuStatus({});
    // llama3.3:70b needs ~42 GB: more than the largest free unit (39.25 GB), less than the free sum.
    expect(gpu.gpu_info.available_vram_gb).toBeGreaterThan(42);
    const err = await fails('deploy', { model_id: 'llama3.3:70b', deployment_name: 'big-llama', memory: 64 });
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/largest free GPU/);
    const body = err.toBody();
    expect(body.largest_free_gpu_gb).toBeCloseTo(gpu.gpu_info.largest_free_gpu_gb, 2);
    expect(body.available_vram_gb).toBeCloseTo(gpu.gpu_info.available_vram_gb, 2);
    expect((body.suggestions as string[]).length).toBeGreaterThan(0);
    await expect(side.ctx.kube.apps.readNamespacedDeployment({ name: 'big-llama', namespace: 'model-hosting' })).rejects.toThrow();
  });

  it('validates every field before anything reaches Kubernetes', async () => {
    const cases: [unknown, string][] = [
      [{ deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'bad name!', deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'llama3.1:8b; rm -rf /', deployment_name: 'x', memory: 8 }, 'model_id'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'Bad_Name', memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'a'.repeat(64), memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: '1starts-with-digit', memory: 8 }, 'deployment_name'],
      [{ model_id: 'llama3.1:8b', deployment_name: 'x' }, 'memory'],
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

  it('shows ImagePullBackOff as the reason a deployment failed', async () => {
    side.ctx.settings.update({ deployImage: 'ollama/does-not-exist:0.0.1' });
    try {
      await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'bad-image', memory: 2 });
    } finally {
      side.ctx.settings.update({ deployImage: 'ollama/ollama:latest' });
    }
    const d = await until('bad-image ImagePullBackOff', async () => (await side.handlers.listDeployments({})).models.find((m) => m.name === 'bad-image' && m.reason));
    expect(d.reason).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(d.status).toBe('Failed');
  });
});

describe('deleteDeployment', () => {
  it('deletes the Deployment and its Service', async () => {
    const r = await side.handlers.deleteDeployment({ deployment_name: 'llama-small' });
    expect(r).toMatchObject({ success: true, deployment_name: 'llama-small', namespace: 'model-hosting' });
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
