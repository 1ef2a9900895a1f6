// Settings of new model deployments: what decides their memory (context, parallel sequences,
// KV cache type, flash attention), how long the model stays loaded, the pod's RAM and where
// Ollama keeps the models it pulls. Each is a default the deploy request can override.
import { z } from 'zod';
import { kvCacheTypes } from './cluster.ts';

export const deploySettingsShape = {
  /** OLLAMA_CONTEXT_LENGTH of new deployments; null = the deploy image's Ollama default for the GPU unit (then pinned). */
  deployContextLength: z.number().int().min(256).max(1_048_576).nullable(),
  /** OLLAMA_NUM_PARALLEL: sequences served at once (each gets the whole context). */
  deployParallel: z.number().int().min(1).max(64),
  /** OLLAMA_KV_CACHE_TYPE (q8_0 and q4_0 need flash attention). */
  deployKvCacheType: z.enum(kvCacheTypes),
  /** OLLAMA_FLASH_ATTENTION. */
  deployFlashAttention: z.boolean(),
  /** OLLAMA_KEEP_ALIVE: "-1" keeps a dedicated deployment's model loaded. */
  deployKeepAlive: z.string().trim().regex(/^(-1|0|\d{1,6}(ms|s|m|h))$/, 'must be -1, 0 or a duration such as 5m or 24h'),
  /** The pod's RAM (request and limit) when the deploy request gives no `memory`, GiB. */
  deployMemoryGb: z.number().positive().max(2048),
  /** StorageClass of the claim for Ollama's models folder; null = the cluster's default class. */
  deployStorageClass: z.string().trim().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a StorageClass name').nullable(),
};

export const deployDefaults = {
  deployContextLength: null,
  deployParallel: 1,
  deployKvCacheType: 'f16' as const,
  deployFlashAttention: true,
  deployKeepAlive: '-1',
  deployMemoryGb: 16,
  deployStorageClass: null,
};

/**
 * The Ollama image of new deployments: a pinned release, never "latest", so the estimate
 * follows that version's rules. 0.31.1 is published as docker.io/ollama/ollama:0.31.1
 * (2026-06); from 0.15.5 on, Ollama picks its default context from the GPU's memory.
 */
export const DEFAULT_DEPLOY_IMAGE = 'ollama/ollama:0.31.1';

/** True when an image reference pins a version: a digest, or a tag other than "latest". */
export function pinsVersion(image: string): boolean {
  if (image.includes('@')) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon > 0 && last.slice(colon + 1) !== 'latest';
}
