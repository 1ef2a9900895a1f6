// The Overview in Chromium: a section per GPU kind, a bar per unit on each node (allocated
// ones marked, as many as the API counts), who holds them (linked to the deployment), what
// still fits, and the GPU history that grows as the figures change.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { GpuStatusResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-overview-'));
console.log(`[e2e] overview screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)('the Overview', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/overview`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    await page.locator('section.kind').first().waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('draws one bar per unit on each node, the allocated ones marked, as the API counts them', async () => {
    const g = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info;
    for (const node of g.nodes) {
      for (const group of node.groups) {
        const item = page.locator(`section.kind[data-kind="${group.product}|${group.resource}"] li[data-node="${node.name}"]`);
        await expect.poll(() => item.locator('.unit').count(), { message: `${node.name} ${group.resource}` }).toBe(group.units);
        expect(await item.locator('.unit.taken').count(), `${node.name} ${group.resource}`).toBe(group.allocated_units);
      }
    }
    const kinds = new Set(g.nodes.flatMap((n) => n.groups.map((x) => `${x.product}|${x.resource}`)));
    expect(await page.locator('section.kind').count()).toBe(kinds.size);
  });

  it('says who holds a unit, linked to its deployment, and what still fits', async () => {
    const h100 = page.locator('section.kind li[data-node="gpu-h100-01"]');
    await h100.getByTestId('held-by').waitFor();
    expect(await h100.getByTestId('held-by').textContent()).toContain('model-hosting/ollama');
    // The catalogue's estimates come from the registry or the curated list: slow on a busy machine.
    await expect.poll(() => page.getByTestId('fits').allTextContents(), { timeout: 15_000 }).toContainEqual(expect.stringMatching(/^up to .* GiB per unit, e\.g\. \S+ \(.* GiB estimated\)$/));
    await h100.getByRole('link', { name: 'model-hosting/ollama' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/deployments/model-hosting/ollama');
    await page.goBack();
    await page.locator('section.kind').first().waitFor();
  });

  it('adds to the GPU history as the figures change (a deploy allocates a unit)', async () => {
    const samples = async () => Number(/(\d+) samples/.exec((await page.getByTestId('gpu-history').textContent()) ?? '')?.[1] ?? 0);
    const before = await samples();
    const allocated = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info.allocated_vram_gb;
    const made = await stack.post('/api/deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'overview-qwen', memory: 4 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    await expect.poll(async () => (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info.allocated_vram_gb, { timeout: 15_000 }).toBeGreaterThan(allocated);
    await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.locator('[data-test=gpu-history] polyline.alloc').count()).toBe(1);
    for (const size of [{ width: 1440, height: 900 }, { width: 900, height: 700 }]) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `overview-${scheme}-${size.width}x${size.height}.png`) });
      }
    }
  });
});
