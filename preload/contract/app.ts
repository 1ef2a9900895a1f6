// Settings and kubeconfig contexts: what the operator configures.
import { z } from 'zod';
import { op } from './define.ts';
import { dns1123Label, empty, imageReference, pageOrigin } from './fields.ts';
import { DEFAULT_DEPLOY_IMAGE, deployDefaults, deploySettingsShape, pinsVersion } from './deploy-settings.ts';
import { endpointTargets } from './endpoint-target.ts';

export const ollamaRouteKinds = ['explicit', 'service-proxy', 'port-forward', 'service-dns', 'localhost'] as const;

export const settingsSchema = z.object({
  /** Kubeconfig context; null = the kubeconfig's current context. */
  context: z.string().min(1).max(253).nullable(),
  /** Namespace of Ollama, the usage ConfigMap and new deployments; null = POD_NAMESPACE or the context's. */
  namespace: dns1123Label.nullable(),
  /** Explicit Ollama URL (like OLLAMA_HOST); tried first when set. */
  ollamaUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable(),
  ollamaRoutes: z.array(z.enum(ollamaRouteKinds)).min(1).max(ollamaRouteKinds.length),
  /** VRAM of a GPU whose labels and product say nothing (the seed's 23.0). */
  defaultVramGb: z.number().positive().max(1024),
  /** Image of new model deployments. */
  deployImage: imageReference.refine(pinsVersion, 'must pin an Ollama version (a tag such as 0.31.1, or a digest), not latest: the VRAM estimate follows that version'),
  ...deploySettingsShape,
  restEnabled: z.boolean(),
  restPort: z.number().int().min(1024).max(65535),
  /** Origins of pages that may call the REST API (with the token); none by default. */
  allowedOrigins: z.array(pageOrigin).max(50),
  /** Desktop notifications: pulls finished or failed, deployments ready, failed or evicted, Kubernetes or Ollama lost and back. */
  desktopNotifications: z.boolean(),
  /** The Ollama-compatible endpoint that counts every client's use (127.0.0.1 only); off by default. */
  ollamaEndpointEnabled: z.boolean(),
  ollamaEndpointPort: z.number().int().min(1024).max(65535),
  /** The operator's choice of where a model's requests go, over the default mapping (preload/contract/endpoint.ts). */
  ollamaEndpointTargets: endpointTargets,
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  context: null,
  namespace: null,
  ollamaUrl: null,
  ollamaRoutes: ['explicit', 'service-proxy', 'port-forward', 'service-dns', 'localhost'],
  defaultVramGb: 23,
  deployImage: DEFAULT_DEPLOY_IMAGE,
  ...deployDefaults,
  restEnabled: false,
  restPort: 8080,
  allowedOrigins: [],
  desktopNotifications: true,
  ollamaEndpointEnabled: false,
  ollamaEndpointPort: 11435,
  ollamaEndpointTargets: {},
};

export interface ContextsResult {
  success: true;
  current: string | null;
  contexts: { name: string; cluster: string; namespace: string | null }[];
}

/** Whether the desktop app could start its core, and if not why and what to do. */
export interface StartupResult {
  success: true;
  state: 'ready' | 'failed';
  /** What went wrong (null when ready). */
  error: string | null;
  /** What the operator can do about it. */
  hints: string[];
  /** The kubeconfig the app reads (a path, or "in-cluster"). */
  kubeconfig: string | null;
}

export const appOperations = {
  getSettings: op<{ success: true; settings: Settings }>()({
    input: empty,
    rest: { method: 'GET', path: '/api/settings' },
    summary: 'The current settings',
  }),
  updateSettings: op<{ success: true; settings: Settings }>()({
    input: settingsSchema.partial().strict(),
    rest: { method: 'POST', path: '/api/settings' },
    summary: 'Change settings; a new context or namespace reconnects',
  }),
  /** The new token is in the answer: the caller needs it (the old one, and the sessions it opened, stop working). */
  rotateRestToken: op<{ success: true; token: string; message: string }>()({
    input: empty,
    rest: { method: 'POST', path: '/api/settings/rotate-token' },
    summary: 'Replace the REST token with a new random one; the old one and its sessions stop working at once',
  }),
  listContexts: op<ContextsResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/contexts' },
    summary: 'Contexts of the kubeconfig in use',
  }),
  // IPC only: the REST API is served by a core that has started.
  startupStatus: op<StartupResult>()({
    input: empty,
    summary: 'Whether the desktop app connected at start-up, and if not why',
  }),
  retryStartup: op<StartupResult>()({
    input: z
      .object({
        /** Read this kubeconfig file from now on (as KUBECONFIG would say). */
        kubeconfig: z.string().min(1).max(4096).optional(),
        /** Ask the operator for the kubeconfig file in a file dialog first. */
        pick: z.boolean().optional(),
      })
      .strict(),
    summary: 'Try to start again after a start-up failure, optionally with another kubeconfig',
  }),
};
