// The REST transport: every operation's request is built from its route in the contract,
// so nothing here knows a path by heart. Auth is the same-origin cookie set by `/?token=`.
import { eventNames, operations, type EventName, type Events, type OperationName, type Output } from '../../preload/contract/index.ts';
import { ApiError } from './errors.ts';
import { buildRequest } from './request.ts';
import type { Transport } from './transport.ts';

async function readError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): keep the text as the message.
  }
  const message = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : text.slice(0, 200) || res.statusText || 'request failed';
  return new ApiError(res.status, message, body);
}

export function createHttpTransport(base = ''): Transport {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  const deliver = (event: EventName, data: string) => {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const l of listeners.get(event) ?? []) l(payload as never);
  };

  const open = () => {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource(`${base}/api/events`);
    for (const name of eventNames) source.addEventListener(name, (e) => deliver(name, String((e as MessageEvent).data)));
    // EventSource reconnects by itself; the stores' polling covers the gap.
  };

  return {
    kind: 'http',
    supports: (name) => Boolean(operations[name].rest),
    async invoke<N extends OperationName>(name: N, input: unknown): Promise<Output<N>> {
      const route = operations[name].rest;
      if (!route) throw new ApiError(501, `${name} is only available in the desktop app`);
      const req = buildRequest(route, (input ?? {}) as Record<string, unknown>, base);
      let res: Response;
      try {
        res = await fetch(req.url, {
          method: req.method,
          headers: req.body !== undefined ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
          body: req.body,
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiError(0, `cannot reach the server: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!res.ok) throw await readError(res);
      return (await res.json()) as Output<N>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      open();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
  };
}
