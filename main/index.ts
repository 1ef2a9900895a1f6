// Electron entry: settings, the core (through the manager host), the window, IPC, the tray
// and the optional REST API. The work is in main/core and main/shell.
import { app, BrowserWindow, dialog } from 'electron';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toAppError } from './core/errors.ts';
import { ManagerHost } from './core/host.ts';
import { consoleLogger as log } from './core/log.ts';
import { Startup } from './core/startup.ts';
import { followOllamaEndpointSetting } from './ollama-endpoint/index.ts';
import { startRestServer } from './rest/server.ts';
import type { AppOrigins } from './shell/app-url.ts';
import { registerIpc } from './shell/ipc.ts';
import { startNotifications } from './shell/notifications.ts';
import { loginShellPath, mergePath } from './shell/login-path.ts';
import { RestSwitch } from './shell/rest-switch.ts';
import { desktopSettings } from './shell/settings-store.ts';
import { createTray } from './shell/tray.ts';
import { createMainWindow, hardenSession } from './shell/window.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..');
const origins: AppOrigins = {
  rendererDir: join(OUT, 'renderer'),
  devServerUrl: !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null,
};
const PRELOAD = join(OUT, 'preload', 'index.cjs');

let quitting = false;
let win: BrowserWindow | null = null;

// V8's young generation otherwise grows to 64 MB semi-spaces while the caches list a large
// cluster and stays resident (measured for serve, which sets the same flag); before ready, as
// Electron requires for js-flags.
app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=8');

// A separate settings and state folder (the demo uses one, so that it never touches the
// operator's own settings or usage journal); must be set before anything reads userData.
// app.setPath throws for a folder that does not exist yet.
if (process.env.MODEL_MANAGER_CONFIG_DIR) {
  mkdirSync(process.env.MODEL_MANAGER_CONFIG_DIR, { recursive: true });
  app.setPath('userData', process.env.MODEL_MANAGER_CONFIG_DIR);
}

if (!app.requestSingleInstanceLock()) app.quit();
// A cluster the app cannot reach or a missing kubeconfig is shown in the window (Startup);
// `fail` is for the shell itself failing, and exits so that no invisible process keeps the lock.
else void app.whenReady().then(start).catch(fail);

function fail(err: unknown): void {
  const message = toAppError(err).message;
  log.error('APP', `cannot start: ${message}`);
  dialog.showErrorBox('Kubernetes Model Manager cannot start', message);
  app.exit(1);
}

async function start(): Promise<void> {
  // Before the kubeconfig is read: its exec plugins must be on PATH.
  process.env.PATH = mergePath(process.env.PATH, await loginShellPath());
  const settings = desktopSettings();
  hardenSession(origins, log);
  // Until the core is up, every operation answers 503 with the reason and the window says what to do.
  const startup = new Startup({
    start: () => ManagerHost.start({ settings, log, stateDir: app.getPath('userData') }),
    log,
    pickKubeconfig: async () => {
      const options = { title: 'Pick a kubeconfig', defaultPath: join(homedir(), '.kube'), properties: ['openFile', 'showHiddenFiles'] as ('openFile' | 'showHiddenFiles')[] };
      const picked = win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  });
  const offIpc = registerIpc(startup, origins, log);
  // Started now, awaited below: the tray and the window's first calls wait for its outcome.
  const started = startup.run();

  const openWindow = () => {
    if (!win || win.isDestroyed()) {
      win = createMainWindow(origins, PRELOAD, log);
      // The tray keeps the app running: closing the window hides it.
      win.on('close', (event) => {
        if (!quitting) {
          event.preventDefault();
          win?.hide();
        }
      });
    }
    win.show();
    win.focus();
  };

  const rest = new RestSwitch(
    (port) => startRestServer({ host: '127.0.0.1', port, getHandlers: () => startup.handlers, events: startup.events, token: () => settings.restToken(), allowedOrigins: () => settings.get().allowedOrigins, staticDir: origins.rendererDir, log }),
    log,
  );
  const offNotifications = startNotifications(startup.events, settings, log);
  // The usage-counting Ollama endpoint, as Settings switch it (off by default).
  const ollamaEndpoint = followOllamaEndpointSetting({ settings, getCore: () => (startup.core as ManagerHost | null)?.manager.endpoint ?? null, log });
  const tray = createTray({ handlers: startup.handlers, events: startup.events, settings, rest, openWindow, quit: () => app.quit() });
  const applyRest = () => {
    const s = settings.get();
    void rest.set(s.restEnabled, s.restPort).then(() => tray.update());
  };
  settings.onChange((_next, changed) => {
    if (changed.includes('restEnabled') || changed.includes('restPort')) applyRest();
  });
  applyRest();

  // Registered before the core starts: a second launch during a slow start still finds the window.
  app.on('second-instance', openWindow);
  app.on('activate', openWindow);
  // Keep running in the tray when the window is closed.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    tray.dispose();
    offIpc();
    offNotifications();
    void Promise.allSettled([rest.close(), ollamaEndpoint.close(), startup.close()]).then(() => app.exit(0));
  });
  await started;
  openWindow();
}
