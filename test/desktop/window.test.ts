// The desktop app as a whole (the built main, preload and renderer) against the simulated
// cluster, with Electron replaced by the test world's stand-in: the window shows the
// cluster, a deploy and Settings go over the bridge, the tray follows VRAM and switches the
// REST API.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DesktopApp } from '../electron/client.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium } from '../e2e/browser.ts';
import { buildDesktop, type DesktopBuild } from './build.ts';
import { launch, makeHome, openView, type Home } from './harness.ts';

const DEPLOY_MODEL = 'llama3.2:1b';
const DEPLOY_NAME = 'desktop-llama';

describe.skipIf(!hasChromium)('the desktop app against the simulated cluster', { timeout: 30_000 }, () => {
  let build: DesktopBuild;
  let sim: SimCluster;
  let home: Home;
  let app: DesktopApp;
  let page: Page;

  beforeAll(async () => {
    [build, sim] = await Promise.all([buildDesktop(), startSimCluster({})]);
    home = makeHome();
    sim.kube.writeKubeconfig(home.kubeconfig);
    app = await launch(build, home);
    page = await app.page();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    home?.remove();
    build?.remove();
  });

  it('opens one window with the real preload, the security settings and the CSP header', async () => {
    const s = await app.state();
    const win = s.windows.find((w) => !w.destroyed)!;
    expect(win.visible).toBe(true);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: join(build.dir, 'preload', 'index.cjs') });
    // The preload ran: the bridge is there, and only the bridge.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { modelManager: object }).modelManager).sort())).toEqual(['invoke', 'on']);
    const doc = s.records.find((r) => r.kind === 'webRequest.headers' && String(r.url).endsWith('/renderer/index.html'));
    expect((doc?.headers as Record<string, string>)['Content-Security-Policy']).toContain("script-src 'self'");
    expect(s.records.filter((r) => r.kind === 'preload-error' || r.kind === 'pageerror')).toEqual([]);
  });

  it('shows the GPU figures and the deployments of the cluster, read over IPC', async () => {
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor();
    await page.getByTestId('gpu-total').waitFor();
    const s = await app.state();
    const answer = s.records.findLast((r) => r.kind === 'ipc.invoke' && (r.args as unknown[])[0] === 'gpuStatus' && r.ok) as { isMainFrame: boolean; value: { value: { gpu_info: { total_vram_gb: number; gpu_count: number } } } } | undefined;
    expect(answer?.isMainFrame).toBe(true);
    const g = answer!.value.value.gpu_info;
    expect(g.total_vram_gb).toBeGreaterThan(0);
    expect(await page.getByTestId('gpu-count').textContent()).toBe(String(g.gpu_count));
    expect(await page.getByTestId('gpu-total').textContent()).toContain(g.total_vram_gb.toFixed(1));
    // Every workload of the cluster, once the list shows them all (model servers only by default).
    await page.locator('input[name=show_all]').check();
    const listed = (await app.state()).records.findLast((r) => r.kind === 'ipc.invoke' && (r.args as unknown[])[0] === 'listDeployments' && r.ok) as { value: { value: { models: { name: string; namespace: string }[] } } } | undefined;
    const models = listed!.value.value.models;
    expect(models.length).toBeGreaterThan(1);
    const inSim = new Set(sim.kube.store.list('Deployment').map((d) => `${(d.metadata as { namespace: string }).namespace}/${(d.metadata as { name: string }).name}`));
    for (const d of models) {
      expect(inSim.has(`${d.namespace}/${d.name}`)).toBe(true);
      await page.locator(`[data-test=deployments] tr[data-namespace="${d.namespace}"][data-name="${d.name}"]`).waitFor({ timeout: 5_000 });
    }
    await page.locator('input[name=show_all]').uncheck();
  });

  it('deploys a model from the form over the bridge, and the tray follows the VRAM', async () => {
    const before = (await app.state()).trays[0]!;
    expect(before.tooltip).toMatch(/GPUs?: .* allocated/);
    const form = page.locator('form.deploy-form');
    await form.locator('input[name=model_id]').fill(DEPLOY_MODEL);
    await form.getByTestId('estimate').waitFor();
    await form.locator('input[name=deployment_name]').fill(DEPLOY_NAME);
    await form.getByRole('button', { name: 'Deploy' }).click();
    await form.getByTestId('deploy-done').waitFor({ timeout: 10_000 });
    const created = sim.kube.store.list('Deployment').find((d) => (d.metadata as { name: string }).name === DEPLOY_NAME);
    expect(created).toBeDefined();
    const s = await app.state();
    const deployCall = s.records.find((r) => r.kind === 'ipc.invoke' && (r.args as unknown[])[0] === 'deploy');
    expect((deployCall?.args as unknown[])[1]).toMatchObject({ model_id: DEPLOY_MODEL, deployment_name: DEPLOY_NAME });
    expect((deployCall?.value as { ok: boolean }).ok).toBe(true);
    // The deployment's pod reserves VRAM: the tray's tooltip and first menu line change.
    const after = await app.waitFor('the tray to show the new allocation', (st) => {
      const t = st.trays[0]!;
      return t.tooltip !== before.tooltip && t.menu?.[0]?.label !== before.menu?.[0]?.label && t;
    });
    // The core's events reach the window over webContents.send.
    expect(after && (await app.state()).records.some((r) => r.kind === 'webContents.send' && r.channel === 'event:clusterChanged')).toBe(true);
    const allocated = (text: string) => Number(/(\d+(?:\.\d+)?) of/.exec(text)?.[1]);
    expect(allocated(after.tooltip)).toBeGreaterThan(allocated(before.tooltip));
    // A line per GPU node in the menu, as the cluster has them.
    const nodes = (s.records.findLast((r) => r.kind === 'ipc.invoke' && (r.args as unknown[])[0] === 'gpuStatus' && r.ok) as unknown as { value: { value: { gpu_info: { nodes: { name: string }[] } } } }).value.value.gpu_info.nodes;
    for (const n of nodes.slice(0, 8)) expect(after.menu?.some((i) => i.label.startsWith(`${n.name}: `))).toBe(true);
    // Once its model is pulled in its pod, the deployment is ready, and the desktop says so.
    await app.waitFor('the ready notification', (st) => st.records.find((r) => r.kind === 'Notification.show' && r.title === `model-hosting/${DEPLOY_NAME} is ready`), 20_000);
  });

  it('saves Settings over the bridge (plain data, not a Vue Proxy)', async () => {
    await openView(page, 'Settings');
    const image = page.locator('input[name=deployImage]');
    await expect.poll(() => image.inputValue()).not.toBe('');
    await image.fill('ollama/ollama:0.12.6');
    await page.getByRole('button', { name: 'Save' }).click();
    // Saved, or the error the bridge gave (Electron's "An object could not be cloned." for a Proxy).
    const settingsForm = page.locator('form.settings');
    const outcome = settingsForm.getByRole('status').or(settingsForm.getByRole('alert')).first();
    await outcome.waitFor({ timeout: 5_000 });
    expect(await outcome.textContent()).toBe('Saved.');
    const saved = JSON.parse(readFileSync(join(home.userData, 'settings.json'), 'utf8'));
    expect(saved.deployImage).toBe('ollama/ollama:0.12.6');
  });

  it('switches the REST API on and off from the tray menu; it answers while on', async () => {
    const item = await app.post<{ label: string; checked: boolean }>('/tray/menu', { label: 'REST API' });
    expect(item.checked).toBe(true);
    const on = await app.waitFor('the REST API to start', (s) => s.trays[0]!.menu?.find((i) => i.label.startsWith('REST API on http://127.0.0.1:')));
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(on.label)![1]!;
    // Without the token it answers 401; the login URL (copied from the menu) lets a script in.
    expect((await fetch(`${url}/api/gpu/status`)).status).toBe(401);
    await app.post('/tray/menu', { label: 'Copy REST login URL' });
    const { text } = await app.get<{ text: string }>('/clipboard');
    // The login URL's one-time code opens a session, as a browser following it would.
    const login = await fetch(text, { redirect: 'manual' });
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0];
    expect(cookie).toBeTruthy();
    const health = await fetch(`${url}/api/gpu/status`, { headers: { Cookie: cookie! } });
    expect(health.status).toBe(200);
    expect(JSON.parse(readFileSync(join(home.userData, 'settings.json'), 'utf8')).restEnabled).toBe(true);

    const off = await app.post<{ checked: boolean }>('/tray/menu', { label: 'REST API' });
    expect(off.checked).toBe(false);
    await app.waitFor('the REST API to stop', (s) => s.trays[0]!.menu?.find((i) => i.label.startsWith('REST API (port')));
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });

  it('logged no console error, page error or CSP violation in the window', async () => {
    const s = await app.state();
    expect(s.records.filter((r) => (r.kind === 'console' && r.type === 'error') || r.kind === 'pageerror' || r.kind === 'preload-error')).toEqual([]);
  });

  it('quits from the tray menu: the process exits 0 and lets go of the single-instance lock', async () => {
    expect(existsSync(join(home.userData, 'SingletonLock'))).toBe(true);
    await app.post('/tray/menu', { label: 'Quit' });
    expect(await app.exited).toBe(0);
    expect(existsSync(join(home.userData, 'SingletonLock'))).toBe(false);
    expect(app.output()).not.toMatch(/UnhandledPromiseRejection/);
  });
});
