// GET /api/events: every event of the contract, as server-sent events, for as long as the
// browser keeps the stream open.
import type { ServerResponse } from 'node:http';
import { eventNames, type EventName, type Events } from '../../preload/contract/index.ts';
import { COMMON_HEADERS } from './security.ts';

/** What the server needs of an event bus (main/core/events.ts EventBus fits). */
export interface EventSource {
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
}

const HEARTBEAT_MS = 20_000;

/**
 * Streams the events to `res` until it closes; returns the function that ends the stream.
 * A client that stops reading is dropped once `maxBacklogBytes` wait for it, rather than
 * grow this process's memory; it reconnects (EventSource does) and reads afresh.
 */
export function streamEvents(res: ServerResponse, events: EventSource, maxBacklogBytes = 1 << 20): () => void {
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Reverse proxies (nginx) would otherwise hold events back.
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let ended = false;
  const send = (text: string) => {
    if (ended) return;
    if (res.writableLength > maxBacklogBytes) {
      end();
      res.destroy();
      return;
    }
    res.write(text);
  };
  const offs = eventNames.map((name) =>
    events.on(name, (payload) => send(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
  );
  // A comment now and then keeps idle proxies and browsers from dropping the stream.
  const heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    for (const off of offs) off();
    res.end();
  };
  res.on('close', end);
  return end;
}
