// The `Api` the UI talks to: the preload bridge in Electron, the REST API in a browser.
import { operationNames, type Api, type OperationName } from '../../preload/contract/index.ts';
import type { ModelManagerBridge } from '../../preload/bridge-api.ts';
import { createBridgeTransport } from './bridge.ts';
import { createHttpTransport } from './http.ts';
import type { Transport } from './transport.ts';

declare global {
  interface Window {
    modelManager?: ModelManagerBridge;
  }
}

export const transport: Transport = window.modelManager ? createBridgeTransport(window.modelManager) : createHttpTransport();

export const api = Object.fromEntries(operationNames.map((name: OperationName) => [name, (input: unknown) => transport.invoke(name, (input ?? {}) as never)])) as Api;

export { ApiError, errorText, toApiError } from './errors.ts';
