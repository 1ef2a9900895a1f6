// The Models and Try views on a model deployment's own Ollama, in Chromium over the REST API:
// the picker lists each model deployment; what that Ollama holds (with context length) and has
// loaded (VRAM, GPU/CPU split, time until unload); keep loaded and unload; a pull with
// progress, then clear finished; the catalogue searched, with the fit on the deployment's
// unit; and a try there. Each action is checked on that pod's own simulated Ollama, and the
// shared Ollama is checked untouched.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeploymentsResult } from '../../preload/contract/index.ts';
import type { OllamaSim } from '../sim/ollama/server.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const NS = 'model-hosting';
const KEY = `${NS}/small`;
const MODEL = 'llama3.2:1b';
const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-models-'));
console.log(`[e2e] models screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)("Models and Try on a deployment's Ollama", { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let own: OllamaSim;

  beforeAll(async () => {
    stack = await startStack({ sim: { quiet: true, readyDelayMs: 100 } });
    stack.sim.kube.podOllamas.pullBytesPerSecond = 2e10;
    const r = await stack.post('/api/deploy', { model_id: MODEL, deployment_name: 'small', memory: 8, context_length: 8192 });
    expect(r.status).toBe(200);
    for (let end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      if ((await stack.get<DeploymentsResult>('/api/deployments')).models.find((d) => d.name === 'small')?.status === 'Running') break;
    }
    const pods = await stack.host.handlers.deploymentPods({ namespace: NS, name: 'small' });
    own = stack.sim.kube.podOllamas.of(NS, pods.pods[0]!.name)!;
    expect(own).toBeDefined();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/models`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("lists the deployment's Ollama, and shows what it holds and has loaded", async () => {
    await page.locator(`select[name=ollama_target] option[value="${KEY}"]`).waitFor({ state: 'attached' });
    await page.locator('select[name=ollama_target]').selectOption(KEY);
    await page.getByTestId('ollama-route').filter({ hasText: `/namespaces/${NS}/services/small:11434/proxy` }).waitFor();
    const row = page.locator(`[data-test=ollama-models] tr[data-model="${MODEL}"]`);
    await row.waitFor();
    // Only what the pod's own Ollama holds (the shared one holds qwen2.5:0.5b too).
    expect(await page.locator('[data-test=ollama-models] tbody tr[data-model]').count()).toBe(own.state.installed().length);
    expect(await page.locator('[data-test=ollama-models] tr[data-model="qwen2.5:0.5b"]').count()).toBe(0);
    expect(await row.getByTestId('context-length').textContent()).toMatch(/^\d{1,3}(,\d{3})+$/);
    expect(await row.getByTestId('size').textContent()).toMatch(/(GiB|MiB)$/);

    await row.getByRole('button', { name: 'Load & keep' }).click();
    const loaded = page.locator(`[data-test=loaded-models] tr[data-model="${MODEL}"]`);
    await loaded.getByTestId('unloads-in').filter({ hasText: 'kept loaded' }).waitFor();
    expect(own.state.loaded()).toContain(MODEL);
    expect(stack.sim.ollama.state.loaded()).not.toContain(MODEL);
    expect(await loaded.getByTestId('vram').textContent()).toMatch(/ (GiB|MiB)$/);
    expect(await loaded.getByTestId('split').textContent()).toMatch(/GiB GPU · .* GiB CPU \(\d+% on GPU\)/);
    expect(await loaded.getByTestId('context').textContent()).toBe('8,192');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `models-target-${scheme}-1440x900.png`) });
    }
    await page.setViewportSize({ width: 900, height: 700 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `models-target-${scheme}-900x700.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });

    // The catalogue estimates at the context that Ollama runs with (its /api/ps: 8,192, as deployed), not the default for a new deployment (4,096).
    await page.locator(`[data-test=catalog] tr[data-model="${MODEL}"] [data-test=estimate]`).filter({ hasText: 'at 8,192' }).waitFor({ timeout: 15_000 });

    await loaded.getByRole('button', { name: 'Unload' }).click();
    await loaded.waitFor({ state: 'detached' });
    expect(own.state.loaded()).not.toContain(MODEL);
    browser.assertNoConsoleErrors();
  });

  it("pulls into the deployment's Ollama with progress, then clears the finished pull", async () => {
    await page.locator('input[name=pull_model]').fill('tinyllama');
    await page.locator('form', { has: page.locator('input[name=pull_model]') }).getByRole('button', { name: 'Pull' }).click();
    const pull = page.locator('[data-test=pulls] tr[data-model="tinyllama"]');
    await pull.getByTestId('pull-status').filter({ hasText: 'success' }).waitFor({ timeout: 15_000 });
    expect(own.state.installed()).toContain('tinyllama:latest');
    expect(stack.sim.ollama.state.installed()).not.toContain('tinyllama:latest');
    // The notice names the Ollama it went into.
    await page.getByText(`Pulled tinyllama on ${KEY}`).waitFor();
    await page.locator('[data-test=ollama-models] tr[data-model="tinyllama:latest"]').waitFor();
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await pull.waitFor({ state: 'detached' });

    // The catalogue, searched, with the fit on the deployment's own GPU unit.
    const rows = page.locator('[data-test=catalog] tbody tr[data-model]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const all = await rows.count();
    await page.locator('input[name=catalog_search]').fill('llama3');
    await expect.poll(async () => (await rows.allTextContents()).every((t) => /llama3/i.test(t))).toBe(true);
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.count()).toBeLessThan(all);
    // Still at that context once the model is unloaded.
    await page.locator(`[data-test=catalog] tr[data-model="llama3.2:3b"] [data-test=estimate]`).filter({ hasText: 'at 8,192' }).waitFor({ timeout: 10_000 });
    const fits = await page.locator('[data-test=catalog] [data-test=fit]').allTextContents();
    expect(fits.every((t) => /^(yes|no, \d+\.\d GiB on CPU)$/.test(t.trim()))).toBe(true);
    await page.getByTestId('catalog').scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `models-catalogue-${scheme}-1440x900.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    browser.assertNoConsoleErrors();
  });

  it("tries a model on the deployment's Ollama, not the shared one", async () => {
    const ownBefore = own.state.generateCounts.get(MODEL) ?? 0;
    const sharedBefore = stack.sim.ollama.state.generateCounts.get(MODEL) ?? 0;
    await page.locator(`[data-test=ollama-models] tr[data-model="${MODEL}"]`).getByRole('button', { name: 'Try' }).click();
    await page.getByTestId('try-where').filter({ hasText: `on ${KEY}'s Ollama` }).waitFor();
    expect(await page.locator('select[name=ollama_target]').inputValue()).toBe(KEY);
    expect(await page.locator('select[name=try_model]').inputValue()).toBe(MODEL);
    await page.locator('textarea[name=prompt]').fill('What is a GPU?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('metrics').waitFor({ timeout: 20_000 });
    expect(own.state.generateCounts.get(MODEL)).toBe(ownBefore + 1);
    expect(stack.sim.ollama.state.generateCounts.get(MODEL) ?? 0).toBe(sharedBefore);
    await page.screenshot({ path: join(SHOTS, 'try-target-light-1440x900.png') });
    await page.setViewportSize({ width: 900, height: 700 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SHOTS, 'try-target-dark-900x700.png') });
    browser.assertNoConsoleErrors();
  });
});
