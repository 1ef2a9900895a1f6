// The Try view in Chromium over the REST API: a chat whose answers stream token by token
// (generateStream, chunks over the event stream), that keeps its history, takes a system
// prompt and temperature, stops on Stop; a blank prompt cannot be sent and is never counted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RankingResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const MODEL = 'llama3.2:1b';
const SHOTS = mkdtempSync(join(tmpdir(), 'kmm-try-'));
console.log(`[e2e] try screenshots in ${SHOTS}`);

describe.skipIf(!hasChromium)('the Try view', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const counted = async () => (await stack.get<RankingResult>('/api/usage/ranking')).models.find((m) => m.model === MODEL)?.count ?? 0;
  const send = () => page.getByRole('button', { name: 'Send' });

  beforeAll(async () => {
    // Tokens 30 ms apart: slow enough to watch the stream and to stop it.
    stack = await startStack({ sim: { ollama: { tokenIntervalMs: 30 } } });
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}#/try`);
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    await page.locator(`select[name=try_model] option[value="${MODEL}"]`).waitFor({ state: 'attached' });
    await page.locator('select[name=try_model]').selectOption(MODEL);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('will not send a blank prompt', async () => {
    const box = page.locator('textarea[name=prompt]');
    await box.fill('   \n ');
    expect(await send().isDisabled()).toBe(true);
    await box.press('Control+Enter');
    await page.waitForTimeout(200);
    expect(await page.locator('[data-test=chat] .turn').count()).toBe(0);
    expect(await counted()).toBe(0);
  });

  it('streams the answer token by token over the REST API, then shows the metrics', async () => {
    expect(await page.getByText('streamed', { exact: true }).count()).toBe(1);
    // Count how often the answer's text changes before it is done.
    await page.evaluate(() => {
      const w = globalThis as unknown as { __updates: number; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void }; document: { querySelector(s: string): unknown } };
      w.__updates = 0;
      new w.MutationObserver(() => void w.__updates++).observe(w.document.querySelector('[data-test=chat]'), { subtree: true, characterData: true, childList: true });
    });
    await page.locator('summary', { hasText: 'System prompt' }).click();
    await page.locator('textarea[name=system]').fill('You answer operators of GPU clusters.');
    await page.locator('input[name=temperature]').fill('0.2');
    await page.locator('textarea[name=prompt]').fill('What is a GPU?');
    await send().click();
    await page.getByTestId('metrics').waitFor({ timeout: 20_000 });
    const updates = await page.evaluate(() => (globalThis as unknown as { __updates: number }).__updates);
    expect(updates).toBeGreaterThan(5);
    expect((await page.getByTestId('answer').textContent())!.trim().length).toBeGreaterThan(10);
    expect(await page.getByTestId('tokens-per-second').textContent()).toMatch(/^\d+(\.\d)? tokens\/s$/);
    await expect.poll(counted).toBe(1);
  });

  it('keeps the conversation: the next question is asked with the turns before it', async () => {
    const firstPrompt = Number(/prompt (\d+) tokens/.exec((await page.getByTestId('metrics').textContent())!)![1]);
    await page.locator('textarea[name=prompt]').fill('And how much memory does it have?');
    await page.locator('textarea[name=prompt]').press('Control+Enter');
    await expect.poll(() => page.locator('[data-test=chat] .turn').count()).toBe(4);
    await expect.poll(async () => page.locator('[data-test=chat] .turn.assistant [data-test=metrics]').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await page.locator('[data-test=chat] .turn.assistant .metrics').count()), { timeout: 20_000 }).toBe(2);
    const secondPrompt = Number(/prompt (\d+) tokens/.exec((await page.getByTestId('metrics').textContent())!)![1]);
    expect(secondPrompt).toBeGreaterThan(firstPrompt + 10);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `try-chat-${scheme}-1440x900.png`) });
    }
    await page.setViewportSize({ width: 900, height: 700 });
    await page.screenshot({ path: join(SHOTS, 'try-chat-dark-900x700.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('Stop ends a running answer where it is, and Ollama sees the client leave', async () => {
    const cancelledBefore = stack.sim.ollama.state.cancelledStreams.get(MODEL) ?? 0;
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.locator('textarea[name=prompt]').fill('Tell me a very long story about GPUs and their memory.');
    await send().click();
    await expect.poll(async () => ((await page.getByTestId('answer').textContent()) ?? '').length).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByTestId('metrics').filter({ hasText: 'stopped' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => stack.sim.ollama.state.cancelledStreams.get(MODEL) ?? 0).toBe(cancelledBefore + 1);
    expect(await send().isDisabled()).toBe(true); // the box is empty again
  });
});
