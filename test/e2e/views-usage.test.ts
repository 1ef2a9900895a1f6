// The Usage view in Chromium: a bar per model scaled to the most used, beside the table;
// reset only after its confirmation; and looking at Usage never writes to the cluster.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RankingResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-usage-'));
console.log(`[e2e] usage screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)('the Usage view', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let core: k8s.CoreV1Api;
  const configMaps = async () => (await core.listConfigMapForAllNamespaces()).items.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();

  beforeAll(async () => {
    stack = await startStack();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(stack.sim.kube.kubeconfig());
    core = kc.makeApiClient(k8s.CoreV1Api);
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/overview`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('draws a bar per model, the most used full width, in the ranking order', async () => {
    for (const [model, times] of [['llama3.2:1b', 3], ['qwen2.5:0.5b', 1]] as const) for (let i = 0; i < times; i++) expect((await stack.post('/api/usage/track', { model })).status).toBe(200);
    await page.goto(`${stack.url}/#/usage`);
    const bars = page.locator('[data-test=usage-chart] li');
    await expect.poll(() => bars.count()).toBe(2);
    expect(await bars.evaluateAll((li) => li.map((l) => l.getAttribute('data-model')))).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
    const widths = await page.locator('[data-test=usage-chart] .usage-fill').evaluateAll((f) => f.map((e) => (e as unknown as { style: { width: string } }).style.width));
    expect(widths[0]).toBe('100%');
    expect(Number.parseFloat(widths[1]!)).toBeCloseTo(100 / 3, 1);
    expect(await page.locator('[data-test=usage-chart] li[data-model="llama3.2:1b"] b').textContent()).toBe('3');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `usage-${scheme}-1440x900.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('looking at Usage and refreshing it writes nothing to the cluster', async () => {
    // Let the counts above reach the ConfigMap first: only what the page does is measured.
    await expect.poll(async () => (await stack.get<RankingResult>('/api/usage/ranking')).pending, { timeout: 15_000 }).toBe(0);
    const before = await configMaps();
    await page.goto(`${stack.url}/#/overview`);
    await page.goto(`${stack.url}/#/usage`);
    await page.locator('[data-test=usage]').waitFor();
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await page.reload();
    await page.locator('[data-test=usage]').waitFor();
    await page.waitForTimeout(1000);
    expect(await configMaps()).toEqual(before);
  });

  it('resets only after its confirmation', async () => {
    await page.locator('[data-test=usage-chart] li').first().waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.keyboard.press('Escape');
    expect((await stack.get<RankingResult>('/api/usage/ranking')).total_requests).toBe(4);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Really clear all counts?' }).click();
    await expect.poll(async () => (await stack.get<RankingResult>('/api/usage/ranking')).total_requests).toBe(0);
    await expect.poll(() => page.locator('[data-test=usage-chart] li').count()).toBe(0);
  });
});
