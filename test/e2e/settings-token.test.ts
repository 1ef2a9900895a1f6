// Rotating the REST token from Settings in the browser: the new token is shown once, the old
// one and this page's own session stop working at once, and the new one works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe.skipIf(!hasChromium)('the REST token in Settings', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ tokenFromSettings: true });
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('tests the saved Ollama routes: which answers, its version and how fast', async () => {
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/settings`);
    await page.getByRole('button', { name: 'Test each route' }).click();
    const table = page.getByTestId('route-tests');
    await table.waitFor();
    const proxy = table.locator('tr', { hasText: 'service-proxy' });
    await expect.poll(() => proxy.textContent()).toMatch(/Ollama \d+\.\d+\.\d+.*\d+ ms/);
  });

  it('rotates: shown once, the old token and this session stop, the new one works', async () => {
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/settings`);
    const box = page.getByTestId('rest-token');
    await box.getByRole('button', { name: 'Rotate token…' }).click();
    await box.getByRole('button', { name: 'Rotate the REST token now' }).click();
    const fresh = (await box.getByTestId('new-token').textContent())!;
    expect(fresh).not.toBe(stack.token);
    expect(fresh.length).toBeGreaterThanOrEqual(32);
    const call = (token: string) => fetch(`${stack.url}/api/deployments`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await call(stack.token)).toBe(401);
    expect(await call(fresh)).toBe(200);
    // The page's own session was opened with the old token: it is signed out too.
    const status = await page.evaluate(async () => (await fetch('/api/deployments')).status);
    expect(status).toBe(401);
    browser.expectConsoleErrors(/401/);
  });
});
