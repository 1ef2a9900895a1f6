// The one contract: every operation the UI, the IPC bridge and the REST API offer.
import type { z } from 'zod';
import { appOperations } from './app.ts';
import { clusterOperations } from './cluster.ts';
import type { Operation } from './define.ts';
import { endpointOperations } from './endpoint.ts';
import { ollamaOperations } from './ollama.ts';
import { usageOperations } from './usage.ts';

export const operations = {
  ...clusterOperations,
  ...ollamaOperations,
  ...usageOperations,
  ...endpointOperations,
  ...appOperations,
};

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const operationNames = Object.keys(operations) as OperationName[];

type OutputOf<T> = T extends Operation<z.ZodType, infer O> ? O : never;
/** What a caller sends (before validation and defaults). */
export type Input<N extends OperationName> = z.input<Operations[N]['input']>;
/** What a handler receives (after validation). */
export type ParsedInput<N extends OperationName> = z.output<Operations[N]['input']>;
export type Output<N extends OperationName> = OutputOf<Operations[N]>;

/** What the renderer calls, whatever the transport (preload bridge or HTTP). */
export type Api = { [N in OperationName]: (input: Input<N>) => Promise<Output<N>> };
/** What the core implements. */
export type Handlers = { [N in OperationName]: (input: ParsedInput<N>) => Promise<Output<N>> };

export * from './app.ts';
export * from './cluster.ts';
export * from './define.ts';
export * from './deploy-settings.ts';
export * from './endpoint.ts';
export * from './endpoint-target.ts';
export * from './events.ts';
export * from './fields.ts';
export * from './ollama.ts';
export * from './usage.ts';
