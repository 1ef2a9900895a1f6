// Helpers for the simulator's own tests: raw HTTPS requests that trust the sim's CA.
import { Agent, request } from 'undici';
import type { KubeSim } from './server.ts';

const agents = new WeakMap<KubeSim, Agent>();

function agentFor(sim: KubeSim): Agent {
  let a = agents.get(sim);
  if (!a) agents.set(sim, (a = new Agent({ connect: { ca: sim.caPem } })));
  return a;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function raw(
  sim: KubeSim,
  path: string,
  o: { method?: string; body?: unknown; token?: string | null; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  const token = o.token === undefined ? sim.token : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const res = await request(sim.url + path, { method: (o.method ?? 'GET') as 'GET', headers, body, dispatcher: agentFor(sim) });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Opens a watch and collects its events until `until` is satisfied or the stream ends. */
export async function watchEvents(
  sim: KubeSim,
  path: string,
  until: (events: any[]) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any
  timeoutMs = 5000,
): Promise<{ status: number; events: any[]; ended: boolean }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await request(sim.url + path, {
    headers: { authorization: `Bearer ${sim.token}` }, dispatcher: agentFor(sim), signal: ac.signal,
  });
  const events: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let buf = '';
  let ended = false;
  try {
    for await (const chunk of res.body) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
      if (until(events)) break;
    }
    ended = !until(events);
  } catch {
    // aborted by the timeout
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { status: res.statusCode, events, ended };
}

export async function eventually<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000, stepMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, stepMs));
    v = await fn();
  }
  return v;
}
