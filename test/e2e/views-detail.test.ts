// The Deployment detail view in Chromium against the real stack: opened by deep link or from
// its row, its pods (node, GPU unit, phase, restarts), scale and restart reaching the
// Deployment named, delete behind the confirmation; bad input refused with the field named.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeploymentPodsResult, DeploymentsResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-detail-'));
console.log(`[e2e] detail screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)('the Deployment detail view', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const replicasOf = async (ns: string, name: string) => (await stack.get<DeploymentsResult>('/api/deployments')).models.find((m) => m.namespace === ns && m.name === name)?.replicas;
  const podNames = () => page.locator('[data-test=pods] tr[data-pod]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pod')).sort());

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/deployments/model-hosting/ollama`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('opens by deep link with its pods as the API lists them: node, GPU unit, phase, restarts', async () => {
    expect(await page.getByTestId('detail-name').textContent()).toBe('model-hosting/ollama');
    await page.locator('[data-test=pods] tr[data-pod]').first().waitFor();
    const api = await stack.get<DeploymentPodsResult>('/api/deployments/pods?namespace=model-hosting&name=ollama');
    expect(api.pods.length).toBe(1);
    const row = page.locator(`[data-test=pods] tr[data-pod="${api.pods[0]!.name}"]`);
    const text = (await row.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('gpu-h100-01');
    expect(text).toContain('NVIDIA-H100-80GB-HBM3 nvidia.com/gpu');
    expect(text).toContain('Running');
    expect(await page.title()).toContain('model-hosting/ollama');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `detail-${scheme}-1440x900.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows the pod log as the API reads it, followed until paused', async () => {
    const api = await stack.get<DeploymentPodsResult>('/api/deployments/pods?namespace=model-hosting&name=ollama');
    const pod = api.pods[0]!.name;
    const logs = await stack.get<{ lines: { time: string; text: string }[] }>(`/api/pods/logs?namespace=model-hosting&pod=${pod}`);
    expect(logs.lines.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-test=log] .log-line').count(), { timeout: 8_000 }).toBeGreaterThanOrEqual(logs.lines.length);
    const shown = await page.locator('[data-test=log] .log-line').allTextContents();
    expect(shown.slice(0, logs.lines.length).map((t) => t.slice(9))).toEqual(logs.lines.map((l) => l.text));
    const toggle = page.getByTestId('log-follow');
    expect(await toggle.textContent()).toBe('Pause');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await toggle.textContent()).toBe('Follow');
    await toggle.click();
    expect(await toggle.textContent()).toBe('Pause');
  });

  it('is reached from its row and Back returns to the filtered list', async () => {
    await page.goto(`${stack.url}/#/deployments?all=1&q=web`);
    await page.locator('[data-test=deployments] tr[data-namespace="team-a"][data-name="web"]').getByRole('link', { name: 'web' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/deployments/team-a/web');
    await page.getByTestId('detail-name').filter({ hasText: 'team-a/web' }).waitFor();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/deployments?all=1&q=web');
    expect(await page.locator('input[name=q]').inputValue()).toBe('web');
  });

  it('scales team-a/web to 2 (the Deployment and the pods follow), refusing a bad number in words', async () => {
    await page.goto(`${stack.url}/#/deployments/team-a/web`);
    await page.locator('[data-test=pods] tr[data-pod]').first().waitFor();
    const input = page.locator('input[name=replicas]');
    await input.fill('-1');
    expect(await page.getByText('Replicas must be a whole number, 0 or more.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Scale team-a/web' }).isDisabled()).toBe(true);
    await input.fill('2');
    await page.getByRole('button', { name: 'Scale team-a/web' }).click();
    await expect.poll(() => page.getByTestId('detail-done').textContent()).toContain('team-a/web scaled to 2 replicas');
    await expect.poll(() => replicasOf('team-a', 'web'), { timeout: 10_000 }).toMatch(/\/2$/);
    await expect.poll(async () => (await podNames()).length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('detail-replicas').textContent(), { timeout: 10_000 }).toBe('2/2');

    // The REST route checks the same way and names the field.
    const bad = await stack.post('/api/deployments/scale', { namespace: 'team-a', name: 'web', replicas: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('replicas');
  });

  it('restarts team-a/web: new pods replace the old ones', async () => {
    const before = await podNames();
    await page.getByRole('button', { name: 'Restart team-a/web' }).click();
    await expect.poll(() => page.getByTestId('detail-done').textContent()).toContain('team-a/web restarting');
    await expect.poll(async () => (await podNames()).filter((n) => before.includes(n)).length, { timeout: 15_000 }).toBe(0);
    // The rollout's events show: the new pods scheduled, the old ones killed.
    await expect.poll(() => page.locator('[data-test=events] tr[data-reason="Scheduled"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await page.locator('[data-test=events]').textContent())!).toMatch(/Successfully assigned team-a\/web-/);
  });

  it('deletes from the detail view only after the confirmation, then returns to the list', async () => {
    const made = await stack.post('/api/deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'detail-qwen', memory: 4 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const ns = String(made.body.namespace ?? 'model-hosting');
    await page.goto(`${stack.url}/#/deployments/${ns}/detail-qwen`);
    await page.getByRole('button', { name: `Delete ${ns}/detail-qwen…` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await replicasOf(ns, 'detail-qwen')).toBeDefined();
    await page.getByRole('button', { name: `Delete ${ns}/detail-qwen…` }).click();
    await dialog.getByRole('button', { name: `Delete ${ns}/detail-qwen` }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/deployments');
    await expect.poll(() => replicasOf(ns, 'detail-qwen')).toBeUndefined();
    // A deep link to what is gone says so.
    await page.goto(`${stack.url}/#/deployments/${ns}/detail-qwen`);
    await page.getByTestId('detail-missing').waitFor();
  });
});
