// What a hostile local user or a careless client can do to the embedded server: sessions that
// are fresh per server and expire, login links good once, no open redirect, throttled token
// guessing, a weak token refused beyond loopback, bounded connections, streams and bodies, and
// Node's own errors answered as JSON.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/core/events.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { Sessions } from '../../main/rest/sessions.ts';
import { call, fakeHandlers } from './helpers.ts';

const TOKEN = 'hardening-test-token-8b1d7c2e9f';
const auth = { authorization: `Bearer ${TOKEN}` };
const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0]!;

function raw(port: number, text: string, waitMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, waitMs);
    socket.write(text);
  });
}

describe('sessions and login links', () => {
  let a: RestServer;
  let b: RestServer;
  beforeAll(async () => {
    const base = { port: 0, getHandlers: () => fakeHandlers().handlers, events: new EventBus(), token: TOKEN };
    a = await startRestServer(base);
    b = await startRestServer(base);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('makes a fresh random session per login, valid only on the server that made it', async () => {
    const first = cookieOf((await call(a.port, { path: `/?token=${TOKEN}` })).headers['set-cookie']);
    const second = cookieOf((await call(a.port, { path: `/?token=${TOKEN}` })).headers['set-cookie']);
    expect(first).not.toBe(second);
    expect((await call(a.port, { path: '/api/usage/ranking', headers: { cookie: first } })).status).toBe(200);
    // Same token, another server (another start): the session means nothing there, even under its cookie name.
    const value = first.split('=')[1]!;
    expect((await call(b.port, { path: '/api/usage/ranking', headers: { cookie: `kmm_session_${b.port}=${value}` } })).status).toBe(401);
  });

  it('gives the session a lifetime, in the cookie and on the server', () => {
    let now = 1_000_000;
    const sessions = new Sessions(() => now);
    const id = sessions.open();
    expect(sessions.valid(id)).toBe(true);
    now += sessions.maxAgeSeconds * 1000 - 1;
    expect(sessions.valid(id)).toBe(true);
    now += 2;
    expect(sessions.valid(id)).toBe(false);
  });

  it('sets Max-Age on the cookie', async () => {
    const r = await call(a.port, { path: `/?token=${TOKEN}` });
    expect(String(r.headers['set-cookie'])).toMatch(/Max-Age=\d+/);
  });

  it('opens a login link once; the address left in history is worthless', async () => {
    const link = new URL(a.loginUrl());
    expect(link.searchParams.has('token')).toBe(false);
    const path = `${link.pathname}${link.search}`;
    const first = await call(a.port, { path });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const again = await call(a.port, { path });
    expect(again.status).toBe(401);
    expect(again.json.error).toMatch(/used already/);
    // Two links are two codes.
    expect(a.loginUrl()).not.toBe(a.loginUrl());
  });

  it('redirects after login only to a path on this server (no open redirect)', async () => {
    for (const path of [`/.//evil.com?token=${TOKEN}`, `//evil.com/?token=${TOKEN}`, `/\\evil.com?token=${TOKEN}`, `/%2F%2Fevil.com?token=${TOKEN}`]) {
      const r = await call(a.port, { path });
      expect(r.status, path).toBe(302);
      const location = String(r.headers.location);
      expect(location.startsWith('/'), `${path} -> ${location}`).toBe(true);
      expect(location.startsWith('//') || location.startsWith('/\\'), `${path} -> ${location}`).toBe(false);
      expect(new URL(location, 'http://127.0.0.1/').host, `${path} -> ${location}`).toBe('127.0.0.1');
    }
  });
});

describe('guessing the token', () => {
  let server: RestServer;
  beforeAll(async () => {
    server = await startRestServer({ port: 0, getHandlers: () => fakeHandlers().handlers, events: new EventBus(), token: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 with Retry-After after 10 wrong tokens from one address; a signed-in browser is not locked out', async () => {
    const cookie = cookieOf((await call(server.port, { path: `/?token=${TOKEN}` })).headers['set-cookie']);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(server.port, { path: '/api/deployments', headers: { authorization: `Bearer guess-${i}` } })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right token waits now: the limit must not tell a guesser when it guessed right.
    const right = await call(server.port, { path: '/api/deployments', headers: auth });
    expect(right.status).toBe(429);
    expect(right.json.retry_after).toBeGreaterThan(0);
    expect((await call(server.port, { path: `/?token=guess` })).status).toBe(429);
    expect((await call(server.port, { path: '/api/deployments', headers: { cookie } })).status).toBe(200);
    // Requests without any credential (a page not signed in yet) never count.
    expect((await call(server.port, { path: '/api/health' })).status).toBe(200);
  });
});

describe('serving beyond loopback', () => {
  it('refuses a weak token on 0.0.0.0, and warns with the real addresses for a strong one', async () => {
    for (const token of ['secret', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'short-but-mixed-123']) {
      await expect(startRestServer({ host: '0.0.0.0', port: 0, getHandlers: () => fakeHandlers().handlers, events: new EventBus(), token })).rejects.toThrow(/weak token/);
    }
    const log = memoryLogger();
    const server = await startRestServer({ host: '0.0.0.0', port: 0, getHandlers: () => fakeHandlers().handlers, events: new EventBus(), token: TOKEN, log });
    try {
      const warning = log.lines.find((l) => l.startsWith('[REST]') && l.includes('plain HTTP'));
      expect(warning).toBeDefined();
      expect(warning).toContain(`:${server.port}`);
      expect(warning).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
    // Loopback keeps taking any token (tests, a person's own choice on their own machine).
    const local = await startRestServer({ port: 0, getHandlers: () => fakeHandlers().handlers, events: new EventBus(), token: 'secret' });
    await local.close();
  });
});

describe('connections, bodies and streams', () => {
  let server: RestServer;
  const events = new EventBus();
  beforeAll(async () => {
    server = await startRestServer({
      port: 0,
      getHandlers: () => fakeHandlers().handlers,
      events,
      token: TOKEN,
      limits: { requestTimeoutMs: 800, headersTimeoutMs: 500, maxEventClients: 2, maxEventBacklogBytes: 64 * 1024 },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers Node's malformed-request errors as JSON", async () => {
    const text = await raw(server.port, 'GARBAGE / HTTP/1.1\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ success: false, status: 400, error: expect.any(String) });
  });

  it('ends a body that never finishes, with a JSON 408, instead of holding the connection', async () => {
    const started = Date.now();
    const text = await raw(server.port, `POST /api/usage/track HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"mod`, 5000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"status":408');
  });

  it('caps event-stream clients with a JSON 503', async () => {
    const open = [0, 1].map(() => raw(server.port, `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`, 1500));
    await new Promise((r) => setTimeout(r, 200));
    expect(server.eventClients).toBe(2);
    const third = await call(server.port, { path: '/api/events', headers: auth });
    expect(third.status).toBe(503);
    expect(third.json.error).toMatch(/event streams/);
    await Promise.all(open);
  });

  it('drops an event-stream client that stops reading, instead of buffering for it', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 200));
    socket.pause(); // never reads again
    const before = server.eventClients;
    expect(before).toBeGreaterThanOrEqual(1);
    const big = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && server.eventClients >= before; i++) {
      events.emit('usageChanged', { total_requests: i, note: big } as never);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(server.eventClients).toBe(before - 1);
    socket.destroy();
  });
});
