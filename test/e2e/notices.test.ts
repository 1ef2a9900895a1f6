// Notices in the window: a pull that finishes (started by a script over REST) is said once in
// a toast, in the browser as in the desktop; a failed one as an alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe.skipIf(!hasChromium)('notices in the window', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/overview`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says a finished pull once, and a failed one as an alert', async () => {
    expect((await stack.post('/api/ollama/pull', { model: 'tinyllama:1.1b' })).status).toBe(202);
    const done = page.getByTestId('notice').filter({ hasText: 'Pulled tinyllama:1.1b' });
    await done.waitFor({ timeout: 20_000 });
    expect(await done.getAttribute('role')).toBe('status');
    await stack.post('/api/ollama/pull', { model: 'no-such-model:1b' });
    const failed = page.getByTestId('notice').filter({ hasText: 'Pull of no-such-model:1b failed' });
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.getAttribute('role')).toBe('alert');
    expect(await failed.textContent()).toContain('file does not exist');
    // Once each, however many progress events the pull sent.
    expect(await page.getByTestId('notice').filter({ hasText: 'Pulled tinyllama:1.1b' }).count()).toBe(1);
    await done.getByRole('button', { name: /Dismiss/ }).click();
    expect(await done.count()).toBe(0);
  });
});
