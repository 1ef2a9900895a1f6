// GET /api/events: every event of the contract, as server-sent events, for as long as the
// browser keeps the stream open. Deployment deltas carry `id: epoch.seq`: a browser that
// reconnects (EventSource sends Last-Event-ID) gets the deltas it missed replayed from a short
// history, so a dropped connection costs the missed changes, not a full re-download.
import type { ServerResponse } from 'node:http';
import { constants, createGzip } from 'node:zlib';
import { eventNames, type DeploymentsDelta, type EventName, type Events } from '../../preload/contract/index.ts';
import { COMMON_HEADERS } from './security.ts';

/** What the server needs of an event bus (main/core/events.ts EventBus fits). */
export interface EventSource {
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
}

const HEARTBEAT_MS = 20_000;
/** Deltas kept for replay to a reconnecting browser (at most 4 a second: about half a minute). */
export const DELTA_HISTORY = 128;

/** The large pushed views, serialised once however many streams send them (each payload is a new object, never changed). */
const texts = new WeakMap<object, string>();
const once = new Set<EventName>(['deploymentsChanged', 'gpuStatusChanged']);
function frame(name: EventName, payload: object): string {
  let text = once.has(name) ? texts.get(payload) : undefined;
  if (text === undefined) {
    const id = name === 'deploymentsChanged' ? `id: ${deltaId(payload as DeploymentsDelta)}\n` : '';
    text = `${id}event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    if (once.has(name)) texts.set(payload, text);
  }
  return text;
}

/** Accept-Encoding names gzip (or *) with a quality above 0. */
function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((x) => /^\s*q=([\d.]+)\s*$/.exec(x)?.[1]).find(Boolean);
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q) > 0);
  });
}

const deltaId = (d: { epoch: string; seq: number }) => `${d.epoch}.${d.seq}`;

/** The last deltas of one event source, kept from the first stream on (a reconnect follows a connect). */
class DeltaHistory {
  readonly #frames: { epoch: string; seq: number; text: string }[] = [];
  constructor(events: EventSource) {
    events.on('deploymentsChanged', (d) => {
      this.#frames.push({ epoch: d.epoch, seq: d.seq, text: frame('deploymentsChanged', d) });
      if (this.#frames.length > DELTA_HISTORY) this.#frames.shift();
    });
  }

  /** The frames after `lastId` (epoch.seq), or null when they are not all here (another epoch, too old). */
  since(lastId: string | undefined): string[] | null {
    const m = /^([0-9a-f-]{36})\.(\d+)$/.exec(lastId ?? '');
    if (!m) return null;
    const [epoch, seq] = [m[1]!, Number(m[2])];
    const after = this.#frames.filter((f) => f.epoch === epoch && f.seq > seq);
    const latest = this.#frames.at(-1);
    if (!latest || latest.epoch !== epoch) return null;
    if (after.length === 0) return latest.seq === seq ? [] : null;
    return after[0]!.seq === seq + 1 ? after.map((f) => f.text) : null;
  }
}
const histories = new WeakMap<EventSource, DeltaHistory>();

/**
 * Streams the events to `res` until it closes; returns the function that ends the stream.
 * A client that stops reading is dropped once `maxBacklogBytes` wait for it, rather than
 * grow this process's memory; it reconnects (EventSource does) and reads afresh.
 */
export function streamEvents(res: ServerResponse, events: EventSource, maxBacklogBytes = 1 << 20): () => void {
  // Gzip when the browser takes it (they all do), flushed after every event: a GPU status push
  // of 150 KB costs a few KB, and each event still arrives at once.
  const gzip = acceptsGzip(res.req?.headers['accept-encoding']) ? createGzip({ level: 6 }) : null;
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Reverse proxies (nginx) would otherwise hold events back.
    'X-Accel-Buffering': 'no',
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
  });
  if (gzip) {
    gzip.pipe(res);
    gzip.on('error', () => res.destroy());
  }
  const write = (text: string) => {
    if (!gzip) return void res.write(text);
    gzip.write(text);
    gzip.flush(constants.Z_SYNC_FLUSH);
  };
  let history = histories.get(events);
  if (!history) histories.set(events, (history = new DeltaHistory(events)));
  write('retry: 2000\n\n');
  let ended = false;
  const send = (text: string) => {
    if (ended) return;
    if (res.writableLength + (gzip?.writableLength ?? 0) > maxBacklogBytes) {
      end();
      res.destroy();
      return;
    }
    write(text);
  };
  // Missed deltas first, then live ones: both in this same tick, so none falls between.
  const lastId = res.req?.headers['last-event-id'];
  for (const text of history.since(Array.isArray(lastId) ? lastId[0] : lastId) ?? []) send(text);
  const offs = eventNames.map((name) => events.on(name, (payload) => send(frame(name, payload as object))));
  // A comment now and then keeps idle proxies and browsers from dropping the stream.
  const heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    for (const off of offs) off();
    if (gzip) gzip.end();
    else res.end();
  };
  res.on('close', end);
  return end;
}
