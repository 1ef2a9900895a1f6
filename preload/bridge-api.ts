// The shape of `window.modelManager`, shared by the preload (which builds it) and the
// renderer (which uses it). Types only: nothing here runs.
import type { EventName, Events, Input, OperationName, Output } from './contract/index.ts';

/**
 * What a failed call rejects with. A plain object, not an Error subclass: contextBridge
 * copies Errors with their message only, so status and details would be lost.
 */
export interface BridgeFailure {
  name: 'ApiError';
  message: string;
  status: number;
  body: Record<string, unknown>;
}

export interface ModelManagerBridge {
  invoke<N extends OperationName>(name: N, input: Input<N>): Promise<Output<N>>;
  /** Returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What main answers to every `invoke`: the value, or the error body of the contract. */
export type InvokeResult = { ok: true; value: unknown } | { ok: false; error: { success: false; error: string; status: number; [k: string]: unknown } };
