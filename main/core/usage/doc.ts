// What the ConfigMap model-usage-stats holds, and how it is read and written.
//
// data["usage.json"]   {"llama3.1:8b": 12, ...}   the counts, readable as the seed's JSON map
// data["applied.json"] {"<instance-id>": 41, ...} per instance, the last journal seq counted
//                                                  (written in the same update as the counts,
//                                                  so a replay after a crash is skipped)
// data["reset_at"]     "1764201600000"             ms of the last reset; increments accepted
//                                                  before it are dropped, not counted
//
// The seed kept a JSON map of model -> count under one key; any other key holding such a
// map (or a bare number) is read as counts until the first write replaces it.

export interface UsageDoc {
  counts: Record<string, number>;
  applied: Record<string, number>;
  resetAt: number;
}

export const COUNTS_KEY = 'usage.json';
export const APPLIED_KEY = 'applied.json';
export const RESET_KEY = 'reset_at';

export function emptyDoc(): UsageDoc {
  return { counts: countMap(), applied: countMap(), resetAt: 0 };
}

/** A map keyed by model names, which may be "__proto__" or "constructor": no prototype to collide with. */
export function countMap(from?: Record<string, number>): Record<string, number> {
  return Object.assign(Object.create(null) as Record<string, number>, from);
}

/** The count of one name, 0 when absent (never an inherited property). */
export function countOf(counts: Record<string, number>, model: string): number {
  return Object.hasOwn(counts, model) ? counts[model]! : 0;
}

export function bump(counts: Record<string, number>, model: string, n = 1): void {
  counts[model] = countOf(counts, model) + n;
}

export function decodeDoc(data: Record<string, string> | undefined | null): UsageDoc {
  const doc = emptyDoc();
  if (!data) return doc;
  if (COUNTS_KEY in data) doc.counts = numberMap(parseJson(data[COUNTS_KEY]));
  else {
    for (const [key, value] of Object.entries(data)) {
      if (key === APPLIED_KEY || key === RESET_KEY) continue;
      const parsed = parseJson(value);
      if (typeof parsed === 'number') addCount(doc.counts, key, parsed);
      else for (const [model, n] of Object.entries(numberMap(parsed))) addCount(doc.counts, model, n);
    }
  }
  doc.applied = numberMap(parseJson(data[APPLIED_KEY]));
  const reset = Number(data[RESET_KEY]);
  doc.resetAt = Number.isFinite(reset) && reset > 0 ? reset : 0;
  return doc;
}

export function encodeDoc(doc: UsageDoc): Record<string, string> {
  const counts = Object.fromEntries(Object.entries(doc.counts).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));
  return {
    [COUNTS_KEY]: JSON.stringify(counts),
    [APPLIED_KEY]: JSON.stringify(doc.applied),
    [RESET_KEY]: String(doc.resetAt),
  };
}

export function totalOf(doc: UsageDoc): number {
  return Object.values(doc.counts).reduce((a, b) => a + b, 0);
}

function addCount(counts: Record<string, number>, model: string, n: number): void {
  if (Number.isInteger(n) && n > 0) bump(counts, model, n);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function numberMap(value: unknown): Record<string, number> {
  const out = countMap();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[k] = v;
  return out;
}
