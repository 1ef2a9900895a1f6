// Every view has its address in the hash: opened by deep link, kept by reload, left and
// found again by Back. The header stays in view while the content scrolls; the Deployments
// filter lives in the hash query. A screenshot of each view in light and dark, at
// 1440×900 and 900×700, goes to the folder printed at the start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeploymentsResult, GpuStatusResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const gb = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} GiB`);
const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-views-'));
console.log(`[e2e] view screenshots in ${SHOTS}`);

const VIEWS = [
  { hash: '#/overview', tab: 'Overview', ready: '[data-test=gpu-history]' },
  { hash: '#/deployments', tab: 'Deployments', ready: '[data-test=deployments] tr[data-name]' },
  { hash: '#/gpus', tab: 'GPUs', ready: 'table.nodes' },
  { hash: '#/models', tab: 'Ollama models', ready: '[data-test=ollama-models]' },
  { hash: '#/try', tab: 'Try', ready: 'select[name=try_model]' },
  { hash: '#/usage', tab: 'Usage', ready: '[data-test=usage]' },
  { hash: '#/settings', tab: 'Settings', ready: 'form' },
] as const;

describe.skipIf(!hasChromium)('views, routes and the header', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const names = () => page.locator('[data-test=deployments] tbody tr[data-name]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-namespace')}/${r.getAttribute('data-name')}`));

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // The login redirect keeps the hash: a deep link works from the printed URL too.
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/overview`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('opens each view by its hash, marks its tab, and keeps it on reload', async () => {
    expect(new URL(page.url()).hash).toBe('#/overview');
    for (const v of VIEWS) {
      await page.goto(`${stack.url}/${v.hash}`);
      await page.locator(v.ready).first().waitFor();
      expect(await page.getByRole('tab', { selected: true }).textContent()).toBe(v.tab);
    }
    await page.reload();
    await page.locator('form').first().waitFor();
    expect(new URL(page.url()).hash).toBe('#/settings');
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Settings');
    // An unknown address lands on Deployments rather than an empty page.
    await page.goto(`${stack.url}/#/no-such-view`);
    await page.locator('[data-test=deployments]').waitFor();
    expect(new URL(page.url()).hash).toBe('#/deployments');
  });

  it('Back and Forward move between views; arrow keys move along the tabs', async () => {
    await page.goto(`${stack.url}/#/overview`);
    await page.getByRole('tab', { name: 'GPUs' }).click();
    await page.locator('table.nodes').waitFor();
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.locator('[data-test=usage]').waitFor();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/gpus');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/overview');
    await page.goForward();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/gpus');
    await page.getByRole('tab', { name: 'GPUs' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/models');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/deployments');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toBe('Deployments');
  });

  it('the header shows GPU free, allocated and used in GiB as the API says, and stays in view while the content scrolls', async () => {
    await page.goto(`${stack.url}/#/gpus`);
    await expect
      .poll(async () => {
        const g = (await stack.get<GpuStatusResult>('/api/gpu/status')).gpu_info;
        const shown = await Promise.all(['header-free', 'header-allocated', 'header-used'].map((id) => page.getByTestId(id).textContent()));
        const want = [gb(g.available_vram_gb), gb(g.allocated_vram_gb), gb(g.used_vram_gb)];
        return JSON.stringify(shown) === JSON.stringify(want) ? 'same' : `page ${shown.join(' | ')} vs API ${want.join(' | ')}`;
      }, { timeout: 15_000 })
      .toBe('same');
    await page.goto(`${stack.url}/#/overview`);
    await page.locator('[data-test=gpu-history]').waitFor();
    await page.setViewportSize({ width: 900, height: 700 });
    const header = page.locator('header.app-header');
    const before = await header.boundingBox();
    await page.locator('.content').evaluate((el) => el.scrollBy(0, 2000));
    expect(await page.locator('.content').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    expect(await header.boundingBox()).toEqual(before);
    expect(before!.y).toBe(0);
    // Nothing wider than the window at 900 px: no sideways scrolling of the page.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(900);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps the Deployments search, namespace, every-workload switch and sort in the hash query', async () => {
    const all = (await stack.get<DeploymentsResult>('/api/deployments')).models;
    const teamA = all.filter((m) => m.namespace === 'team-a').map((m) => `${m.namespace}/${m.name}`).sort().reverse();
    expect(teamA.length).toBeGreaterThan(1);
    await page.goto(`${stack.url}/#/deployments?ns=team-a&all=1&sort=-name`);
    await expect.poll(names).toEqual(teamA);
    expect(await page.locator('select[name=ns]').inputValue()).toBe('team-a');
    expect(await page.getByRole('checkbox', { name: /Show every workload/ }).isChecked()).toBe(true);
    expect(await page.locator('th[aria-sort=descending]').textContent()).toContain('Name');

    // Sorting by a column header: ascending, then descending; each is an entry Back returns to.
    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await expect.poll(() => new URL(page.url()).hash).toContain('sort=name');
    await expect.poll(names).toEqual([...teamA].reverse());
    await page.goBack();
    await expect.poll(names).toEqual(teamA);

    // Typing filters at once and the text goes to ?q=; reload keeps it.
    await page.locator('input[name=q]').fill('jupyter');
    await expect.poll(names).toEqual(['team-a/jupyter']);
    expect(new URL(page.url()).hash).toContain('q=jupyter');
    await page.reload();
    await expect.poll(names).toEqual(['team-a/jupyter']);
    expect(await page.locator('input[name=q]').inputValue()).toBe('jupyter');

    // Without ?all=1 only model servers show.
    await page.goto(`${stack.url}/#/deployments`);
    await expect.poll(async () => (await names()).length).toBe(all.filter((m) => m.model_server).length);
    expect(await names()).not.toContain('team-a/jupyter');
  });

  it('screenshots every view in light and dark at 1440×900 and 900×700', async () => {
    for (const size of [{ width: 1440, height: 900 }, { width: 900, height: 700 }]) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const v of VIEWS) {
          await page.goto(`${stack.url}/${v.hash}`);
          await page.locator(v.ready).first().waitFor();
          await page.screenshot({ path: join(SHOTS, `${v.hash.slice(2)}-${scheme}-${size.width}x${size.height}.png`) });
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
