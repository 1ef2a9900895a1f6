// Deployment deltas on GET /api/events: each carries `id: epoch.seq`, and a browser that
// reconnects with Last-Event-ID (as EventSource does) gets the deltas it missed, in order,
// before the live ones; when they are not all kept (another epoch, too old) it gets none and
// reads the snapshot again.
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DeploymentsDelta } from '../../preload/contract/index.ts';
import { EventBus } from '../../main/core/events.ts';
import { startRestServer } from '../../main/rest/server.ts';
import { DELTA_HISTORY } from '../../main/rest/sse.ts';
import { fakeHandlers } from './helpers.ts';

const TOKEN = 'sse-deltas-token-0123456789abcdef';
const EPOCH = '6f1c1b1e-0c56-4d1a-9a43-0d9f3f1d2a10';
const events = new EventBus();
let server: Awaited<ReturnType<typeof startRestServer>>;

beforeAll(async () => {
  server = await startRestServer({ port: 0, getHandlers: () => fakeHandlers().handlers, events, token: TOKEN });
});
afterAll(async () => {
  await server?.close();
});

const delta = (seq: number, epoch = EPOCH): DeploymentsDelta => ({ epoch, seq, upserts: [], deletes: [{ namespace: 'ns', name: `d${seq}` }] });

/** Opens the stream; resolves once it is open (the retry line arrived), with what it received so far. */
function open(lastEventId?: string): Promise<{ req: ClientRequest; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) };
    const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        const first = !text;
        text += c;
        if (first) resolve({ req, text: () => text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The deltas in a stream's text, as id and seq. */
function deltas(text: string): { id: string; seq: number }[] {
  return [...text.matchAll(/id: (\S+)\nevent: deploymentsChanged\ndata: (.*)\n\n/g)].map((m) => ({ id: m[1]!, seq: (JSON.parse(m[2]!) as DeploymentsDelta).seq }));
}

const settle = () => new Promise((r) => setTimeout(r, 100));

test('deltas carry epoch.seq as their id; a reconnect with Last-Event-ID replays the missed ones, then the live ones', async () => {
  const a = await open();
  events.emit('deploymentsChanged', delta(1));
  events.emit('deploymentsChanged', delta(2));
  await settle();
  expect(deltas(a.text())).toEqual([
    { id: `${EPOCH}.1`, seq: 1 },
    { id: `${EPOCH}.2`, seq: 2 },
  ]);
  a.req.destroy();
  // Missed while disconnected:
  events.emit('deploymentsChanged', delta(3));
  events.emit('deploymentsChanged', delta(4));
  const b = await open(`${EPOCH}.2`);
  events.emit('deploymentsChanged', delta(5));
  await settle();
  expect(deltas(b.text()).map((d) => d.seq)).toEqual([3, 4, 5]);
  b.req.destroy();
  // Up to date: nothing replayed.
  const c = await open(`${EPOCH}.5`);
  await settle();
  expect(deltas(c.text())).toEqual([]);
  c.req.destroy();
});

test('no replay when the missed deltas are not all kept, or the epoch is another: the browser reads the snapshot again', async () => {
  const other = await open(`0e0e0e0e-0c56-4d1a-9a43-0d9f3f1d2a10.3`);
  await settle();
  expect(deltas(other.text())).toEqual([]);
  other.req.destroy();
  for (let s = 6; s < 6 + DELTA_HISTORY + 2; s++) events.emit('deploymentsChanged', delta(s));
  const old = await open(`${EPOCH}.3`);
  await settle();
  expect(deltas(old.text())).toEqual([]);
  old.req.destroy();
  // A new manager (new epoch): an id of the old one is not replayed against it.
  events.emit('deploymentsChanged', delta(1, '11111111-2222-4333-8444-555555555555'));
  const stale = await open(`${EPOCH}.${6 + DELTA_HISTORY}`);
  await settle();
  expect(deltas(stale.text())).toEqual([]);
  stale.req.destroy();
});

test('with Accept-Encoding: gzip the stream is gzip, each event readable as soon as it is sent, a large push a fraction of its size', async () => {
  const { createGunzip } = await import('node:zlib');
  let wire = 0;
  let text = '';
  const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Authorization: `Bearer ${TOKEN}`, 'Accept-Encoding': 'gzip, deflate, br' }, agent: false });
  const opened = new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    req.on('response', (res) => {
      const gunzip = createGunzip();
      res.on('data', (c: Buffer) => (wire += c.length));
      res.pipe(gunzip).setEncoding('utf8').on('data', (c: string) => (text += c));
      resolve(res.headers);
    });
    req.on('error', reject);
  });
  req.end();
  const headers = await opened;
  expect(headers['content-encoding']).toBe('gzip');
  await settle();
  expect(text).toContain('retry: 2000');
  const before = wire;
  const upserts = Array.from({ length: 400 }, (_, i) => ({ name: `app-${i}`, namespace: 'ns-0001', model_id: '', image: 'nginx:1.27.3', status: 'Running' as const, replicas: '4/4', gpu: '0', memory: '', created: '2026-11-11T09:41:54Z', managed: false, model_server: false }));
  events.emit('deploymentsChanged', { epoch: EPOCH, seq: 10_000, upserts, deletes: [] });
  await settle();
  const raw = JSON.stringify(upserts).length;
  expect(text).toContain('"seq":10000');
  expect(wire - before).toBeLessThan(raw / 5);
  req.destroy();
});
