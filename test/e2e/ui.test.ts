// The Vue app in real Chromium against the real stack (simulated cluster and Ollama, the
// core, the REST server): what an operator does, checked against what the API says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { eventNames, type DeploymentsResult, type GpuStatusResult, type ModelsResult, type RankingResult } from '../../preload/contract/index.ts';
import { handleInvoke } from '../../main/shell/invoke.ts';
import { silentLogger } from '../../main/core/log.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const gb = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} GiB`);
const DEPLOY_MODEL = 'llama3.2:1b';
const DEPLOY_NAME = 'e2e-llama';
const PULL_MODEL = 'tinyllama:1.1b';

describe.skipIf(!hasChromium)('the UI in Chromium against the simulated cluster', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1360, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('asks for the login URL without the cookie, and logs in with ?token=', async () => {
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Not signed in' }).count()).toBe(1);

    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    expect(page.url()).not.toContain(stack.token);
    expect(await page.getByText('Not signed in').count()).toBe(0);
    const health = await stack.get<{ namespace: string }>('/api/health');
    expect(await page.getByTestId('namespace').textContent()).toBe(health.namespace);
  });

  it('shows the GPU numbers the API reports', async () => {
    await page.getByTestId('gpu-total').waitFor();
    // Read both sides until they agree: a rollout may move the numbers between two reads.
    await expect
      .poll(async () => {
        const g = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info;
        const shown = await Promise.all(['gpu-total', 'gpu-allocated', 'gpu-available', 'gpu-largest', 'gpu-count'].map((id) => page.getByTestId(id).textContent()));
        const want = [gb(g.total_vram_gb), gb(g.allocated_vram_gb), gb(g.available_vram_gb), gb(g.largest_free_gpu_gb), String(g.gpu_count)];
        return JSON.stringify(shown) === JSON.stringify(want) ? 'same' : `page ${shown.join(' | ')} vs API ${want.join(' | ')}`;
      }, { timeout: 15_000 })
      .toBe('same');
    const g = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info;
    expect(g.total_vram_gb).toBeGreaterThan(0);
    await page.getByRole('button', { name: /^Nodes \(/ }).click();
    for (const node of g.nodes) await page.locator('table.nodes').getByText(node.name, { exact: true }).first().waitFor();
  });

  it('shows the 400 message for a bad deployment name', async () => {
    const form = page.locator('form.deploy-form');
    await form.locator('input[name=model_id]').fill(DEPLOY_MODEL);
    await form.getByTestId('estimate').waitFor();
    await form.locator('input[name=deployment_name]').fill('Bad_Name!');
    await form.getByRole('button', { name: 'Deploy' }).click();
    const api = await stack.post('/api/deploy', { model_id: DEPLOY_MODEL, deployment_name: 'Bad_Name!' });
    expect(api.status).toBe(400);
    expect(String(api.body.error)).toMatch(/deployment_name/);
    await expect.poll(() => form.getByTestId('deploy-error').textContent()).toContain(String(api.body.error));
  });

  it('deploys a model through the form and sees it become Running', async () => {
    const form = page.locator('form.deploy-form');
    await form.locator('input[name=deployment_name]').fill(DEPLOY_NAME);
    // Pod memory (RAM) left empty: the Settings default, not the VRAM estimate.
    expect(await form.locator('input[name=memory]').inputValue()).toBe('');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await form.getByTestId('deploy-done').waitFor({ timeout: 10_000 });
    const row = page.locator(`[data-test=deployments] tr[data-name="${DEPLOY_NAME}"]`);
    await row.getByTestId('status').filter({ hasText: 'Running' }).waitFor({ timeout: 25_000 });
    const listed = await stack.get<DeploymentsResult>('/api/deployments');
    const d = listed.models.find((m) => m.name === DEPLOY_NAME);
    expect(d?.status).toBe('Running');
    expect(d?.model_id).toBe(DEPLOY_MODEL);
    expect(await row.locator('td').nth(2).textContent()).toBe(DEPLOY_MODEL);
    await page.screenshot({ path: '/tmp/kmm-e2e-main.png', fullPage: true });
  });

  it('shows required vs available VRAM and what would fit when a model is too big', async () => {
    const form = page.locator('form.deploy-form');
    await form.locator('input[name=model_id]').fill('llama3.1:405b');
    await form.getByTestId('estimate').waitFor();
    await form.locator('input[name=deployment_name]').fill('too-big');
    await form.locator('input[name=memory]').fill('400');
    await form.getByRole('button', { name: 'Deploy' }).click();
    const api = await stack.post('/api/deploy', { model_id: 'llama3.1:405b', deployment_name: 'too-big', memory: '400' });
    expect(api.status).toBe(400);
    const error = form.getByTestId('deploy-error');
    await expect.poll(() => error.textContent()).toContain(String(api.body.error));
    const text = (await error.textContent()) ?? '';
    if (typeof api.body.required_vram_gb === 'number') expect(text).toContain(`Required ${gb(api.body.required_vram_gb)}`);
    if (typeof api.body.available_vram_gb === 'number') expect(text).toContain(`available ${gb(api.body.available_vram_gb)}`);
    const suggestions = Array.isArray(api.body.suggestions) ? (api.body.suggestions as unknown[]) : [];
    for (const sgn of suggestions.filter((x): x is string => typeof x === 'string').slice(0, 3)) expect(text).toContain(sgn);
  });

  it('pulls a model, follows its progress to success and lists it', async () => {
    await page.getByRole('tab', { name: 'Ollama models' }).click();
    await page.locator('input[name=pull_model]').fill(PULL_MODEL);
    await page.getByRole('button', { name: 'Pull', exact: true }).first().click();
    const pull = page.locator(`[data-test=pulls] tr[data-model="${PULL_MODEL}"]`);
    await pull.waitFor();
    await pull.getByTestId('pull-status').filter({ hasText: /^success$/ }).waitFor({ timeout: 30_000 });
    await page.locator(`[data-test=ollama-models] tr[data-model="${PULL_MODEL}"]`).waitFor({ timeout: 10_000 });
    const models = await stack.get<ModelsResult>('/api/ollama/models');
    expect(models.models.map((m) => m.name)).toContain(PULL_MODEL);
    await page.screenshot({ path: '/tmp/kmm-e2e-models.png', fullPage: true });
  });

  it('tries the model: an answer and tokens/s', async () => {
    await page.locator(`[data-test=ollama-models] tr[data-model="${PULL_MODEL}"]`).getByRole('button', { name: 'Try' }).click();
    expect(await page.locator('select[name=try_model]').inputValue()).toBe(PULL_MODEL);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('metrics').waitFor({ timeout: 20_000 });
    expect((await page.getByTestId('answer').textContent())?.trim().length).toBeGreaterThan(0);
    expect(await page.getByTestId('tokens-per-second').textContent()).toMatch(/^\d+(\.\d)? tokens\/s$/);
  });

  it('ranks the model it tried', async () => {
    await page.getByRole('tab', { name: 'Usage' }).click();
    const ranking = await stack.get<RankingResult>('/api/usage/ranking');
    const entry = ranking.models.find((m) => m.model === PULL_MODEL);
    expect(entry?.count).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator(`[data-test=usage] tr[data-model="${PULL_MODEL}"]`).getByTestId('count').textContent()).toBe(String(entry?.count));
  });

  it('deletes the deployment after a confirmation', async () => {
    await page.getByRole('tab', { name: 'Deployments' }).click();
    const row = page.locator(`[data-test=deployments] tr[data-name="${DEPLOY_NAME}"]`);
    await row.getByRole('button', { name: 'Delete' }).click();
    expect((await stack.get<DeploymentsResult>('/api/deployments')).models.some((m) => m.name === DEPLOY_NAME)).toBe(true);
    const ns = (await stack.get<{ namespace: string }>('/api/health')).namespace;
    await page.getByRole('dialog').getByRole('button', { name: `Delete ${ns}/${DEPLOY_NAME}` }).click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await stack.get<DeploymentsResult>('/api/deployments')).models.some((m) => m.name === DEPLOY_NAME)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});

