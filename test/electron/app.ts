// The `app` module: lifecycle, paths, the single-instance lock. Each behaviour names the page
// of Electron's documentation it follows.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, watch, writeFileSync, closeSync, type FSWatcher } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { record } from './records.ts';

/** A preventable event, as Electron passes to `before-quit`, `will-quit` and `close`. */
export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function preventable(): PreventableEvent {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

function packageJson(): { name?: string; productName?: string; version?: string } {
  // Electron reads the app's name and version from the package.json beside the main script:
  // https://www.electronjs.org/docs/latest/api/app#appgetname
  let dir = dirname(process.argv[1] ?? process.cwd());
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    const up = dirname(dir);
    if (up === dir) return {};
    dir = up;
  }
}

type Hooks = { closeAllWindows(): Promise<boolean>; destroyAll(): Promise<void>; windowCount(): number };

class App extends EventEmitter {
  readonly #pkg = packageJson();
  readonly #paths = new Map<string, string>();
  #ready = false;
  #readyPromise: Promise<void>;
  #resolveReady!: () => void;
  #lockFile: string | null = null;
  #watcher: FSWatcher | null = null;
  #quitting = false;
  #exiting = false;
  hooks: Hooks = { closeAllWindows: async () => true, destroyAll: async () => {}, windowCount: () => 0 };
  /** https://www.electronjs.org/docs/latest/api/app#appispackaged: false when run from source. */
  readonly isPackaged = false;

