// What the ConfigMap model-usage-stats holds, and how it is read and written.
//
// data["usage.json"]   {"llama3.1:8b": 12, ...}   the counts, readable as the seed's JSON map
// data["applied.json"] {"<instance-id>": 41, ...} per instance, the last journal seq counted
//                                                  (written in the same update as the counts,
//                                                  so a replay after a crash is skipped)
// data["reset_at"]     "1764201600000"             ms of the last reset; increments accepted
//                                                  before it are dropped, not counted
// data["tokens.json"]  {"llama3.1:8b": {"prompt_tokens": 26, "completion_tokens": 259}}
//                                                  tokens per model, from Ollama's metrics (the
//                                                  uses that reported them: the endpoint's, tries)
// data["clients.json"] {"ollama-js/0.6.3 (x64 linux Node.js/v24.1.0)": {"requests": 3,
//                      "prompt_tokens": 78, "completion_tokens": 700}}   the same per client
//                                                  (User-Agent), at most MAX_CLIENTS of them
//
// data["history.json"] {"llama3.1:8b": {"h": {"2026-12-01T10": 4}, "d": {"2026-12-01": 9}}}
//                                                  counts per UTC hour (last HISTORY_HOURS) and
//                                                  per UTC day (last HISTORY_DAYS), by the time
//                                                  each increment was accepted (its journal t);
//                                                  older buckets are dropped at each write. Only
//                                                  the MAX_HISTORY_MODELS most used models keep a
//                                                  series of their own, the rest are summed under
//                                                  OTHER_MODELS, so the key stays under ~400 KB
//                                                  (31 series x 516 buckets x ~22 bytes at most).
//
// tokens.json, clients.json and history.json are written only once they hold something, so a document
// without them reads (and is written) exactly as before; they change in the same update as
// the counts, from the same journal entries, so they are exactly-once too.
//
// The seed kept a JSON map of model -> count under one key; any other key holding such a
// map (or a bare number) is read as counts until the first write replaces it.

export interface TokenCounts {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ClientCounts extends TokenCounts {
  requests: number;
}

export interface UsageDoc {
  counts: Record<string, number>;
  applied: Record<string, number>;
  resetAt: number;
  /** Present once some use reported tokens. */
  tokens?: Record<string, TokenCounts>;
  /** Present once some use named its client. */
  clients?: Record<string, ClientCounts>;
  /** Present once some use was counted with its time. */
  history?: Record<string, ModelHistory>;
  /** The ConfigMap's resourceVersion this was read at (not stored in it): an older view never replaces a newer one. */
  rv?: string;
}

/** One model's counts per bucket: "h" keyed by UTC hour ("2026-12-01T10"), "d" by UTC day ("2026-12-01"). */
export interface ModelHistory {
  h: Record<string, number>;
  d: Record<string, number>;
}

/** Whether `a` is a later resourceVersion than `b` (both as the API server writes them: integers). */
export function laterVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}

/** What one use adds besides its count (a journal entry carries the same). */
export interface UseDetails {
  prompt_tokens?: number;
  completion_tokens?: number;
  /** The client's User-Agent, as cleaned by clientName(). */
  client?: string;
}

export const COUNTS_KEY = 'usage.json';
export const APPLIED_KEY = 'applied.json';
export const RESET_KEY = 'reset_at';
export const TOKENS_KEY = 'tokens.json';
export const CLIENTS_KEY = 'clients.json';
export const HISTORY_KEY = 'history.json';
const OWN_KEYS = new Set([APPLIED_KEY, RESET_KEY, TOKENS_KEY, CLIENTS_KEY, HISTORY_KEY]);
/** Hourly buckets kept: 14 days. */
export const HISTORY_HOURS = 14 * 24;
/** Daily buckets kept: 180 days. */
export const HISTORY_DAYS = 180;
/** Models with a series of their own in history.json; the others are summed under OTHER_MODELS. */
export const MAX_HISTORY_MODELS = 30;
export const OTHER_MODELS = '(other models)';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A ConfigMap holds at most 1 MiB: clients beyond this many are counted together. */
export const MAX_CLIENTS = 200;
export const OTHER_CLIENTS = '(other clients)';
export const MAX_CLIENT_LENGTH = 200;

