// Usage ranking, kept in the ConfigMap model-usage-stats (seed routes).
import { z } from 'zod';
import { op } from './define.ts';
import { empty, usageModelName } from './fields.ts';

export interface RankingEntry {
  rank: number;
  model: string;
  count: number;
  usage_percent: number;
  /** Tokens of the uses that reported them (calls through the Ollama endpoint, tries in the app). */
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** Uses by one client (its User-Agent), through the Ollama endpoint or the app. */
export interface ClientUsage {
  client: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface RankingResult {
  success: true;
  total_requests: number;
  models: RankingEntry[];
  /** Increments accepted here but not yet in the ConfigMap. */
  pending: number;
  /** Uses per client, most requests first (only uses that named their client). */
  clients?: ClientUsage[];
}

/** One model's counts over the window, a number per bucket (zeros included). */
export interface UsageSeries {
  model: string;
  counts: number[];
  total: number;
}

export interface UsageHistoryResult {
  success: true;
  bucket: 'hour' | 'day';
  /** Bucket starts (ISO 8601, UTC), oldest first: the last 336 hours (14 days) or the last 180 days. */
  times: string[];
  /** Most used first; the models beyond the most used 30 are summed under `other_models`, last. */
  series: UsageSeries[];
  /** Increments accepted here but not yet in the ConfigMap (counted in the series). */
  pending: number;
  /** The name the series of the less used models goes by. */
  other_models: string;
}

export const usageOperations = {
  usageRanking: op<RankingResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/usage/ranking' },
    summary: 'Models by use, most used first',
  }),
  /** `bucket`: hour (default) or day; `model`: only that model's series (the name as counted). */
  usageHistory: op<UsageHistoryResult>()({
    input: z.object({
      bucket: z.enum(['hour', 'day'], { error: 'must be hour or day' }).optional(),
      model: usageModelName.optional(),
    }),
    rest: { method: 'GET', path: '/api/usage/history' },
    summary: 'Counts per model over time, by UTC hour (last 14 days) or day (last 180 days)',
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