  constructor() {
    super();
    this.#readyPromise = new Promise((resolve) => (this.#resolveReady = resolve));
    // `ready` comes once Electron has initialised, after the main script's first turn:
    // https://www.electronjs.org/docs/latest/api/app#event-ready
    setTimeout(() => {
      if (this.#exiting) return;
      this.#ready = true;
      record('app.ready');
      this.emit('will-finish-launching');
      this.emit('ready', {}, {});
      this.#resolveReady();
    }, 0);
  }

  /** https://www.electronjs.org/docs/latest/api/app#appwhenready */
  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  /** https://www.electronjs.org/docs/latest/api/app#appisready */
  isReady(): boolean {
    return this.#ready;
  }

  /** https://www.electronjs.org/docs/latest/api/app#appgetname (productName, else name). */
  getName(): string {
    return this.#paths.get('__name') ?? this.#pkg.productName ?? this.#pkg.name ?? 'Electron';
  }

  setName(name: string): void {
    this.#paths.set('__name', name);
  }

  /** https://www.electronjs.org/docs/latest/api/app#appgetversion */
  getVersion(): string {
    return this.#pkg.version ?? '0.0.0';
  }

  getLocale(): string {
    return 'en-US';
  }

  /**
   * https://www.electronjs.org/docs/latest/api/app#appgetpathname. On Linux appData is
   * $XDG_CONFIG_HOME or ~/.config, userData is appData/<name>, sessionData is userData.
   */
  getPath(name: string): string {
    const set = this.#paths.get(name);
    if (set) return set;
    const appData = () => this.#paths.get('appData') ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
    switch (name) {
      case 'home':
        return homedir();
      case 'appData':
        return appData();
      case 'userData':
        return join(appData(), this.getName());
      case 'sessionData':
        return this.getPath('userData');
      case 'temp':
        return tmpdir();
      case 'logs':
        return join(this.getPath('userData'), 'logs');
      case 'exe':
        return process.execPath;
      case 'module':
        return process.execPath;
      case 'desktop':
      case 'documents':
      case 'downloads':
      case 'music':
      case 'pictures':
      case 'videos':
        return join(homedir(), name[0]!.toUpperCase() + name.slice(1));
      default:
        // "Failed to get 'x' path" is what Electron throws for an unknown name.
        throw new Error(`Failed to get '${name}' path`);
    }
  }

  /**
   * https://www.electronjs.org/docs/latest/api/app#appsetpathname-path: "If the path specifies
   * a directory that does not exist, an Error is thrown."
   */
  setPath(name: string, path: string): void {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error('Failed to set path');
    record('app.setPath', { name, path });
    this.#paths.set(name, path);
  }

  /**
   * https://www.electronjs.org/docs/latest/api/app#apprequestsingleinstancelockadditionaldata:
   * the first caller holds the lock (Electron keeps it in userData); a later caller gets false
   * and the holder gets `second-instance` (event, argv, workingDirectory, additionalData).
   */
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    if (this.#lockFile) return true;
    const dir = this.getPath('userData');
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'SingletonLock');
    const inbox = join(dir, 'SingletonMessages');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lock, 'wx');
        writeFileSync(fd, JSON.stringify({ pid: process.pid }));
        closeSync(fd);
        this.#lockFile = lock;
        mkdirSync(inbox, { recursive: true });
        for (const f of readdirSync(inbox)) rmSync(join(inbox, f), { force: true });
        this.#watcher = watch(inbox, () => this.#readInbox(inbox));
        this.#watcher.unref();
        record('app.requestSingleInstanceLock', { got: true });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let holder = 0;
        try {
          holder = JSON.parse(readFileSync(lock, 'utf8')).pid;
        } catch {
          /* half-written: treat as held */
          holder = -1;
        }
        if (holder === -1 || (holder > 0 && alive(holder))) {
          mkdirSync(inbox, { recursive: true });
          const message = { argv: process.argv, workingDirectory: process.cwd(), additionalData: additionalData ?? null };
          writeFileSync(join(inbox, `${process.pid}-${Date.now()}.json`), JSON.stringify(message));
          record('app.requestSingleInstanceLock', { got: false, holder });
          return false;
        }
        // The holder is gone (crashed): its lock is stale.
        unlinkSync(lock);
      }
    }
    return false;
  }

  #readInbox(inbox: string): void {
    let files: string[] = [];
    try {
      files = readdirSync(inbox).filter((f) => f.endsWith('.json'));
    } catch {
      return;
    }
    for (const f of files) {
      const path = join(inbox, f);
      let message: { argv: string[]; workingDirectory: string; additionalData: unknown };
      try {
        message = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        continue; // still being written; the next change event reads it
      }
      rmSync(path, { force: true });
      record('app.second-instance', { argv: message.argv });
      this.emit('second-instance', preventable(), message.argv, message.workingDirectory, message.additionalData);
    }
  }

  /** https://www.electronjs.org/docs/latest/api/app#appreleasesingleinstancelock */
  releaseSingleInstanceLock(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#lockFile) rmSync(this.#lockFile, { force: true });
    this.#lockFile = null;
  }

  hasSingleInstanceLock(): boolean {
    return this.#lockFile !== null;
  }

  /**
   * https://www.electronjs.org/docs/latest/api/app#appquit: before-quit first (preventable),
   * then every window is closed (a window may cancel), then will-quit (preventable), quit, exit.
   */
  quit(): void {
    record('app.quit');
    if (this.#quitting || this.#exiting) return;
    this.#quitting = true;
    void (async () => {
      try {
        const before = preventable();
        this.emit('before-quit', before);
        if (before.defaultPrevented) return;
        if (!(await this.hooks.closeAllWindows())) return;
        const will = preventable();
        this.emit('will-quit', will);
        if (will.defaultPrevented) return;
        this.emit('quit', preventable(), 0);
        await this.#terminate(0);
      } finally {
        this.#quitting = false;
      }
    })();
  }

  /**
   * https://www.electronjs.org/docs/latest/api/app#appexitexitcode: "Exits immediately with
   * exitCode ... the before-quit and will-quit events will not be emitted."
   */
  exit(exitCode = 0): void {
    record('app.exit', { exitCode });
    if (this.#exiting) return;
    void this.#terminate(exitCode);
  }

  async #terminate(code: number): Promise<void> {
    this.#exiting = true;
    await this.hooks.destroyAll().catch(() => {});
    this.releaseSingleInstanceLock();
    onTerminate.forEach((fn) => fn(code));
    process.exit(code);
  }

  /** Called by BrowserWindow when the last window has closed on its own (not during quit). */
  allWindowsClosed(): void {
    if (this.#quitting || this.#exiting) return;
    // https://www.electronjs.org/docs/latest/api/app#event-window-all-closed: without a
    // listener the app quits; with one, the listener decides.
    record('app.window-all-closed');
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }

  /** https://www.electronjs.org/docs/latest/api/app#appfocusoptions */
  focus(): void {
    record('app.focus');
  }

  setAppUserModelId(id: string): void {
    record('app.setAppUserModelId', { id });
  }

  /** Only on macOS: https://www.electronjs.org/docs/latest/api/dock */
  readonly dock = undefined;
  readonly commandLine = { appendSwitch: (name: string, value?: string) => record('app.commandLine.appendSwitch', { name, value }), hasSwitch: () => false, getSwitchValue: () => '' };
}

export const onTerminate: ((code: number) => void)[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const app = new App();
process.on('exit', () => app.releaseSingleInstanceLock());
