// A reader of GET /api/events as a browser's EventSource sees it: each frame with its event
// name, its bytes on the wire and when it arrived.
import { request, type Agent } from 'undici';

export interface Frame {
  event: string;
  data: string;
  bytes: number;
  at: number;
}

export async function openEvents(base: string, token: string, agent: Agent, onFrame: (f: Frame) => void): Promise<() => void> {
  const ac = new AbortController();
  const res = await request(`${base}/api/events`, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: ac.signal });
  if (res.statusCode !== 200) throw new Error(`GET /api/events: ${res.statusCode}`);
  let buf = '';
  void (async () => {
    try {
      for await (const chunk of res.body) {
        const at = performance.now();
        buf += (chunk as Buffer).toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const raw = buf.slice(0, i + 2);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(raw)?.[1];
          const data = /^data: (.*)$/m.exec(raw)?.[1];
          if (event && data !== undefined) onFrame({ event, data, bytes: Buffer.byteLength(raw), at });
        }
      }
    } catch {
      // aborted
    }
  })();
  return () => ac.abort();
}
