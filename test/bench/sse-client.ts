// A reader of GET /api/events as a browser's EventSource sees it: each frame with its event
// name, its bytes on the wire and when it arrived.
import { createGunzip } from 'node:zlib';
import { request, type Agent } from 'undici';

export interface Frame {
  event: string;
  data: string;
  /** Its bytes as text, and on the wire (gzip'd when asked for: the compressed bytes since the previous frame). */
  bytes: number;
  wireBytes: number;
  at: number;
}

export async function openEvents(base: string, token: string, agent: Agent, onFrame: (f: Frame) => void, opts: { gzip?: boolean } = {}): Promise<() => void> {
  const ac = new AbortController();
  const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(opts.gzip ? { 'accept-encoding': 'gzip' } : {}) };
  const res = await request(`${base}/api/events`, { dispatcher: agent, headers, signal: ac.signal });
  if (res.statusCode !== 200) throw new Error(`GET /api/events: ${res.statusCode}`);
  let buf = '';
  let wire = 0;
  const zipped = res.headers['content-encoding'] === 'gzip';
  const body = zipped ? res.body.pipe(createGunzip()) : res.body;
  res.body.on('data', (c: Buffer) => (wire += c.length));
  void (async () => {
    try {
      for await (const chunk of body) {
        const at = performance.now();
        buf += (chunk as Buffer).toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const raw = buf.slice(0, i + 2);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(raw)?.[1];
          const data = /^data: (.*)$/m.exec(raw)?.[1];
          if (event && data !== undefined) onFrame({ event, data, bytes: Buffer.byteLength(raw), wireBytes: zipped ? wire : Buffer.byteLength(raw), at });
          wire = 0;
        }
      }
    } catch {
      // aborted
    }
  })();
  return () => ac.abort();
}