/** A User-Agent as it is kept: printable, trimmed, bounded; '' (none) becomes "(no user agent)". */
export function clientName(userAgent: string | undefined): string {
  const clean = (userAgent ?? '').replace(/[\p{C}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return '(no user agent)';
  return clean.length > MAX_CLIENT_LENGTH ? `${clean.slice(0, MAX_CLIENT_LENGTH - 1)}…` : clean;
}

/** The UTC hour bucket of a time: "2026-12-01T10". */
export function hourKey(t: number): string {
  return new Date(Math.floor(t / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
}

/** The UTC day bucket of a time: "2026-12-01". */
export function dayKey(t: number): string {
  return new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The start (ms) of a bucket key, NaN when it is not one. */
export function bucketStart(key: string): number {
  if (/^\d{4}-\d\d-\d\dT\d\d$/.test(key)) return Date.parse(`${key}:00:00Z`);
  if (/^\d{4}-\d\d-\d\d$/.test(key)) return Date.parse(`${key}T00:00:00Z`);
  return Number.NaN;
}

/**
 * Adds one use of `model` (with its tokens and client, when known) to the document; with
 * `at` (when the increment was accepted), to its hour and day buckets too.
 */
export function applyUse(doc: UsageDoc, model: string, use: UseDetails = {}, at?: number): void {
  bump(doc.counts, model);
  if (at !== undefined && Number.isFinite(at)) {
    doc.history ??= Object.create(null) as Record<string, ModelHistory>;
    const h = Object.hasOwn(doc.history, model) ? doc.history[model]! : (doc.history[model] = { h: countMap(), d: countMap() });
    bump(h.h, hourKey(at));
    bump(h.d, dayKey(at));
  }
  const pt = tokenCount(use.prompt_tokens);
  const ct = tokenCount(use.completion_tokens);
  if (use.prompt_tokens !== undefined || use.completion_tokens !== undefined) {
    doc.tokens ??= Object.create(null) as Record<string, TokenCounts>;
    const t = Object.hasOwn(doc.tokens, model) ? doc.tokens[model]! : (doc.tokens[model] = { prompt_tokens: 0, completion_tokens: 0 });
    t.prompt_tokens += pt;
    t.completion_tokens += ct;
  }
  if (use.client !== undefined) {
    doc.clients ??= Object.create(null) as Record<string, ClientCounts>;
    let key = use.client;
    if (!Object.hasOwn(doc.clients, key) && Object.keys(doc.clients).length >= MAX_CLIENTS) key = OTHER_CLIENTS;
    const c = Object.hasOwn(doc.clients, key) ? doc.clients[key]! : (doc.clients[key] = { requests: 0, prompt_tokens: 0, completion_tokens: 0 });
    c.requests++;
    c.prompt_tokens += pt;
    c.completion_tokens += ct;
  }
}

function tokenCount(n: number | undefined): number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

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
      if (OWN_KEYS.has(key)) continue;
      const parsed = parseJson(value);
      if (typeof parsed === 'number') addCount(doc.counts, key, parsed);
      else for (const [model, n] of Object.entries(numberMap(parsed))) addCount(doc.counts, model, n);
    }
  }
  doc.applied = numberMap(parseJson(data[APPLIED_KEY]));
  const reset = Number(data[RESET_KEY]);
  doc.resetAt = Number.isFinite(reset) && reset > 0 ? reset : 0;
  const tokens = recordMap(parseJson(data[TOKENS_KEY]), ['prompt_tokens', 'completion_tokens']);
  if (tokens) doc.tokens = tokens as unknown as Record<string, TokenCounts>;
  const clients = recordMap(parseJson(data[CLIENTS_KEY]), ['requests', 'prompt_tokens', 'completion_tokens']);
  if (clients) doc.clients = clients as unknown as Record<string, ClientCounts>;
  const history = historyMap(parseJson(data[HISTORY_KEY]));
  if (history) doc.history = history;
  return doc;
}

/** {model: {h: {hour: n}, d: {day: n}}}, keeping only well-formed buckets; null when absent. */
function historyMap(value: unknown): Record<string, ModelHistory> | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out = Object.create(null) as Record<string, ModelHistory>;
  for (const [model, v] of Object.entries(value)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const pick = (m: unknown, re: RegExp) => {
      const n = numberMap(m);
      for (const k of Object.keys(n)) if (!re.test(k)) delete n[k];
      return n;
    };
    out[model] = { h: pick((v as ModelHistory).h, /^\d{4}-\d\d-\d\dT\d\d$/), d: pick((v as ModelHistory).d, /^\d{4}-\d\d-\d\d$/) };
  }
  return out;
}

/**
 * The history as it is written at `now`: buckets older than the windows dropped, and models
 * beyond the MAX_HISTORY_MODELS most used (by their count in `counts`, then by their history
 * total) summed under OTHER_MODELS, so the ConfigMap stays well below its 1 MiB limit.
 */
export function trimHistory(history: Record<string, ModelHistory>, counts: Record<string, number>, now: number): Record<string, ModelHistory> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (HISTORY_HOURS - 1) * HOUR_MS;
  const firstDay = Math.floor(now / DAY_MS) * DAY_MS - (HISTORY_DAYS - 1) * DAY_MS;
  const keep = (m: Record<string, number>, first: number) => {
    const out = countMap();
    for (const [k, n] of Object.entries(m)) if (n > 0 && bucketStart(k) >= first) out[k] = n;
    return out;
  };
  const sum = (h: ModelHistory) => Object.values(h.d).reduce((a, b) => a + b, 0);
  const trimmed = Object.entries(history)
    .map(([model, h]) => [model, { h: keep(h.h, firstHour), d: keep(h.d, firstDay) }] as const)
    .filter(([, h]) => Object.keys(h.h).length || Object.keys(h.d).length);
  const named = trimmed.filter(([m]) => m !== OTHER_MODELS);
  named.sort(([a, x], [b, y]) => countOf(counts, b) - countOf(counts, a) || sum(y) - sum(x) || a.localeCompare(b));
  const out = Object.create(null) as Record<string, ModelHistory>;
  for (const [model, h] of named.slice(0, MAX_HISTORY_MODELS)) out[model] = h;
  const rest = [...named.slice(MAX_HISTORY_MODELS), ...trimmed.filter(([m]) => m === OTHER_MODELS)];
  if (rest.length) {
    const other: ModelHistory = { h: countMap(), d: countMap() };
    for (const [, h] of rest) {
      for (const [k, n] of Object.entries(h.h)) bump(other.h, k, n);
      for (const [k, n] of Object.entries(h.d)) bump(other.d, k, n);
    }
    out[OTHER_MODELS] = other;
  }
  return out;
}

