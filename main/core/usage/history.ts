// The usage history as the UI and REST read it: one series per model over every bucket of the
// window (zeros included), from history.json plus this instance's increments not yet written,
// grouped as the next write will group them.
import type { UsageHistoryResult, UsageSeries } from '../../../preload/contract/index.ts';
import { applyUse, countMap, dayKey, HISTORY_DAYS, HISTORY_HOURS, hourKey, OTHER_MODELS, trimHistory, type ModelHistory, type UsageDoc } from './doc.ts';
import type { JournalEntry } from './journal.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function historySeries(doc: UsageDoc, pending: JournalEntry[], bucket: 'hour' | 'day', model: string | undefined, now: number): UsageHistoryResult {
  const view: UsageDoc = { counts: countMap(doc.counts), applied: doc.applied, resetAt: doc.resetAt, history: cloneHistory(doc.history) };
  for (const e of pending) applyUse(view, e.model, {}, e.t);
  const history = trimHistory(view.history ?? {}, view.counts, now);

  const step = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const n = bucket === 'hour' ? HISTORY_HOURS : HISTORY_DAYS;
  const last = Math.floor(now / step) * step;
  const starts = Array.from({ length: n }, (_, i) => last - (n - 1 - i) * step);
  const keyOf = bucket === 'hour' ? hourKey : dayKey;
  const keys = starts.map(keyOf);

  const series: UsageSeries[] = [];
  for (const [name, h] of Object.entries(history)) {
    if (model !== undefined && name !== model) continue;
    const m = bucket === 'hour' ? h.h : h.d;
    const counts = keys.map((k) => (Object.hasOwn(m, k) ? m[k]! : 0));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > 0) series.push({ model: name, counts, total });
  }
  if (model !== undefined && !series.length) series.push({ model, counts: keys.map(() => 0), total: 0 });
  // Most used first; the sum of the rest last.
  series.sort((a, b) => Number(a.model === OTHER_MODELS) - Number(b.model === OTHER_MODELS) || b.total - a.total || a.model.localeCompare(b.model));
  return { success: true, bucket, times: starts.map((t) => new Date(t).toISOString()), series, pending: pending.length, other_models: OTHER_MODELS };
}

function cloneHistory(h: Record<string, ModelHistory> | undefined): Record<string, ModelHistory> {
  const out = Object.create(null) as Record<string, ModelHistory>;
  for (const [m, v] of Object.entries(h ?? {})) out[m] = { h: countMap(v.h), d: countMap(v.d) };
  return out;
}
