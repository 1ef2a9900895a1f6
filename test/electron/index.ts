// A stand-in for the `electron` module's main-process API, used only by tests (register.ts
// maps `electron` here). It follows Electron's documented behaviour closely enough that the
// real main/index.ts and main/shell/* run unchanged in Node; windows are real Chromium pages
// running the real built preload. Every part names the documentation page it follows.
import { app } from './app.ts';
import { BrowserWindow, WebContents } from './browser-window.ts';
import { closeBrowser } from './chromium.ts';
import { startControl } from './control.ts';
import { ipcMain } from './ipc-main.ts';
import { clipboard, dialog, Notification, safeStorage, shell } from './misc.ts';
import { session } from './session.ts';
import { Menu, MenuItem, nativeImage, NativeImage, Tray } from './tray-menu.ts';
import { record } from './records.ts';

const destroyWindows = app.hooks.destroyAll;
app.hooks.destroyAll = async () => {
  await destroyWindows();
  await closeBrowser();
};

startControl();

// Electron's main process reports an unhandled rejection as a warning and keeps running
// (Node's "warn" mode; seen in https://github.com/electron/electron/issues/28691), so an app
// whose start-up promise rejects stays alive without a window. The stand-in does the same,
// and records it.
process.on('unhandledRejection', (reason) => {
  record('process.unhandledRejection', { message: reason instanceof Error ? reason.message : String(reason) });
  console.error(`(electron) UnhandledPromiseRejectionWarning: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

// Renderer-only modules are absent in main: https://www.electronjs.org/docs/latest/tutorial/process-model
export const contextBridge = undefined;
export const ipcRenderer = undefined;
export const webContents = { getAllWebContents: () => BrowserWindow.getAllWindows().map((w) => w.webContents), fromId: (id: number) => BrowserWindow.fromId(id)?.webContents ?? null };

export { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, MenuItem, nativeImage, NativeImage, Notification, safeStorage, session, shell, Tray, WebContents };

export default { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, MenuItem, nativeImage, Notification, safeStorage, session, shell, Tray, webContents, contextBridge, ipcRenderer };
