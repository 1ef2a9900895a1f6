// BrowserWindow and webContents on a real Chromium page, with the real preload:
// https://www.electronjs.org/docs/latest/api/browser-window,
// https://www.electronjs.org/docs/latest/api/web-contents
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Frame, Page, Route } from 'playwright-core';
import { app, preventable } from './app.ts';
import { newPage } from './chromium.ts';
import { ipcClone } from './clone.ts';
import { ipcMain } from './ipc-main.ts';
import { record } from './records.ts';
import { session, type HeadersDetails } from './session.ts';

const RUNTIME = readFileSync(new URL('./page-runtime.js', import.meta.url), 'utf8');
const WIRE_SOURCE = readFileSync(new URL('./wire.js', import.meta.url), 'utf8').replace(/^export function/gm, 'function');
/** The page/main codec (wire.js), the same text on both sides. */
const wire = new Function(`${WIRE_SOURCE}\nreturn { encode, decode };`)() as { encode(v: unknown): unknown; decode(v: unknown): unknown };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  [k: string]: unknown;
}

export interface WindowOpenDetails {
  url: string;
  frameName: string;
  features: string;
  disposition: string;
  referrer: { url: string; policy: string };
}
type WindowOpenHandler = (details: WindowOpenDetails) => { action: 'allow' | 'deny'; overrideBrowserWindowOptions?: Record<string, unknown> };

/** What `event.senderFrame` is: https://www.electronjs.org/docs/latest/api/web-frame-main */
export interface FrameInfo {
  url: string;
  origin: string;
  name: string;
  readonly top: FrameInfo | null;
  readonly parent: FrameInfo | null;
  isDestroyed(): boolean;
}

function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? 'file://' : u.origin;
  } catch {
    return 'null';
  }
}

function frameInfo(frame: Frame, page: Page): FrameInfo {
  const url = frame.url();
  return {
    url,
    origin: originOf(url),
    name: frame.name(),
    get top() {
      return frame === page.mainFrame() ? this : frameInfo(page.mainFrame(), page);
    },
    get parent() {
      const p = frame.parentFrame();
      return p ? frameInfo(p, page) : null;
    },
    isDestroyed: () => frame.isDetached(),
  };
}

