// Start-up failures are shown, not swallowed: with no kubeconfig or an unreachable cluster
// the app opens its window, says what is wrong and what to do, keeps the tray consistent and
// holds its single-instance lock visibly (a second launch and a broken exec plugin:
// lifecycle.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopApp } from '../electron/client.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { hasChromium } from '../e2e/browser.ts';
import { buildDesktop, type DesktopBuild } from './build.ts';
import { launch, makeHome, type Home } from './harness.ts';

describe.skipIf(!hasChromium)('desktop start-up', { timeout: 30_000 }, () => {
  let build: DesktopBuild;
  let sim: SimCluster;
  const homes: Home[] = [];
  const apps: DesktopApp[] = [];
  const home = () => {
    const h = makeHome();
    homes.push(h);
    return h;
  };
  const start = async (h: Home) => {
    const a = await launch(build, h);
    apps.push(a);
    return a;
  };

  beforeAll(async () => {
    [build, sim] = await Promise.all([buildDesktop(), startSimCluster({})]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await sim?.close();
    for (const h of homes) h.remove();
    build?.remove();
  });

  it('without a kubeconfig: a visible window says why and what to do; picking one connects', async () => {
    const h = home();
    const app = await start(h);
    const page = await app.page();
    const notice = page.getByTestId('startup-error');
    await notice.waitFor();
    expect(await notice.getByTestId('startup-reason').textContent()).toMatch(/no kubeconfig found/);
    const hints = await notice.getByTestId('startup-hints').textContent();
    expect(hints).toContain('Pick a kubeconfig');
    expect(hints).toContain('npm run demo');
    const s = await app.state();
    expect(s.hasLock).toBe(true);
    expect(s.windows.filter((w) => !w.destroyed && w.visible)).toHaveLength(1);
    expect(s.records.filter((r) => r.kind === 'process.unhandledRejection' || r.kind === 'dialog.showErrorBox')).toEqual([]);
    // The tray says the same, not a stale or empty figure.
    const tray = await app.waitFor('the tray to give the reason', (st) => st.trays[0]?.tooltip.includes('no kubeconfig found') && st.trays[0]);
    expect(tray.menu?.[0]?.label).toBe('GPU ?');

    // The operator picks the simulated cluster's kubeconfig in the file dialog.
    const file = join(h.dir, 'picked-kubeconfig');
    sim.kube.writeKubeconfig(file);
    await app.post('/dialog/answer', { type: 'openDialog', answer: [file] });
    await notice.getByRole('button', { name: 'Pick a kubeconfig…' }).click();
    await page.getByTestId('kube-status').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('gpu-total').waitFor();
    expect(await page.getByTestId('startup-error').count()).toBe(0);
    const picked = (await app.state()).records.find((r) => r.kind === 'dialog.showOpenDialog');
    expect((picked?.options as { properties: string[] }).properties).toContain('openFile');
    await app.waitFor('the tray to show the GPUs', (st) => /GPUs?: .* allocated/.test(st.trays[0]?.tooltip ?? '') && st);
  });

  it('an unreachable cluster: the window says the cluster cannot be reached and what to do', async () => {
    const h = home();
    writeFileSync(h.kubeconfig, sim.kube.kubeconfig().replace(/server: .*/, 'server: https://127.0.0.1:1'));
    const app = await start(h);
    const page = await app.page();
    const notice = page.getByTestId('cluster-unreachable');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toMatch(/unreachable|ECONNREFUSED|connect/i);
    expect(await notice.textContent()).toContain('npm run demo');
    await app.waitFor('the tray to say GPU status is unavailable', (st) => st.trays[0]?.tooltip.includes('GPU status unavailable') && st);
  });
});
