// Chromium's EventSource reads the gzip'd event stream (it sends Accept-Encoding: gzip) and gets
// each event as it is sent, deployment deltas with their id: what the renderer consumes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus } from '../../main/core/events.ts';
import { startRestServer } from '../../main/rest/server.ts';
import { fakeHandlers } from '../rest/helpers.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';

const events = new EventBus();
let server: Awaited<ReturnType<typeof startRestServer>>;
let browser: Browser;

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'kmm-sse-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><title>events</title>');
  server = await startRestServer({ port: 0, getHandlers: () => fakeHandlers().handlers, events, token: 'sse-gzip-token-0123456789abcdef0123', staticDir });
  if (hasChromium) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it.skipIf(!hasChromium)('EventSource in Chromium reads the gzip stream: each delta as it is sent, with its epoch.seq id', async () => {
  let encoding: string | undefined;
  const page = await browser.context.newPage();
  page.on('response', (r) => {
    if (r.url().endsWith('/api/events')) encoding = r.headers()['content-encoding'];
  });
  await page.goto(server.loginUrl());
  await page.evaluate(() => {
    const w = globalThis as unknown as { got: { id: string; seq: number }[]; open: boolean };
    w.got = [];
    const es = new EventSource('/api/events');
    es.onopen = () => (w.open = true);
    es.addEventListener('deploymentsChanged', (e) => w.got.push({ id: (e as MessageEvent).lastEventId, seq: JSON.parse((e as MessageEvent).data).seq }));
  });
  await page.waitForFunction(() => (globalThis as unknown as { open?: boolean }).open === true);
  const epoch = '5a3b2c1d-0000-4000-8000-000000000001';
  events.emit('deploymentsChanged', { epoch, seq: 1, upserts: [], deletes: [{ namespace: 'ns', name: 'a' }] });
  await page.waitForFunction(() => (globalThis as unknown as { got: unknown[] }).got.length === 1);
  events.emit('deploymentsChanged', { epoch, seq: 2, upserts: [], deletes: [{ namespace: 'ns', name: 'b' }] });
  await page.waitForFunction(() => (globalThis as unknown as { got: unknown[] }).got.length === 2);
  const got = await page.evaluate(() => (globalThis as unknown as { got: unknown[] }).got);
  expect(got).toEqual([
    { id: `${epoch}.1`, seq: 1 },
    { id: `${epoch}.2`, seq: 2 },
  ]);
  expect(encoding).toBe('gzip');
  browser.assertNoConsoleErrors();
  await page.close();
}, 60_000);
