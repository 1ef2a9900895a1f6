// The Usage view in real Chromium shows what the endpoint counted: tokens per model beside
// the counts, the per-client breakdown, and where each model's requests go.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RankingResult } from '../../preload/contract/index.ts';
import type { SettingsStore } from '../../main/core/settings.ts';
import { followOllamaEndpointSetting, startOllamaEndpoint, type OllamaEndpoint } from '../../main/ollama-endpoint/index.ts';
import { hasChromium, launchChromium, type Browser } from '../e2e/browser.ts';
import { startStack, type Stack } from '../e2e/stack.ts';

describe.skipIf(!hasChromium)('the Usage view', { timeout: 60_000 }, () => {
  let stack: Stack;
  let endpoint: OllamaEndpoint;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    endpoint = await startOllamaEndpoint({ port: 0, getCore: () => stack.host.manager.endpoint ?? null, env: {} });
    browser = await launchChromium({ width: 1360, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await endpoint?.close();
    await stack?.close();
  });

  it('shows tokens per model and the requests of each client', async () => {
    await new Ollama({ host: endpoint.url }).generate({ model: 'llama3.2:1b', prompt: 'count me' });
    await new OpenAI({ baseURL: `${endpoint.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'me too' }] });
    let ranking = await stack.get<RankingResult>('/api/usage/ranking');
    for (let i = 0; i < 50 && (ranking.clients?.length ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ranking = await stack.get<RankingResult>('/api/usage/ranking');
    }
    const llama = ranking.models.find((m) => m.model === 'llama3.2:1b')!;
    expect(llama.count).toBe(2);
    expect(ranking.clients).toHaveLength(2);

    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    await page.getByRole('tab', { name: 'Usage' }).click();
    const row = page.locator('[data-test=usage] tr[data-model="llama3.2:1b"]');
    await expect.poll(() => row.getByTestId('count').textContent()).toBe('2');
    expect(await row.getByTestId('prompt-tokens').textContent()).toBe(llama.prompt_tokens!.toLocaleString('en-US'));
    expect(await row.getByTestId('completion-tokens').textContent()).toBe(llama.completion_tokens!.toLocaleString('en-US'));
    for (const c of ranking.clients!) {
      const r = page.locator('[data-test=usage-clients] tr').filter({ hasText: c.client });
      expect(await r.getByTestId('client-requests').textContent()).toBe(String(c.requests));
    }
    const route = page.locator('[data-test=endpoint-routes] tr[data-model="llama3.2:1b"]');
    expect(await route.textContent()).toContain('the shared Ollama');
    await page.screenshot({ path: '/tmp/kmm-usage-endpoint.png', fullPage: true });
  });

  it("changes where a model goes from its row, kept in the settings, and back to the default", async () => {
    await stack.host.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'view-qwen', memory: 4 });
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.getByRole('button', { name: 'Refresh' }).last().click();
    const row = page.locator('[data-test=endpoint-routes] tr[data-model="llama3.2:1b"]');
    await expect.poll(() => row.locator('option').allTextContents()).toContain('deployment model-hosting/view-qwen');
    await row.locator('select').selectOption('model-hosting/view-qwen');
    await expect.poll(() => row.getByTestId('route-source').textContent()).toBe('your setting');
    expect(await row.textContent()).toContain('deployment model-hosting/view-qwen');
    expect((await stack.host.handlers.getSettings({})).settings.ollamaEndpointTargets).toEqual({ 'llama3.2:1b': 'model-hosting/view-qwen' });
    const routes = await stack.host.handlers.ollamaEndpointRoutes({});
    expect(routes.routes.find((r) => r.model === 'llama3.2:1b')).toMatchObject({ target: 'model-hosting/view-qwen', source: 'setting' });
    await row.locator('select').selectOption('default');
    await expect.poll(() => row.getByTestId('route-source').textContent()).toBe('default');
    expect((await stack.host.handlers.getSettings({})).settings.ollamaEndpointTargets).toEqual({});
  });

  it('Settings switches the endpoint on at the port given, as the desktop shell and serve follow it', async () => {
    const settings = (stack.host.manager as unknown as { ctx: { settings: SettingsStore } }).ctx.settings;
    const followed = followOllamaEndpointSetting({ settings, getCore: () => stack.host.manager.endpoint ?? null, env: {}, log: { info() {}, warn() {}, error() {} } });
    try {
      await followed.settled();
      expect(followed.current()).toBeNull();
      const port = 20000 + Math.floor(Math.random() * 20000);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.locator('input[name=ollamaEndpointEnabled]').check();
      await page.locator('input[name=ollamaEndpointPort]').fill(String(port));
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await followed.settled();
      expect(followed.current()?.port).toBe(port);
      const tags = (await (await fetch(`http://127.0.0.1:${port}/api/tags`)).json()) as { models: unknown[] };
      expect(tags.models.length).toBeGreaterThan(0);
    } finally {
      await followed.close();
    }
  });
});