/** {name: {field: n}} with every field a non-negative integer (missing or bad ones read as 0); null when absent. */
function recordMap(value: unknown, fields: string[]): Record<string, Record<string, number>> | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out = Object.create(null) as Record<string, Record<string, number>>;
  for (const [k, v] of Object.entries(value)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    out[k] = Object.fromEntries(fields.map((f) => [f, tokenCount((v as Record<string, number>)[f])]));
  }
  return out;
}

export function encodeDoc(doc: UsageDoc, now = Date.now()): Record<string, string> {
  const counts = Object.fromEntries(Object.entries(doc.counts).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));
  const out: Record<string, string> = {
    [COUNTS_KEY]: JSON.stringify(counts),
    [APPLIED_KEY]: JSON.stringify(doc.applied),
    [RESET_KEY]: String(doc.resetAt),
  };
  if (doc.tokens && Object.keys(doc.tokens).length) out[TOKENS_KEY] = JSON.stringify(sorted(doc.tokens));
  if (doc.clients && Object.keys(doc.clients).length) out[CLIENTS_KEY] = JSON.stringify(sorted(doc.clients));
  if (doc.history) {
    const history = trimHistory(doc.history, doc.counts, now);
    const entries = Object.entries(history).map(([m, h]) => [m, { h: sorted(h.h), d: sorted(h.d) }] as const);
    if (entries.length) out[HISTORY_KEY] = JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))));
  }
  return out;
}

function sorted<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
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
