// Usage ranking, kept in the ConfigMap model-usage-stats (seed routes).
import { z } from 'zod';
import { op } from './define.ts';
import { empty, usageModelName } from './fields.ts';

export interface RankingEntry {
  rank: number;
  model: string;
  count: number;
  usage_percent: number;
}

export interface RankingResult {
  success: true;
  total_requests: number;
  models: RankingEntry[];
  /** Increments accepted here but not yet in the ConfigMap. */
  pending: number;
}

export const usageOperations = {
  usageRanking: op<RankingResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/usage/ranking' },
    summary: 'Models by use, most used first',
  }),
  /** `model`: the name as counted (Ollama names canonicalised); `count`: its count now, this increment included. */
  trackUsage: op<{ success: true; model: string; count: number; message: string }>()({
    input: z.object({ model: usageModelName }),
    rest: { method: 'POST', path: '/api/usage/track' },
    summary: 'Count one use of a model',
  }),
  resetUsage: op<{ success: true; message: string }>()({
    input: empty,
    rest: { method: 'POST', path: '/api/usage/reset' },
    summary: 'Clear all usage counts',
  }),
};
