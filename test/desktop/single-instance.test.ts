// A second launch of the desktop app focuses the running window and exits; the first keeps
// the single-instance lock (Electron's requestSingleInstanceLock, the stand-in's lock file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopApp } from '../electron/client.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium } from '../e2e/browser.ts';
import { buildDesktop, type DesktopBuild } from './build.ts';
import { launch, makeHome, type Home } from './harness.ts';

describe.skipIf(!hasChromium)('a second launch', { timeout: 30_000 }, () => {
  let build: DesktopBuild;
  let sim: SimCluster;
  let h: Home;
  const apps: DesktopApp[] = [];
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

});
