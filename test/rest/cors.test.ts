// Cross-origin pages (the seed answered every origin; this server only the ones named): the
// preflight and response headers as a browser reads them, and what stays refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { settingsSchema } from '../../preload/contract/index.ts';
import { call, fakeHandlers } from './helpers.ts';

const TOKEN = 'cors-test-token-0123456789';
const DASH = 'https://dash.example.com';
const auth = { authorization: `Bearer ${TOKEN}` };
const preflightFrom = (origin: string) => ({ origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' });

describe('cross-origin pages', () => {
  let open: RestServer;
  let closed: RestServer;
  const fakes = fakeHandlers();
  let allowed: string[] = [DASH];

  beforeAll(async () => {
    const base = { port: 0, getHandlers: () => fakes.handlers, events: { on: () => () => {} }, token: TOKEN };
    open = await startRestServer({ ...base, allowedOrigins: () => allowed });
    closed = await startRestServer(base);
  });
  afterAll(async () => {
    await open?.close();
    await closed?.close();
  });

  it('answers the preflight of an allowed origin without a token, naming the origin (never *)', async () => {
    const r = await call(open.port, { method: 'OPTIONS', path: '/api/usage/track', headers: preflightFrom(DASH) });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(DASH);
    expect(r.headers['vary']).toBe('Origin');
    expect(String(r.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(r.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses the preflight of any other origin with a JSON 403 that names it, and by default every origin', async () => {
    for (const [server, origin] of [[open, 'https://evil.example'], [open, 'https://dash.example.com.evil.example'], [open, 'http://dash.example.com'], [closed, DASH]] as const) {
      const r = await call(server.port, { method: 'OPTIONS', path: '/api/usage/track', headers: preflightFrom(origin) });
      expect(r.status, origin).toBe(403);
      expect(r.json).toMatchObject({ success: false, field: 'Origin' });
      expect(r.json.error).toContain(origin);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('lets an allowed page call with the token (state-changing too), and still needs the token', async () => {
    const post = { ...auth, origin: DASH, 'content-type': 'application/json' };
    const ok = await call(open.port, { method: 'POST', path: '/api/usage/track', headers: post, body: '{"model":"Llama 2 7B"}' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(DASH);
    expect(fakes.calls.at(-1)).toEqual({ name: 'trackUsage', input: { model: 'Llama 2 7B' } });

    const noToken = await call(open.port, { path: '/api/gpu/status', headers: { origin: DASH } });
    expect(noToken.status).toBe(401);
    // Readable by the page, so it can say why.
    expect(noToken.headers['access-control-allow-origin']).toBe(DASH);

    const foreign = await call(open.port, { method: 'POST', path: '/api/usage/track', headers: { ...post, origin: 'https://evil.example' }, body: '{"model":"x"}' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const closedPost = await call(closed.port, { method: 'POST', path: '/api/usage/track', headers: post, body: '{"model":"x"}' });
    expect(closedPost.status).toBe(403);
  });

  it('reads the allowed origins per request (a Settings change applies at once)', async () => {
    allowed = [];
    const r = await call(open.port, { method: 'OPTIONS', path: '/api/gpu/status', headers: preflightFrom(DASH) });
    expect(r.status).toBe(403);
    allowed = [DASH];
    expect((await call(open.port, { method: 'OPTIONS', path: '/api/gpu/status', headers: preflightFrom(DASH) })).status).toBe(204);
  });

  it('the setting takes origins only: normalised, and anything else refused naming the value', () => {
    const parse = (allowedOrigins: unknown) => settingsSchema.shape.allowedOrigins.safeParse(allowedOrigins);
    expect(parse(['HTTPS://Dash.Example.com/', 'http://127.0.0.1:3000']).data).toEqual([DASH, 'http://127.0.0.1:3000']);
    for (const bad of ['*', 'null', 'dash.example.com', 'https://dash.example.com/app', 'https://u:p@dash.example.com', 'ftp://x.example', 'https://x.example?a=1']) {
      const r = parse([bad]);
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.message, bad).toContain('is not an origin');
    }
  });
});
