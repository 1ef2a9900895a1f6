// The contract's operation and event names alone, as plain strings: all the preload needs.
// The preload is one sandboxed bundle, and importing the contract itself would inline zod
// (most of its size) only to read these names. test/unit/contract-names.test.ts checks this
// list against the contract's keys; the type below catches a name the contract lacks.
import type { OperationName } from './index.ts';

export const operationNames = [
  'health',
  'gpuStatus',
  'estimateVram',
  'listDeployments',
  'deploy',
  'deleteDeployment',
  'podLogs',
  'deploymentEvents',
  'gpuHolders',
  'deploymentPods',
  'scaleDeployment',
  'restartDeployment',
  'listModels',
  'deleteModel',
  'catalog',
  'pullModel',
  'pullProgress',
  'cancelPull',
  'listPulls',
  'testOllamaRoutes',
  'unloadModel',
  'keepModelLoaded',
  'ollamaEndpointRoutes',
  'generate',
  'generateStream',
  'cancelGenerate',
  'usageRanking',
  'usageHistory',
  'trackUsage',
  'resetUsage',
  'getSettings',
  'updateSettings',
  'rotateRestToken',
  'listContexts',
  'startupStatus',
  'retryStartup',
] as const satisfies readonly OperationName[];

// Declared once, in events.ts, which holds types and this list only (no zod).
export { eventNames } from './events.ts';
