// The Chromium behind every stand-in BrowserWindow: Debian's, driven by playwright-core, one
// per app process (as Electron has one browser process), with a DevTools port so that a test
// can drive the same pages (control.ts reports it). Flags as test/e2e/browser.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.ELECTRON_STANDIN_CHROMIUM ?? '/usr/bin/chromium';

interface Running {
  context: BrowserContext;
  cdpUrl: string;
  profile: string;
  spare: boolean;
}

let running: Promise<Running> | null = null;

export function browser(): Promise<Running> {
  running ??= (async () => {
    const profile = mkdtempSync(join(tmpdir(), 'kmm-standin-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0'],
    });
    const port = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
    return { context, cdpUrl: `http://127.0.0.1:${port}`, profile, spare: true };
  })();
  return running;
}

export async function cdpUrl(): Promise<string | null> {
  return running ? (await running).cdpUrl : null;
}

/** The profile folder, so that a test that kills the process can remove it. */
export async function profileDir(): Promise<string | null> {
  return running ? (await running).profile : null;
}

/** The page for a new window: the persistent context's first tab, then new ones. */
export async function newPage() {
  const r = await browser();
  const first = r.context.pages()[0];
  if (r.spare && first) {
    r.spare = false;
    return first;
  }
  return r.context.newPage();
}

export async function closeBrowser(): Promise<void> {
  if (!running) return;
  const r = await running.catch(() => null);
  running = null;
  if (!r) return;
  await r.context.close().catch(() => {});
  rmSync(r.profile, { recursive: true, force: true });
}
