// ?watch=true: one JSON event per line. Without a resourceVersion (or "0") the current
// state comes first as ADDED; from a resourceVersion the history is replayed, and one
// older than the history gets an ERROR event carrying a 410 Expired Status, then the end.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store, StoreEvent } from './store.ts';
import type { ResourceInfo } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import type { Matcher } from './selectors.ts';
import type { OpenWatch, WatchRegistry } from './faults.ts';
import type { KObj } from './types.ts';

export interface WatchOptions {
  namespace?: string;
  match?: Matcher;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  forceGone?: boolean;
  bookmarkIntervalMs?: number;
  /** How an event's object is written (a Table row for kubectl get -w); the stored JSON when absent. */
  render?: (json: string, obj: KObj) => string;
}

function goneEvent(rv: string, oldest: number): string {
  const status = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `too old resource version: ${rv} (${oldest})`, reason: 'Expired', code: 410,
  };
  return `{"type":"ERROR","object":${JSON.stringify(status)}}\n`;
}

export function serveWatch(
  store: Store,
  registry: WatchRegistry,
  r: ResourceInfo,
  o: WatchOptions,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const inScope = (e: StoreEvent) => e.r === r && (!o.namespace || e.namespace === o.namespace);
  const matches = (obj: KObj) => !o.match || o.match(obj);
  const line = (type: string, json: string) => `{"type":"${type}","object":${json}}\n`;
  const objLine = (type: string, json: string, obj: KObj) => line(type, o.render ? o.render(json, obj) : json);
  const bookmark = (extra?: Record<string, string>) => {
    const meta: Record<string, unknown> = { resourceVersion: String(store.resourceVersion) };
    if (extra) meta.annotations = extra;
    return line('BOOKMARK', JSON.stringify({ kind: r.kind, apiVersion: apiVersionOf(r), metadata: meta }));
  };

  const translate = (e: StoreEvent): string | undefined => {
    if (!inScope(e)) return undefined;
    if (e.type !== 'MODIFIED' || !o.match) return matches(e.obj) ? objLine(e.type, e.json, e.obj) : undefined;
    // A selector watch sees an object enter or leave its selection as ADDED or DELETED.
    const now = matches(e.obj);
    const was = e.prev ? matches(e.prev) : now;
    if (now && was) return objLine('MODIFIED', e.json, e.obj);
    if (now) return objLine('ADDED', e.json, e.obj);
    if (was) return objLine('DELETED', e.json, e.obj);
    return undefined;
  };

  const rvParam = o.resourceVersion ?? '';
  let out = '';
  if (rvParam === '' || rvParam === '0') {
    for (const e of store.entries(r, o.namespace)) if (matches(e.obj)) out += objLine('ADDED', e.json, e.obj);
    if (o.sendInitialEvents && o.allowWatchBookmarks) out += bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const since = Number(rvParam);
    const events = Number.isFinite(since) && !o.forceGone ? store.eventsSince(since) : 'gone';
    if (events === 'gone') {
      res.end(goneEvent(rvParam, store.compactedRv + 1));
      return;
    }
    for (const e of events) out += translate(e) ?? '';
  }
  if (out) res.write(out);

  let closed = false;
  let silent = false;
  const write = (text: string) => void (silent || res.write(text));
  const timers: NodeJS.Timeout[] = [];
  const unsubscribe = store.subscribe((e) => {
    const l = translate(e);
    if (l) write(l);
  });
  const cleanup = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    registry.open.delete(handle);
  };
  const handle: OpenWatch = {
    silence() {
      silent = true;
    },
    close(graceful) {
      cleanup();
      if (graceful) res.end();
      else res.socket?.destroy();
    },
  };
  registry.open.add(handle);
  if (o.timeoutSeconds && o.timeoutSeconds > 0) {
    timers.push(setTimeout(() => handle.close(true), o.timeoutSeconds * 1000));
  }
  if (o.allowWatchBookmarks) {
    const every = o.bookmarkIntervalMs ?? 15_000;
    const t = setInterval(() => write(bookmark()), every);
    timers.push(t);
  }
  req.on('close', cleanup);
  res.on('close', cleanup);
}
