// The preload: exposes exactly the contract's operations and events as
// `window.modelManager`, nothing else. Built as one CommonJS bundle so `sandbox: true` stays on.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// The names only: the contract itself would bring zod into this bundle.
import { eventNames, operationNames } from './contract/names.ts';
import type { ModelManagerBridge } from './bridge-api.ts';
import { failure, unwrap } from './unwrap.ts';

const operations = new Set<string>(operationNames);
const events = new Set<string>(eventNames);

const bridge: ModelManagerBridge = {
  async invoke(name, input) {
    if (!operations.has(name)) throw failure(400, `unknown operation ${String(name)}`, {});
    return unwrap(await ipcRenderer.invoke('invoke', name, input ?? {})) as never;
  },
  on(event, listener) {
    if (!events.has(event)) throw new Error(`unknown event ${String(event)}`);
    const channel = `event:${event}`;
    // The IPC event object (with its sender) is not handed to the page.
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => void ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('modelManager', bridge);
