// The IPC transport: `window.modelManager` from the preload; rejections become ApiErrors.
import type { OperationName, Output } from '../../preload/contract/index.ts';
import type { ModelManagerBridge } from '../../preload/bridge-api.ts';
import { toApiError } from './errors.ts';
import { plainData } from './plain.ts';
import type { Transport } from './transport.ts';

export function createBridgeTransport(bridge: ModelManagerBridge): Transport {
  return {
    kind: 'ipc',
    supports: () => true,
    async invoke<N extends OperationName>(name: N, input: unknown): Promise<Output<N>> {
      try {
        // Plain data only: the bridge's structured clone refuses Vue's reactive Proxies.
        return await bridge.invoke(name, plainData(input) as never);
      } catch (err) {
        throw toApiError(err);
      }
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}
