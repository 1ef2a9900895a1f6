// The Deployments view with 2,000 deployments: the document holds only the rows in view
// (virtual rows) while the count, search and sort cover all of them; scrolling to the end
// shows the last; a deployment created behind the app's back appears within about a second
// (deltas, no re-download of the list). Timings at 5,000 are for `npm run bench`.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeploymentsResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe.skipIf(!hasChromium)('the Deployments view at 2,000 deployments', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let total = 0;
  const domRows = () => page.locator('[data-test=deployments] tbody tr').count();
  const listRequests: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ sim: { deployments: 2000, pods: 2000, namespaces: 20 } });
    total = (await stack.get<DeploymentsResult>('/api/deployments')).count;
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('request', (r) => new URL(r.url()).pathname === '/api/deployments' && listRequests.push(r.url()));
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/deployments?all=1`);
    await page.locator('[data-test=deployments] tbody tr[data-name]').first().waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('keeps fewer than 200 rows in the document, and counts every deployment', async () => {
    expect(total).toBeGreaterThan(2000);
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe(`(${total})`);
    expect(await domRows()).toBeLessThan(200);
    // Scrolled to the end: the last deployment by name is drawn, still few rows.
    await page.getByRole('button', { name: 'Name', exact: true }).click();
    const byName = (await stack.get<DeploymentsResult>('/api/deployments')).models.sort((a, b) => a.name.localeCompare(b.name) || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)).at(-1)!;
    await page.getByTestId('deployments-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator(`[data-test=deployments] tr[data-namespace="${byName.namespace}"][data-name="${byName.name}"]`).waitFor();
    expect(await domRows()).toBeLessThan(200);
  });

  it('moves between rows with the arrow keys, and End reaches the last of all of them', async () => {
    const focusedRow = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { closest(s: string): { getAttribute(a: string): string } | null } } }).document.activeElement.closest('tr')?.getAttribute('data-index'));
    await page.getByTestId('deployments-scroll').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.locator('[data-test=deployments] tr[data-index="0"] .row-link').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedRow).toBe('1');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedRow).toBe('0');
    await page.keyboard.press('End');
    await expect.poll(focusedRow).toBe(String(total - 1));
    expect(await domRows()).toBeLessThan(200);
    await page.keyboard.press('Home');
    await expect.poll(focusedRow).toBe('0');
  });

  it('a search filters all of them and the rows in the document follow', async () => {
    await page.locator('input[name=q]').fill('ollama');
    const want = (await stack.get<DeploymentsResult>('/api/deployments')).models.filter((m) => `${m.namespace}/${m.name} ${m.image}`.toLowerCase().includes('ollama')).length;
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe(`(${want} of ${total})`);
    await page.locator('input[name=q]').fill('');
  });

  it('shows a deployment created with the Kubernetes API within about a second, without fetching the list again', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(stack.sim.kube.kubeconfig());
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await page.locator('input[name=q]').fill('zz-live-web');
    const fetched = listRequests.length;
    const t0 = Date.now();
    await apps.createNamespacedDeployment({
      namespace: 'team-a',
      body: { metadata: { name: 'zz-live-web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'zz-live-web' } }, template: { metadata: { labels: { app: 'zz-live-web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } },
    });
    await page.locator('[data-test=deployments] tr[data-namespace="team-a"][data-name="zz-live-web"]').waitFor({ timeout: 5_000 });
    const ms = Date.now() - t0;
    console.log(`[e2e] a deployment made with the API on screen after ${ms} ms (2,000 deployments)`);
    expect(ms).toBeLessThan(2_000);
    expect(listRequests.length).toBe(fetched);
  });
});
