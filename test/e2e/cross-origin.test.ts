// A page on another origin, written for the original server (which answered every origin),
// calling the seed's routes from real Chromium: it works once the operator allows that
// origin (`serve --allow-origin`), still with the token, and is refused by the browser when
// the origin is not allowed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServe as serveProcess, type ServeProcess } from '../rest/serve-process.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';

const TOKEN = 'cross-origin-e2e-token-5d2e8f';

const startServe = (kubeconfig: string, dir: string, args: string[]) => serveProcess(['--kubeconfig', kubeconfig, '--config-dir', dir, ...args], { MODEL_MANAGER_TOKEN: TOKEN });

describe.skipIf(!hasChromium)('a page on another origin calling the seed routes', { timeout: 60_000 }, () => {
  let sim: SimCluster;
  let dir: string;
  let pageServer: Server;
  let pageOrigin: string;
  let allowing: ServeProcess;
  let refusing: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sim = await startSimCluster();
    dir = mkdtempSync(join(tmpdir(), 'kmm-cors-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await sim.kube.writeKubeconfig(kubeconfig);
    // The page a team's dashboard would be: plain HTML on its own origin.
    pageServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>dashboard</title>'));
    await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    [allowing, refusing] = await Promise.all([
      startServe(kubeconfig, join(dir, 'a'), ['--allow-origin', pageOrigin]),
      startServe(kubeconfig, join(dir, 'b'), []),
    ]);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${pageOrigin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowing?.kill(), refusing?.kill()]);
    await new Promise((r) => (pageServer ? pageServer.close(r) : r(null)));
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What the page's script gets from fetch: the status and body, or the browser's refusal. */
  const fetchFromPage = (url: string, init: { method?: string; body?: string; token?: boolean }) =>
    page.evaluate(
      async ({ url, init, token }) => {
        try {
          const headers: Record<string, string> = {};
          if (init.token !== false) headers.Authorization = `Bearer ${token}`;
          if (init.body) headers['Content-Type'] = 'application/json';
          const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body ? { body: init.body } : {}) });
          return { status: res.status, body: await res.json() };
        } catch (err) {
          return { refused: String(err) };
        }
      },
      { url, init, token: TOKEN },
    );

  it('reads GPU status and tracks an external model once the origin is allowed', async () => {
    const gpu = await fetchFromPage(`${allowing.url.origin}/api/gpu/status`, {});
    expect(gpu).toMatchObject({ status: 200, body: { success: true, gpu_info: { gpu_count: expect.any(Number) } } });
    const track = await fetchFromPage(`${allowing.url.origin}/api/usage/track`, { method: 'POST', body: JSON.stringify({ model: 'Llama 2 7B' }) });
    expect(track).toMatchObject({ status: 200, body: { success: true, model: 'Llama 2 7B', count: 1 } });
    const again = await fetchFromPage(`${allowing.url.origin}/api/usage/track`, { method: 'POST', body: JSON.stringify({ model: 'Llama 2 7B' }) });
    expect(again).toMatchObject({ status: 200, body: { count: 2 } });
  });

  it('still needs the token from an allowed origin', async () => {
    const r = await fetchFromPage(`${allowing.url.origin}/api/deployments`, { token: false });
    expect(r).toMatchObject({ status: 401, body: { success: false } });
  });

  it('is refused by the browser where the origin is not allowed (the default)', async () => {
    // Chromium logs each refusal as a console error: expected here (browser.ts fails a test on any other).
    browser.expectConsoleErrors(/has been blocked by CORS policy/, /^Failed to load resource: net::ERR_FAILED$/);
    const r = await fetchFromPage(`${refusing.url.origin}/api/gpu/status`, {});
    expect(r).toEqual({ refused: expect.stringContaining('Failed to fetch') });
    const post = await fetchFromPage(`${refusing.url.origin}/api/usage/track`, { method: 'POST', body: JSON.stringify({ model: 'x' }) });
    expect(post).toEqual({ refused: expect.stringContaining('Failed to fetch') });
  });
});
