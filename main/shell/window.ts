// The main window, with Electron's security checklist applied: context isolation, sandbox,
// no Node integration, a CSP, navigation and new windows limited to the app, every
// permission request denied, no webviews.
import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';
import { isAppUrl, type AppOrigins } from './app-url.ts';
import { contentSecurityPolicy } from './csp.ts';

export function hardenSession(origins: AppOrigins, log: Logger): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn('APP', `permission "${permission}" denied`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  const csp = contentSecurityPolicy(origins.devServerUrl);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

export function createMainWindow(origins: AppOrigins, preloadPath: string, log: Logger): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Kubernetes Model Manager',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const wc = win.webContents;
  wc.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, origins)) {
      event.preventDefault();
      log.warn('APP', 'navigation away from the app blocked');
    }
  });
  wc.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, origins)) event.preventDefault();
  });
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());

  if (origins.devServerUrl) void win.loadURL(origins.devServerUrl);
  else void win.loadFile(join(origins.rendererDir, 'index.html'));
  return win;
}