let nextId = 1;
let requestId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextId++;
  readonly session = session.defaultSession;
  readonly #window: BrowserWindow;
  readonly #token = `__electronStandinDeliver_${randomBytes(6).toString('hex')}`;
  readonly #binding = `__electronStandinIpc_${randomBytes(6).toString('hex')}`;
  readonly page: Promise<Page>;
  /** The raw IPC channel's name in the page, for tests that play a hostile frame. */
  get ipcBinding(): string {
    return this.#binding;
  }
  #windowOpenHandler: WindowOpenHandler | null = null;
  /** The URL loadURL is loading: its navigation is not a `will-navigate` (the docs say so). */
  #programmatic: string | null = null;
  #destroyed = false;
  #url = '';
  #loadedOnce = false;

  constructor(win: BrowserWindow, prefs: WebPreferences) {
    super();
    this.#window = win;
    this.page = this.#setUp(prefs);
    this.page.catch((err) => record('webContents.error', { message: String(err) }));
  }

  async #setUp(prefs: WebPreferences): Promise<Page> {
    const page = await newPage();
    await page.exposeBinding(this.#binding, (source, kind: string, ...args: unknown[]) => this.#fromPage(source.frame, page, kind, args));
    const preloadSource = prefs.preload ? readFileSync(prefs.preload, 'utf8') : null;
    const cfg = {
      binding: this.#binding,
      token: this.#token,
      preloadPath: prefs.preload ?? null,
      subFrames: Boolean(prefs.nodeIntegrationInSubFrames),
      // Defaults since Electron 12 and 20: https://www.electronjs.org/docs/latest/tutorial/context-isolation
      contextIsolation: prefs.contextIsolation !== false,
      sandbox: prefs.sandbox !== false,
      platform: process.platform,
      versions: { electron: '45.0.0-standin', chrome: '', node: process.versions.node },
    };
    const preloadFn = preloadSource === null ? 'null' : `function (require, module, exports, process, global) {\n${preloadSource}\n}`;
    const wireInPage = `(function () {\n${WIRE_SOURCE}\nreturn { encode: encode, decode: decode };\n})()`;
    await page.addInitScript({ content: `${RUNTIME.trim()}(${JSON.stringify(cfg)}, ${preloadFn}, ${wireInPage});` });
    await page.route('**/*', (route) => this.#route(route, page));
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      this.#url = frame.url();
      // https://www.electronjs.org/docs/latest/api/web-contents#event-did-navigate
      this.emit('did-navigate', preventable(), this.#url);
      record('webContents.did-navigate', { id: this.id, url: this.#url });
    });
    page.on('load', () => {
      this.emit('did-finish-load');
      if (!this.#loadedOnce) {
        this.#loadedOnce = true;
        // https://www.electronjs.org/docs/latest/api/browser-window#event-ready-to-show
        this.#window.emit('ready-to-show');
      }
    });
    page.on('console', (m) => record('console', { windowId: this.#window.id, type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => record('pageerror', { windowId: this.#window.id, message: e.message }));
    // A link with target=_blank or a sub-frame's window.open opens a popup: the handler decides.
    page.on('popup', (popup) => void this.#popup(popup));
    return page;
  }

  async #fromPage(frame: Frame, page: Page, kind: string, args: unknown[]): Promise<unknown> {
    const senderFrame = frameInfo(frame, page);
    const isMainFrame = frame === page.mainFrame();
    if (kind === 'invoke' || kind === 'send') {
      const channel = String(args[0]);
      let values: unknown[];
      try {
        values = ipcClone((wire.decode(args[1]) ?? []) as unknown[]);
      } catch (err) {
        return { ok: false, error: String(err) };
      }
      // https://www.electronjs.org/docs/latest/api/structures/ipc-main-invoke-event
      const event = { type: 'frame', processId: 1, frameId: isMainFrame ? 1 : 2, sender: this, senderFrame };
      if (kind === 'send') {
        record('ipc.send', { channel, url: senderFrame.url, isMainFrame });
        ipcMain.emit(channel, { ...event, returnValue: undefined, reply: (ch: string, ...a: unknown[]) => this.send(ch, ...a) }, ...values);
        return undefined;
      }
      const handler = ipcMain.handlers.get(channel);
      if (!handler) return { ok: false, error: `Error: No handler registered for '${channel}'` };
      try {
        const value = await handler(event, ...values);
        // The answer crosses back by structured clone as well.
        const cloned = ipcClone(value);
        record('ipc.invoke', { channel, args: values, url: senderFrame.url, isMainFrame, ok: true, value: cloned });
        return { ok: true, value: wire.encode(cloned) };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        record('ipc.invoke', { channel, args: values, url: senderFrame.url, isMainFrame, ok: false, error: e.message });
        return { ok: false, error: `${e.name}: ${e.message}` };
      }
    }
    if (kind === 'window-open') {
      const [url, frameName, features] = args as string[];
      this.#windowOpen(new URL(url!, frame.url()).href, frameName ?? '', features ?? '');
      return undefined;
    }
    if (kind === 'preload-error') {
      record('preload-error', { windowId: this.#window.id, message: args[0] });
      return undefined;
    }
    return undefined;
  }

  /** Navigation checks (will-navigate, will-redirect) and the headers webRequest may change. */
  async #route(route: Route, page: Page): Promise<void> {
    const req = route.request();
    const url = req.url();
    let frame: Frame | null = null;
    try {
      frame = req.frame();
    } catch {
      frame = null;
    }
    const mainNavigation = req.isNavigationRequest() && frame === page.mainFrame();
    if (mainNavigation) {
      if (this.#programmatic === url) this.#programmatic = null;
      else {
        // https://www.electronjs.org/docs/latest/api/web-contents#event-will-navigate: a user
        // or the page starts a main-frame navigation; preventDefault stops it.
        const event = preventable();
        this.emit('will-navigate', event, url);
        this.emit('will-frame-navigate', event, url);
        record('webContents.will-navigate', { id: this.id, url, prevented: event.defaultPrevented });
        if (event.defaultPrevented) return route.abort('aborted');
      }
    } else if (req.isNavigationRequest()) {
      // https://www.electronjs.org/docs/latest/api/web-contents#event-will-frame-navigate
      const event = preventable();
      this.emit('will-frame-navigate', event, url);
      record('webContents.will-frame-navigate', { id: this.id, url, prevented: event.defaultPrevented });
      if (event.defaultPrevented) return route.abort('aborted');
    }

    let status = 200;
    let headers: Record<string, string[]> = {};
    let body: Buffer;
    if (url.startsWith('file:')) {
      try {
        body = readFileSync(new URL(url));
      } catch {
        return route.abort('filenotfound');
      }
      headers['content-type'] = [MIME[extname(new URL(url).pathname)] ?? 'application/octet-stream'];
      // Electron treats file: as a privileged standard scheme, so a file:// page may load its
      // module scripts from file:// (Chromium alone refuses them as cross-origin).
      headers['access-control-allow-origin'] = ['*'];
    } else if (url.startsWith('http:') || url.startsWith('https:')) {
      let res;
      try {
        res = await route.fetch({ maxRedirects: 0 });
      } catch {
        return route.abort('failed');
      }
      status = res.status();
      for (const { name, value } of res.headersArray()) (headers[name.toLowerCase()] ??= []).push(value);
      body = await res.body();
      const location = headers.location?.[0];
      if (req.isNavigationRequest() && status >= 300 && status < 400 && location) {
        // https://www.electronjs.org/docs/latest/api/web-contents#event-will-redirect
        const event = preventable();
        const target = new URL(location, url).href;
        this.emit('will-redirect', event, target);
        record('webContents.will-redirect', { id: this.id, url: target, prevented: event.defaultPrevented });
        if (event.defaultPrevented) return route.abort('aborted');
      }
    } else {
      return route.continue();
    }
    const details: HeadersDetails = {
      id: requestId++,
      url,
      method: req.method(),
      resourceType: req.resourceType() === 'document' ? (mainNavigation ? 'mainFrame' : 'subFrame') : req.resourceType(),
      statusCode: status,
      statusLine: `HTTP/1.1 ${status}`,
      responseHeaders: headers,
      webContents: this,
    };
    const answer = await session.defaultSession.webRequest.apply(details);
    if (answer.cancel) return route.abort('blockedbyclient');
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.responseHeaders ?? headers)) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
    if (req.resourceType() === 'document') record('webRequest.headers', { url, headers: out });
    return route.fulfill({ status, headers: out, body });
  }

  #decideWindowOpen(url: string, frameName: string, features: string): ReturnType<WindowOpenHandler> {
    const details: WindowOpenDetails = { url, frameName, features, disposition: 'new-window', referrer: { url: this.#url, policy: 'strict-origin-when-cross-origin' } };
    // https://www.electronjs.org/docs/latest/api/web-contents#contentssetwindowopenhandlerhandler
    const answer = this.#windowOpenHandler ? this.#windowOpenHandler(details) : { action: 'allow' as const };
    record('webContents.window-open', { id: this.id, url, action: answer.action });
    return answer;
  }

  #windowOpen(url: string, frameName: string, features: string): void {
    const answer = this.#decideWindowOpen(url, frameName, features);
    if (answer.action !== 'allow') return;
    const child = new BrowserWindow({ ...(answer.overrideBrowserWindowOptions ?? {}) });
    void child.loadURL(url);
    this.emit('did-create-window', child, { url, frameName, options: answer.overrideBrowserWindowOptions ?? {} });
  }

  async #popup(popup: Page): Promise<void> {
    const url = popup.url();
    const answer = this.#decideWindowOpen(url, '', '');
    await popup.close().catch(() => {});
    if (answer.action === 'allow') {
      const child = new BrowserWindow({ ...(answer.overrideBrowserWindowOptions ?? {}) });
      void child.loadURL(url);
    }
  }

  /** https://www.electronjs.org/docs/latest/api/web-contents#contentssetwindowopenhandlerhandler */
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.#windowOpenHandler = handler;
    record('webContents.setWindowOpenHandler', { id: this.id });
  }

  /** https://www.electronjs.org/docs/latest/api/web-contents#contentsloadurlurl-options: resolves on did-finish-load. */
  async loadURL(url: string): Promise<void> {
    record('webContents.loadURL', { id: this.id, url });
    const page = await this.page;
    this.#programmatic = url;
    const res = await page.goto(url, { waitUntil: 'load' }).catch((err: Error) => {
      this.emit('did-fail-load', preventable(), -2, err.message, url);
      throw err;
    });
    void res;
  }

  loadFile(filePath: string): Promise<void> {
    return this.loadURL(pathToFileURL(filePath).href);
  }

  /**
   * https://www.electronjs.org/docs/latest/api/web-contents#contentssendchannel-args: the
   * arguments are structured-cloned (functions, Proxies... throw here, in main).
   */
  send(channel: string, ...args: unknown[]): void {
    const cloned = ipcClone(args);
    if (this.#destroyed) return;
    record('webContents.send', { id: this.id, channel });
    void this.page
      .then((page) => page.evaluate(([token, ch, a]) => (globalThis as unknown as Record<string, (c: string, a: unknown[]) => void>)[token as string]?.(ch as string, a as unknown[]), [this.#token, channel, wire.encode(cloned)] as const))
      .catch(() => {});
  }

  getURL(): string {
    return this.#url;
  }

  getTitle(): string {
    return this.#window.getTitle();
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  isLoading(): boolean {
    return !this.#loadedOnce;
  }

  openDevTools(): void {
    record('webContents.openDevTools', { id: this.id });
  }

  async executeJavaScript(code: string): Promise<unknown> {
    return (await this.page).evaluate(code);
  }

  async destroyPage(): Promise<void> {
    this.#destroyed = true;
    await (await this.page.catch(() => null))?.close().catch(() => {});
  }
}

const windows: BrowserWindow[] = [];

export class BrowserWindow extends EventEmitter {
  readonly id: number;
  readonly webContents: WebContents;
  readonly options: Record<string, unknown>;
  #visible = false;
  #focused = false;
  #destroyed = false;
  #title: string;
  shows = 0;
  focuses = 0;

  /** https://www.electronjs.org/docs/latest/api/browser-window#new-browserwindowoptions */
  constructor(options: Record<string, unknown> = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    this.options = options;
    this.#title = typeof options.title === 'string' ? options.title : app.getName();
    this.webContents = new WebContents(this, (options.webPreferences ?? {}) as WebPreferences);
    this.id = this.webContents.id;
    windows.push(this);
    record('BrowserWindow.new', { id: this.id, options: JSON.parse(JSON.stringify(options)) });
    // show defaults to true: https://www.electronjs.org/docs/latest/api/structures/base-window-options
    if (options.show !== false) this.show();
  }

  static getAllWindows(): BrowserWindow[] {
    return windows.filter((w) => !w.#destroyed);
  }

  static getFocusedWindow(): BrowserWindow | null {
    return windows.find((w) => !w.#destroyed && w.#focused) ?? null;
  }

  static fromWebContents(wc: WebContents): BrowserWindow | null {
    return windows.find((w) => w.webContents === wc) ?? null;
  }

  static fromId(id: number): BrowserWindow | null {
    return windows.find((w) => w.id === id && !w.#destroyed) ?? null;
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  /** https://www.electronjs.org/docs/latest/api/browser-window#winloadfilefilepath-options */
  loadFile(filePath: string): Promise<void> {
    return this.webContents.loadFile(filePath);
  }

  /** https://www.electronjs.org/docs/latest/api/base-window#winshow: "Shows and gives focus to the window." */
  show(): void {
    if (this.#destroyed) return;
    const was = this.#visible;
    this.#visible = true;
    this.shows++;
    record('BrowserWindow.show', { id: this.id });
    if (!was) this.emit('show');
    this.focus();
  }

  /** https://www.electronjs.org/docs/latest/api/base-window#winhide */
  hide(): void {
    if (this.#destroyed) return;
    const was = this.#visible;
    this.#visible = false;
    this.#focused = false;
    record('BrowserWindow.hide', { id: this.id });
    if (was) this.emit('hide');
    this.emit('blur');
  }

  /** https://www.electronjs.org/docs/latest/api/base-window#winfocus */
  focus(): void {
    if (this.#destroyed) return;
    for (const w of windows) if (w !== this) w.#focused = false;
    this.#focused = true;
    this.focuses++;
    record('BrowserWindow.focus', { id: this.id });
    this.emit('focus');
    void this.webContents.page.then((p) => p.bringToFront()).catch(() => {});
  }

  isVisible(): boolean {
    return this.#visible;
  }

  isFocused(): boolean {
    return this.#focused;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  setTitle(title: string): void {
    this.#title = title;
  }

  getTitle(): string {
    return this.#title;
  }

  setMenuBarVisibility(_visible: boolean): void {}

  removeMenu(): void {}

  /**
   * https://www.electronjs.org/docs/latest/api/base-window#winclose: as the user clicking
   * the close button; `close` may be prevented. Resolves true when the window went.
   */
  close(): void {
    void this.tryClose();
  }

  async tryClose(): Promise<boolean> {
    if (this.#destroyed) return true;
    const event = preventable();
    // https://www.electronjs.org/docs/latest/api/browser-window#event-close
    this.emit('close', event);
    record('BrowserWindow.close', { id: this.id, prevented: event.defaultPrevented });
    if (event.defaultPrevented) return false;
    await this.#destroy(true);
    return true;
  }

  /** https://www.electronjs.org/docs/latest/api/base-window#windestroy: no `close`, but `closed`. */
  destroy(): void {
    void this.#destroy(true);
  }

  async #destroy(notifyApp: boolean): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#visible = false;
    this.#focused = false;
    await this.webContents.destroyPage();
    this.emit('closed');
    record('BrowserWindow.closed', { id: this.id });
    if (notifyApp && BrowserWindow.getAllWindows().length === 0) app.allWindowsClosed();
  }

  /** Used by app.quit and app.exit. */
  static async closeAll(): Promise<boolean> {
    for (const w of BrowserWindow.getAllWindows()) {
      const event = preventable();
      w.emit('close', event);
      record('BrowserWindow.close', { id: w.id, prevented: event.defaultPrevented });
      if (event.defaultPrevented) return false;
      await w.#destroy(false);
    }
    return true;
  }

  static async destroyAll(): Promise<void> {
    for (const w of BrowserWindow.getAllWindows()) await w.#destroy(false);
  }

  /** For the control channel. */
  snapshot() {
    return { id: this.id, ipcBinding: this.webContents.ipcBinding, loaded: !this.webContents.isLoading(), url: this.webContents.getURL(), title: this.#title, visible: this.#visible, focused: this.#focused, destroyed: this.#destroyed, shows: this.shows, focuses: this.focuses, options: this.options };
  }

  static snapshots() {
    return windows.map((w) => w.snapshot());
  }
}

app.hooks = {
  closeAllWindows: () => BrowserWindow.closeAll(),
  destroyAll: () => BrowserWindow.destroyAll(),
  windowCount: () => BrowserWindow.getAllWindows().length,
};
