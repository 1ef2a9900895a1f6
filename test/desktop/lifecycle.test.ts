// The app process's life: a second launch focuses the running window and exits (the first
// keeps the single-instance lock: Electron's requestSingleInstanceLock, the stand-in's lock
// file); a shell that cannot start says so and exits rather than linger without a window;
// a broken exec plugin is named in the window.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopApp } from '../electron/client.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium } from '../e2e/browser.ts';
import { buildDesktop, type DesktopBuild } from './build.ts';
import { launch, makeHome, type Home } from './harness.ts';

describe.skipIf(!hasChromium)('the app process', { timeout: 30_000 }, () => {
  let build: DesktopBuild;
  let sim: SimCluster;
  let h: Home;
  const apps: DesktopApp[] = [];
  const homes: Home[] = [];
  const start = async (home: Home) => {
    const a = await launch(build, home);
    apps.push(a);
    return a;
  };

  beforeAll(async () => {
    [build, sim] = await Promise.all([buildDesktop(), startSimCluster({})]);
    h = makeHome();
    sim.kube.writeKubeconfig(h.kubeconfig);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await sim?.close();
    h?.remove();
    for (const x of homes) x.remove();
    build?.remove();
  });

  it('a second launch focuses the running window and exits', async () => {
    const first = await start(h);
    await first.page();
    // Closing the window hides it: the app stays in the tray.
    expect((await first.post<{ closed: boolean }>('/window/close')).closed).toBe(false);
    const hidden = await first.state();
    expect(hidden.windows.find((w) => !w.destroyed)?.visible).toBe(false);

    const second = await start(h);
    expect(await second.exited).toBe(0);
    const shown = await first.waitFor('the window to come back', (st) => st.windows.find((w) => !w.destroyed && w.visible && w.focused));
    expect(shown.focuses).toBeGreaterThan(hidden.windows.find((w) => !w.destroyed)!.focuses);
    expect((await first.state()).records.some((r) => r.kind === 'app.second-instance')).toBe(true);
    await first.close();
    expect(await first.exited).toBe(0);
  });


  it('a shell that cannot start (unreadable settings file) says so in an error box and exits, lock released', async () => {
    const h = makeHome();
    homes.push(h);
    sim.kube.writeKubeconfig(h.kubeconfig);
    mkdirSync(h.userData, { recursive: true });
    writeFileSync(join(h.userData, 'settings.json'), '{ "restPort": 80');
    const app = await start(h);
    expect(await app.exited).toBe(1);
    const box = app.records().find((r) => r.kind === 'dialog.showErrorBox');
    expect(box?.title).toBe('Kubernetes Model Manager cannot start');
    expect(String(box?.content)).toContain('settings.json');
    expect(existsSync(join(h.userData, 'SingletonLock'))).toBe(false);
  });

  it('a broken exec plugin: the window names the plugin failure', async () => {
    const h = makeHome();
    homes.push(h);
    writeFileSync(h.kubeconfig, sim.kube.kubeconfig({ auth: 'exec', execCommand: join(h.dir, 'no-such-plugin') }));
    const app = await start(h);
    const page = await app.page();
    const notice = page.getByTestId('cluster-unreachable').or(page.getByTestId('startup-error')).first();
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toMatch(/no-such-plugin|plugin/);
  });
});
