// Usage over time in Chromium: the chart by hour (last 48 h) and by day (last 30 days), all
// models or one, from GET /api/usage/history; and neither looking at it nor switching
// namespace writes a ConfigMap.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { UsageHistoryResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-usage-history-'));
console.log(`[e2e] usage history screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)('the Usage view over time', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let core: k8s.CoreV1Api;
  const configMaps = async () => (await core.listConfigMapForAllNamespaces()).items.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
  const usageConfigMaps = async () => (await configMaps()).filter((c) => c.includes('/model-usage-stats@'));

  beforeAll(async () => {
    stack = await startStack();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(stack.sim.kube.kubeconfig());
    core = kc.makeApiClient(k8s.CoreV1Api);
    browser = await launchChromium({ width: 1280, height: 800 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/overview`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('opening Usage and switching namespace create no ConfigMap', async () => {
    await page.goto(`${stack.url}/#/usage`);
    await page.locator('[data-test=usage]').waitFor();
    await page.locator('[data-test=usage-history]').waitFor();
    // team-a has no Ollama: the page's Ollama reads answer 503 there, which is expected.
    browser.expectConsoleErrors(/status of 503/);
    expect((await stack.post('/api/settings', { namespace: 'team-a' })).status).toBe(200);
    await page.reload();
    await page.locator('[data-test=usage-history]').waitFor();
    expect((await stack.post('/api/settings', { namespace: 'model-hosting' })).status).toBe(200);
    await page.waitForTimeout(1000);
    expect(await usageConfigMaps()).toEqual([]);
  });

  it('charts uses by hour and by day, for all models or one', async () => {
    for (const [model, times] of [['llama3.2:1b', 3], ['qwen2.5:0.5b', 2]] as const) for (let i = 0; i < times; i++) expect((await stack.post('/api/usage/track', { model })).status).toBe(200);
    await page.goto(`${stack.url}/#/usage`);
    const chart = page.locator('[data-test=usage-history]');
    await expect.poll(() => chart.getAttribute('data-total'), { timeout: 10_000 }).toBe('5');
    expect(await chart.getAttribute('data-bucket')).toBe('hour');
    const bars = chart.locator('rect.usage-bucket');
    expect(await bars.count()).toBe(48);
    // The newest bucket holds them (or the one before, if an hour turned meanwhile); its bar is the tallest.
    const counts = (await bars.evaluateAll((r) => r.map((e) => Number(e.getAttribute('data-count'))))) as number[];
    expect(counts.slice(-2).reduce((a, b) => a + b, 0)).toBe(5);
    const heights = (await bars.evaluateAll((r) => r.map((e) => Number(e.getAttribute('height'))))) as number[];
    expect(Math.max(...heights)).toBeCloseTo(140, 0);
    await chart.screenshot({ path: join(SHOTS, 'usage-history-hour.png') });

    await page.locator('[data-test=usage-over-time] button[data-bucket=day]').click();
    await expect.poll(() => chart.getAttribute('data-bucket')).toBe('day');
    expect(await bars.count()).toBe(30);
    await expect.poll(() => chart.getAttribute('data-total')).toBe('5');
    await page.locator('[data-test=usage-over-time]').screenshot({ path: join(SHOTS, 'usage-history-day.png') });

    await page.locator('select[name=history-model]').selectOption('qwen2.5:0.5b');
    await expect.poll(() => chart.getAttribute('data-total')).toBe('2');
    expect(await chart.locator('figcaption').textContent()).toContain('qwen2.5:0.5b');

    // A use counted now shows without a reload (usageChanged refreshes the ranking, then the history).
    expect((await stack.post('/api/usage/track', { model: 'qwen2.5:0.5b' })).status).toBe(200);
    await expect.poll(() => chart.getAttribute('data-total'), { timeout: 10_000 }).toBe('3');
  });

  it('answers GET /api/usage/history and refuses a bad bucket naming the field', async () => {
    const r = await stack.get<UsageHistoryResult>('/api/usage/history?bucket=day&model=llama3.2:1b');
    expect(r.times).toHaveLength(180);
    expect(r.series.map((s) => [s.model, s.total])).toEqual([['llama3.2:1b', 3]]);
    const res = await fetch(`${stack.url}/api/usage/history?bucket=week`, { headers: { Authorization: `Bearer ${stack.token}` } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('bucket');
  });
});
