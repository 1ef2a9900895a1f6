// The desktop window keeps to the app: a navigation away, a window.open and an IPC call from
// a frame that is not the app's main frame are refused; permission requests are denied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DesktopApp } from '../electron/client.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium } from '../e2e/browser.ts';
import { buildDesktop, type DesktopBuild } from './build.ts';
import { launch, makeHome, type Home } from './harness.ts';

describe.skipIf(!hasChromium)('the desktop window keeps to the app', { timeout: 30_000 }, () => {
  let build: DesktopBuild;
  let sim: SimCluster;
  let home: Home;
  let app: DesktopApp;
  let page: Page;
  let appUrl: string;

  beforeAll(async () => {
    [build, sim] = await Promise.all([buildDesktop(), startSimCluster({})]);
    home = makeHome();
    sim.kube.writeKubeconfig(home.kubeconfig);
    app = await launch(build, home);
    page = await app.page();
    appUrl = page.url();
    await page.getByTestId('gpu-total').waitFor();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    home?.remove();
    build?.remove();
  });

  it('refuses a navigation away from the app', async () => {
    await page.evaluate("location.href = 'https://example.com/phish'");
    const s = await app.waitFor('will-navigate', (st) => st.records.find((r) => r.kind === 'webContents.will-navigate' && r.url === 'https://example.com/phish'));
    expect(s.prevented).toBe(true);
    await page.waitForTimeout(300);
    expect(page.url()).toBe(appUrl);
    expect(await page.getByTestId('gpu-total').count()).toBe(1);
  });

  it('refuses window.open and links that open a new window', async () => {
    // Page code, as text: these tests are typed without the DOM.
    expect(await page.evaluate("window.open('https://example.com/popup')")).toBeNull();
    await page.evaluate(`{
      const a = document.createElement('a');
      a.href = 'https://example.com/blank';
      a.target = '_blank';
      a.id = 'kmm-test-link';
      a.textContent = 'x';
      document.body.append(a);
    }`);
    await page.click('#kmm-test-link');
    const s = await app.waitFor('both window-open decisions', (st) => {
      const asked = st.records.filter((r) => r.kind === 'webContents.window-open');
      return asked.length >= 2 && st;
    });
    const asked = s.records.filter((r) => r.kind === 'webContents.window-open');
    expect(asked.map((r) => [r.url, r.action])).toEqual([
      ['https://example.com/popup', 'deny'],
      ['https://example.com/blank', 'deny'],
    ]);
    expect(s.windows.filter((w) => !w.destroyed)).toHaveLength(1);
  });

  it('refuses IPC from a sub-frame; answers the main frame', async () => {
    const binding = (await app.state()).windows[0]!.ipcBinding;
    // The app's own pages cannot be framed (the CSP's frame-ancestors 'none'): a frame is foreign.
    await page.evaluate(`{
      const f = document.createElement('iframe');
      f.srcdoc = '<p>foreign</p>';
      f.name = 'foreign';
      document.body.append(f);
    }`);
    for (const [name, url] of [['foreign', 'about:srcdoc']] as const) {
      await expect.poll(() => page.frame({ name })?.url()).toBe(url);
      // A hostile sub-frame calls the raw IPC channel itself (the preload runs in the main frame only).
      const answer = (await page.frame({ name })!.evaluate(([b]) => (globalThis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[b!]!('invoke', 'invoke', ['gpuStatus', {}]), [binding])) as { ok: boolean };
      expect(answer.ok).toBe(true); // the channel answered: the app's handler did the refusing
      const seen = (await app.state()).records.findLast((r) => r.kind === 'ipc.invoke' && r.isMainFrame === false);
      expect(seen?.url).toBe(url);
      expect(seen?.value).toMatchObject({ ok: false, error: { status: 403 } });
    }
    // The same operation from the app's own page goes through.
    const fromMain = await page.evaluate(() => (globalThis as unknown as { modelManager: { invoke(n: string, i: object): Promise<{ success: boolean }> } }).modelManager.invoke('gpuStatus', {}));
    expect(fromMain.success).toBe(true);
  });

  it("the CSP header from session.webRequest reaches the page: frame-ancestors 'none' (a header-only directive) keeps the app out of frames", async () => {
    await page.evaluate(`{
      const f = document.createElement('iframe');
      f.src = ${JSON.stringify(`${appUrl}?framed`)};
      f.name = 'framed-app';
      document.body.append(f);
    }`);
    // Chromium replaces a frame its CSP refuses with an error page; a meta tag cannot do this.
    await expect.poll(() => page.frame({ name: 'framed-app' })?.url()).toBe('chrome-error://chromewebdata/');
  });

  it('denies permission requests and checks', async () => {
    expect(await app.post('/permission', { permission: 'notifications' })).toEqual({ granted: false, check: false });
    expect(await app.post('/permission', { permission: 'media' })).toEqual({ granted: false, check: false });
  });
});
