// IPC: one `invoke` channel checked and dispatched by handleInvoke, and the core's events
// forwarded to every window as `event:<name>`.
import { BrowserWindow, ipcMain } from 'electron';
import { eventNames, type Handlers } from '../../preload/contract/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { topFrameUrl, type AppOrigins } from './app-url.ts';
import { handleInvoke } from './invoke.ts';

export function registerIpc(host: { handlers: Handlers; events: Pick<EventBus, 'on'> }, origins: AppOrigins, log: Logger): () => void {
  ipcMain.handle('invoke', (event, name: unknown, input: unknown) => handleInvoke(host.handlers, topFrameUrl(event.senderFrame), origins, name, input, log));
  const offs = eventNames.map((name) =>
    host.events.on(name, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(`event:${name}`, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler('invoke');
    for (const off of offs) off();
  };
}
