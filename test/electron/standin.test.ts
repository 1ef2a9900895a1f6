// The Electron stand-in against Electron's documented behaviour, with a minimal main and
// preload of its own (fixtures/): what crosses IPC is structured-cloned both ways, the
// context bridge copies and freezes, a sandboxed preload's require is limited, handlers'
// errors reach the page, the single-instance lock holds across processes and before-quit
// can cancel a quit.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../e2e/browser.ts';
import { launchDesktop, type DesktopApp } from './client.ts';

const MAIN = join(import.meta.dirname, 'fixtures', 'echo-main.ts');

describe.skipIf(!hasChromium)('the Electron stand-in', { timeout: 30_000 }, () => {
  let home: string;
  let app: DesktopApp;
  let page: Page;
  const env = () => ({ PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
  // Page code as text (these tests are typed without the DOM).
  const run = <T>(code: string) => page.evaluate(code) as Promise<T>;
  // The bridge refuses an argument at the call (synchronously), IPC by rejecting: both count.
  const settle = (call: string) => run<{ ok: boolean; value: unknown }>(`(async () => ${call})().then((value) => ({ ok: true, value }), (e) => ({ ok: false, value: e.message }))`);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kmm-standin-'));
    app = await launchDesktop({ mainEntry: MAIN, env: env() });
    page = await app.page();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs the preload sandboxed: electron is there, Node modules are not', async () => {
    expect(await run('window.api.fsRequire')).toBe('module not found: fs');
    expect(await run('window.api.hasProcess')).toBe(true);
    expect(await run('typeof require')).toBe('undefined');
    // The exposed API is a frozen copy; it cannot be replaced.
    expect(await run('Object.isFrozen(window.api)')).toBe(true);
    expect(await run("(() => { try { window.api = 1 } catch {} return typeof window.api })()")).toBe('object');
  });

  it('structured-clones arguments: plain data, Maps and Dates pass; Proxies and functions are refused', async () => {
    expect(await settle("window.api.echo({ a: [1, 'x'], m: new Map([[1, 2]]), d: new Date(5) }).then((v) => [v.a, v.m instanceof Map && v.m.get(1), v.d instanceof Date && v.d.getTime()])")).toEqual({ ok: true, value: [[1, 'x'], 2, 5] });
    expect(await settle('window.api.echo(new Proxy({ a: 1 }, {}))')).toEqual({ ok: false, value: 'An object could not be cloned.' });
    expect(await settle('window.api.echo({ nested: new Proxy([1, 2], {}) })')).toEqual({ ok: false, value: 'An object could not be cloned.' });
    expect(await settle('window.api.echo({ f() {} })')).toEqual({ ok: false, value: 'An object could not be cloned.' });
    // A class instance arrives as its own properties, without its prototype.
    expect(await settle('window.api.echo(new (class Point { constructor() { this.x = 1 } })()).then((v) => [v.x, v.constructor === Object])')).toEqual({ ok: true, value: [1, true] });
    // Functions given to the bridge are proxied to the preload's world.
    expect(await run('window.api.call((n) => n * 2)')).toBe(42);
  });

  it('structured-clones answers and events from main too', async () => {
    expect(await settle('window.api.giveFunction()')).toMatchObject({ ok: false, value: expect.stringContaining('An object could not be cloned.') });
    expect(await settle('window.api.throws()')).toEqual({ ok: false, value: "Error invoking remote method 'throws': Error: handler failed" });
    await run("window.api.ping('date')");
    await run("window.api.ping('function')");
    await expect.poll(() => run<unknown[]>('window.api.pongs().map((p) => (p && p.at instanceof Date ? p.kind : p))')).toEqual(['date', 'main refused: An object could not be cloned.']);
  });

  it('gives handlers the sender frame', async () => {
    expect(await run('window.api.sender()')).toEqual({ url: page.url(), top: true });
  });

  it('holds the single-instance lock across processes; before-quit can cancel a quit', async () => {
    const second = await launchDesktop({ mainEntry: MAIN, env: env() });
    expect(await second.exited).toBe(0);
    await app.waitFor('second-instance', (s) => s.records.some((r) => r.kind === 'app.second-instance'));

    const refusing = await launchDesktop({ mainEntry: MAIN, env: { ...env(), XDG_CONFIG_HOME: join(home, 'other'), REFUSE_QUIT: '1' } });
    await refusing.page();
    await refusing.post('/app/quit');
    await new Promise((r) => setTimeout(r, 300));
    const s = await refusing.state();
    expect(s.records.filter((r) => r.kind === 'app.quit')).toHaveLength(1);
    expect(s.windows.filter((w) => !w.destroyed)).toHaveLength(1); // still running, window and all
    await refusing.kill();
  });
});
