// The test side of the stand-in: starts the desktop app (the built main) in a Node process
// with `electron` mapped to the stand-in, reads its records and acts as the user would
// (control.ts), and drives its Chromium window with playwright over the DevTools port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const REGISTER = new URL('./register.ts', import.meta.url).pathname;

export interface StandinState {
  pid: number;
  ready: boolean;
  hasLock: boolean;
  cdpUrl: string | null;
  profileDir: string | null;
  windows: { id: number; ipcBinding: string; loaded: boolean; url: string; title: string; visible: boolean; focused: boolean; destroyed: boolean; shows: number; focuses: number; options: Record<string, unknown> }[];
  trays: { tooltip: string; title: string; destroyed: boolean; menu: { label: string; type: string; checked: boolean; enabled: boolean }[] | null; tooltips: string[] }[];
  records: { at: number; kind: string; [k: string]: unknown }[];
}

export interface DesktopApp {
  pid: number;
  state(): Promise<StandinState>;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  /** The page of the app's first window, driven over CDP. */
  page(): Promise<Page>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  output(): string;
  /** Every record so far, from the file the process appends to (readable after it exited). */
  records(): StandinState['records'];
  /** Waits until `test` holds for the state (polls). */
  waitFor<T>(what: string, test: (s: StandinState) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
  /** SIGKILL, for an app that refuses to quit. */
  kill(): Promise<void>;
}

export interface LaunchOptions {
  mainEntry: string;
  env: NodeJS.ProcessEnv;
  args?: string[];
  /** Resolve once the process wrote its control address (default), or return at once. */
}

export async function launchDesktop(opts: LaunchOptions): Promise<DesktopApp> {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-standin-ctl-'));
  const controlFile = join(dir, 'control.json');
  const recordsFile = join(dir, 'records.jsonl');
  const child: ChildProcess = spawn(process.execPath, ['--import', REGISTER, opts.mainEntry, ...(opts.args ?? [])], {
    env: { ...opts.env, ELECTRON_STANDIN_CONTROL: controlFile, ELECTRON_STANDIN_RECORDS: recordsFile, ELECTRON_STANDIN_EXIT_WITH_STDIN: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  const started = Date.now();
  while (!existsSync(controlFile) || !readFileSync(controlFile, 'utf8')) {
    if (done) break;
    if (Date.now() - started > 20_000) throw new Error(`the app did not start in 20 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 30));
  }
  const url = done ? null : (JSON.parse(readFileSync(controlFile, 'utf8')) as { url: string }).url;
  let cdp: Browser | null = null;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    if (!url) throw new Error(`the app exited before it started:\n${out}`);
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${json.error}`);
    return json;
  };
  const app: DesktopApp = {
    pid: child.pid!,
    state: () => call<StandinState>('GET', '/state'),
    post: (path, body) => call('POST', path, body ?? {}),
    get: (path) => call('GET', path),
    exited,
    output: () => out,
    records: () =>
      existsSync(recordsFile)
        ? readFileSync(recordsFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
    async waitFor(what, test, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      let last: StandinState | null = null;
      for (;;) {
        if (done) throw new Error(`the app exited while waiting for ${what}:\n${out}`);
        last = await app.state();
        const v = test(last);
        if (v) return v;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify({ windows: last.windows, trays: last.trays }, null, 1)}\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async page() {
      // Loaded: its first load event has fired (and with it ready-to-show).
      const s: StandinState = await app.waitFor('a loaded window', (st) => (st.cdpUrl && st.windows.some((w) => !w.destroyed && w.loaded && w.url.startsWith('file:')) ? st : null));
      cdp ??= await chromium.connectOverCDP(s.cdpUrl!);
      const want = s.windows.find((w) => !w.destroyed && w.loaded && w.url.startsWith('file:'))!.url;
      // The page may have moved on within its document (a hash route) since the state was read.
      const doc = (url: string) => url.split('#')[0];
      const page = cdp.contexts().flatMap((c) => c.pages()).find((p) => doc(p.url()) === doc(want));
      if (!page) throw new Error(`no page at ${want}`);
      return page;
    },
    async kill() {
      await cdp?.close().catch(() => {});
      cdp = null;
      const profile = done ? null : (await app.state().catch(() => null))?.profileDir;
      if (!done) child.kill('SIGKILL');
      await exited;
      // Its Chromium goes with it (playwright's pipe closes); its profile is left to remove.
      if (profile) rmSync(profile, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
    async close() {
      await cdp?.close().catch(() => {});
      if (!done) {
        await app.post('/app/quit').catch(() => {});
        const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}