// The desktop transport: Electron cannot run here, so the page gets a `window.modelManager`
// whose invoke goes through the shell's real handleInvoke (sender check, contract
// validation, result wrapping) and whose events come from the core's event bus, as
// main/shell/ipc.ts and preload/index.ts do over IPC.
describe.skipIf(!hasChromium)('the UI over the desktop bridge', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  const chunks: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function bridgedPage(): Promise<Page> {
    const page = context.pages()[0] ?? (await context.newPage());
    const origins = { rendererDir: '/nonexistent', devServerUrl: stack.url };
    await page.exposeBinding('__kmmInvoke', ({ frame }, name: unknown, input: unknown) => handleInvoke(stack.host.handlers, frame.url(), origins, name, input, silentLogger));
    await page.addInitScript(() => {
      const listeners = new Map<string, Set<(p: unknown) => void>>();
      const w = globalThis as unknown as Record<string, unknown>;
      w.__kmmEmit = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload));
      w.modelManager = {
        async invoke(name: string, input: unknown) {
          const r = (await (w.__kmmInvoke as (n: string, i: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { error: string; status: number } }>)(name, input)) ?? {};
          if (r.ok) return r.value;
          throw { name: 'ApiError', message: r.error?.error ?? 'failed', status: r.error?.status ?? 500, body: r.error ?? {} };
        },
        on(name: string, listener: (p: unknown) => void) {
          if (!listeners.has(name)) listeners.set(name, new Set());
          listeners.get(name)!.add(listener);
          return () => listeners.get(name)?.delete(listener);
        },
      };
    });
    for (const name of eventNames) {
      stack.host.events.on(name, (payload) => {
        if (name === 'generateChunk') chunks.push((payload as { text: string }).text);
        void page.evaluate(([n, p]) => (globalThis as unknown as { __kmmEmit: (n: string, p: unknown) => void }).__kmmEmit(n, p), [name, payload] as const).catch(() => {});
      });
    }
    return page;
  }

  it('streams a try through generateStream and shows tokens/s', async () => {
    const page = await bridgedPage();
    // The browser has no cookie: every call goes through the bridge, not the REST API.
    await page.goto(`${stack.url}/`);
    await page.getByText('desktop', { exact: true }).waitFor();
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    expect(await page.getByText('Not signed in').count()).toBe(0);

    await stack.post('/api/ollama/pull', { model: PULL_MODEL });
    await expect.poll(async () => (await stack.get<{ status: string }>(`/api/ollama/pull/progress/${encodeURIComponent(PULL_MODEL)}`)).status, { timeout: 20_000 }).toBe('success');
    await page.getByRole('tab', { name: 'Ollama models' }).click();
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await page.locator(`[data-test=ollama-models] tr[data-model="${PULL_MODEL}"]`).getByRole('button', { name: 'Try' }).click();
    await expect.poll(() => page.getByText('streamed', { exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('metrics').waitFor({ timeout: 20_000 });
    const answer = (await page.getByTestId('answer').textContent())?.trim() ?? '';
    expect(chunks.length).toBeGreaterThan(1);
    expect(answer).toBe(chunks.join('').trim());
    expect(await page.getByTestId('tokens-per-second').textContent()).toMatch(/^\d+(\.\d)? tokens\/s$/);
  });

  it('shows the contract validation message for a bad deployment name', async () => {
    const page = context.pages()[0]!;
    await page.getByRole('tab', { name: 'Deployments' }).click();
    const form = page.locator('form.deploy-form');
    await form.locator('input[name=model_id]').fill(DEPLOY_MODEL);
    await form.locator('input[name=deployment_name]').fill('-bad-');
    await form.locator('input[name=memory]').fill('4');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => form.getByTestId('deploy-error').textContent()).toMatch(/deployment_name must be a DNS-1123 label.*\(HTTP 400\)/);
  });
});

describe.skipIf(!hasChromium)('the UI for an operator limited to one namespace', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ kubeconfig: (sim) => sim.kube.kubeconfig({ token: sim.kube.namespacedToken }) });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says what RBAC hides instead of failing: GPU capacity unknown, deployments of one namespace', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    const gpu = await stack.get<GpuStatusResult>('/api/gpu/status');
    const listed = await stack.get<DeploymentsResult>('/api/deployments');
    expect(gpu.scope).toBe('namespace');
    expect(listed.scope).toBe('namespace');
    await expect.poll(() => page.getByTestId('capacity-note').textContent()).toBe(gpu.capacity_note);
    await expect.poll(() => page.getByTestId('scope-note').textContent()).toBe(listed.scope_note);
    expect(listed.models.every((d) => d.namespace === 'model-hosting')).toBe(true);
    // The default view shows the model servers among them (other workloads behind "Show every workload").
    await expect.poll(() => page.locator('[data-test=deployments] tbody tr[data-name]').count()).toBe(listed.models.filter((d) => d.model_server).length);
  });
});
