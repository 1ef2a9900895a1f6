// What the UI needs of a transport: call an operation, listen to an event.
import type { EventName, Events, Input, OperationName, Output } from '../../preload/contract/index.ts';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke<N extends OperationName>(name: N, input: Input<N>): Promise<Output<N>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Whether the operation can be called here (generateStream has no REST route). */
  supports(name: OperationName): boolean;
}
