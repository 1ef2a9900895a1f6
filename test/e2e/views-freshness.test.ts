// Everything on screen says how fresh it is. With the API server down, the figures and the
// list stay but are marked "last known, as of HH:MM:SS", Kubernetes and Ollama (reached
// through the API server) turn red; when it is back the marks and errors go by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe.skipIf(!hasChromium)('freshness during an outage of the API server', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const rows = () => page.locator('[data-test=deployments] tbody tr[data-name]').count();
  const ollamaOk = () => page.getByTestId('ollama-route').getAttribute('data-ok');

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/deployments`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    await page.locator('[data-test=deployments] tbody tr[data-name]').first().waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('keeps the data marked as last known while Kubernetes is down, and clears the marks when it is back', async () => {
    const shown = await rows();
    const allocated = await page.getByTestId('header-allocated').textContent();
    await expect.poll(ollamaOk).toBe('true');
    expect(await page.locator('[data-test=freshness].stale').count()).toBe(0);

    // The page's own requests fail while the server is gone (Chromium logs the refused event stream).
    browser.expectConsoleErrors(/Failed to load resource|net::ERR|EventSource/i);
    await stack.sim.kube.stop();
    await page.getByTestId('kube-status').filter({ hasText: 'disconnected' }).waitFor({ timeout: 20_000 });
    const header = page.locator('header [data-test=freshness].stale');
    await header.waitFor({ timeout: 20_000 });
    expect(await header.textContent()).toMatch(/^last known, as of \d\d:\d\d:\d\d$/);
    await page.locator('.card [data-test=freshness].stale', { hasText: 'last known, as of' }).first().waitFor({ timeout: 20_000 });
    // The data stays.
    expect(await rows()).toBe(shown);
    expect(await page.getByTestId('header-allocated').textContent()).toBe(allocated);
    // Ollama is reached through the API server: it is not green any more.
    await expect.poll(ollamaOk, { timeout: 20_000 }).toBe('false');
    await page.screenshot({ path: '/tmp/kmm-freshness-outage-1440x900.png' });

    await stack.sim.kube.start();
    const back = Date.now();
    await page.getByTestId('kube-status').filter({ hasText: /^\s*connected\s*$/ }).waitFor({ timeout: 25_000 });
    await expect.poll(() => page.locator('[data-test=freshness].stale').count(), { timeout: 25_000 }).toBe(0);
    await expect.poll(ollamaOk, { timeout: 25_000 }).toBe('true');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await rows()).toBe(shown);
    console.log(`[e2e] after the API server came back: marks and errors gone in ${Date.now() - back} ms`);
  });

  it('turns Ollama red after a switch to a namespace without one, and green again when switched back', async () => {
    await expect.poll(ollamaOk, { timeout: 15_000 }).toBe('true');
    // The app's own calls to Ollama answer 503 there, which Chromium logs.
    browser.expectConsoleErrors(/status of 503/);
    expect((await stack.post('/api/settings', { namespace: 'team-a' })).status).toBe(200);
    await page.getByTestId('namespace').filter({ hasText: 'team-a' }).waitFor({ timeout: 15_000 });
    await expect.poll(ollamaOk, { timeout: 20_000 }).toBe('false');
    expect(await page.getByTestId('ollama-route').textContent()).toMatch(/unreachable/);
    expect((await stack.post('/api/settings', { namespace: 'model-hosting' })).status).toBe(200);
    await expect.poll(ollamaOk, { timeout: 20_000 }).toBe('true');
  });
});
