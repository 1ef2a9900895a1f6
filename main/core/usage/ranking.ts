// The seed's ranking: most used first, usage_percent with one decimal.
import type { RankingEntry } from '../../../preload/contract/index.ts';

export function rank(counts: Record<string, number>): { total_requests: number; models: RankingEntry[] } {
  const rows = Object.entries(counts).filter(([, n]) => n > 0);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  rows.sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return {
    total_requests: total,
    models: rows.map(([model, count], i) => ({ rank: i + 1, model, count, usage_percent: total ? Math.round((count / total) * 1000) / 10 : 0 })),
  };
}
