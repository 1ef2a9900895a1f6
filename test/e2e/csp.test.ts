// The page's Content-Security-Policy in real Chromium: one definition (main/shell/csp.ts) in
// the REST server's header and in the built index.html's meta tag, and a UI that runs under
// it without one console error or violation (zod jitless: no `eval` probe). The watch in
// browser.ts that fails every e2e test on such errors is checked to catch a violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../main/shell/csp.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe.skipIf(!hasChromium)('the CSP in Chromium', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('is the one shared definition, in the header and in the built meta tag', async () => {
    const res = await fetch(`${stack.url}/`);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    const html = await res.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(meta).toBe(metaContentSecurityPolicy());
    // Same policy but what only a header can carry.
    expect(contentSecurityPolicy()).toBe(`${metaContentSecurityPolicy()}; frame-ancestors 'none'`);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval/);
  });

  it('runs the UI on every tab without a console error or CSP violation', async () => {
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    for (const tab of ['Ollama models', 'Usage', 'Settings', 'Deployments']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForLoadState('networkidle').catch(() => {}); // the event stream stays open
    }
    await page.reload();
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    expect(browser.problems()).toEqual([]);
  });

  it('the e2e watch catches a CSP violation (an inline script the policy refuses)', async () => {
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { createElement(t: string): { textContent: string }; head: { appendChild(n: unknown): void } } }).document;
      const s = d.createElement('script');
      s.textContent = 'globalThis.inlineRan = true';
      d.head.appendChild(s);
    });
    await expect.poll(() => browser.problems().some((p) => p.startsWith('CSP violation') && p.includes('script-src'))).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    expect(() => browser.assertNoConsoleErrors()).toThrow(/CSP violation/);
    expect(browser.problems()).toEqual([]);
  });
});
