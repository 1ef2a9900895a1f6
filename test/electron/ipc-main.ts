// ipcMain: https://www.electronjs.org/docs/latest/api/ipc-main
import { EventEmitter } from 'node:events';
import { record } from './records.ts';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class IpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();

  /**
   * https://www.electronjs.org/docs/latest/api/ipc-main#ipcmainhandlechannel-listener:
   * one handler per channel ("Error: Attempted to register a second handler for 'x'").
   */
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
    record('ipcMain.handle', { channel });
  }

  /** https://www.electronjs.org/docs/latest/api/ipc-main#ipcmainhandleoncechannel-listener */
  handleOnce(channel: string, listener: Handler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }

  /** https://www.electronjs.org/docs/latest/api/ipc-main#ipcmainremovehandlerchannel */
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
    record('ipcMain.removeHandler', { channel });
  }
}

export const ipcMain = new IpcMain();
