// Memory figures in real Chromium: GiB (2^30 bytes) in the API and on every screen, labelled
// GiB, and the allocated share called what it is. The GiB figures are worked out here from
// the bytes Ollama reports, independently of the app's conversion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CatalogResult, GpuStatusResult, ModelsResult } from '../../preload/contract/index.ts';
import { CURATED } from '../../main/core/vram/catalogue.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const GIB = 2 ** 30;
const gib2 = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
// Page text only (no DOM types in the tests' tsconfig).
const bodyText = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);

describe.skipIf(!hasChromium)('memory figures in Chromium', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("gives an Ollama model's size in GiB in the API and shows the same GiB figure in the models table", async () => {
    const listed = await stack.get<ModelsResult>('/api/ollama/models');
    expect(listed.models.length).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Ollama models' }).click();
    for (const m of listed.models) {
      expect(m.size, m.name).toBeGreaterThan(GIB / 4);
      expect(m.size_gb, m.name).toBe(gib2(m.size));
      const cell = page.locator(`[data-test=ollama-models] tr[data-model="${m.name}"]`).getByTestId('size');
      await expect.poll(() => cell.textContent()).toBe(m.size >= GIB ? `${gib2(m.size).toFixed(2)} GiB` : `${((m.size / GIB) * 1024).toFixed(1)} MiB`);
    }
  });

  it("shows the catalogue's download sizes in GiB, converted from the curated 1e9-byte figures", async () => {
    const catalog = await stack.get<CatalogResult>('/api/ollama/gguf-models');
    await page.locator('[data-test=catalog]').waitFor();
    for (const c of catalog.models.slice(0, 5)) {
      const curated = CURATED.find((m) => m.name === c.name);
      if (catalog.source === 'curated' && curated) expect(c.size_gb, c.name).toBe(gib2(curated.downloadGb * 1e9));
      const cell = page.locator(`[data-test=catalog] tr[data-model="${c.name}"]`).getByTestId('size');
      await expect.poll(() => cell.textContent()).toBe(`${c.size_gb!.toFixed(2)} GiB`);
    }
  });

  it('labels every memory figure GiB on every tab, and calls utilization_percent the allocated share', async () => {
    const gpu = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info;
    await page.getByRole('tab', { name: 'Deployments' }).click();
    await expect.poll(() => page.getByTestId('gpu-total').textContent()).toBe(`${gpu.total_vram_gb.toFixed(1)} GiB`);
    const share = page.getByTestId('gpu-utilization');
    expect(await share.textContent()).toBe(`${gpu.utilization_percent.toFixed(1)}%`);
    expect((await share.locator('..').textContent())?.trim()).toBe(`Allocated share ${gpu.utilization_percent.toFixed(1)}%`);
    expect(await page.getByText(/utilization/i).count()).toBe(0);
    for (const tab of ['Deployments', 'Ollama models', 'Usage', 'Settings']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(200);
      const text = await bodyText(page);
      // A decimal unit after a number ("1.30 GB", "512 MB"); product names such as A100-SXM4-80GB have no space.
      expect(text.match(/\d\s*\)?\s+[KMGT]B\b|\([KMGT]B\)/g), tab).toBeNull();
    }
    expect(await bodyText(page)).toContain('GiB');
  });
});
