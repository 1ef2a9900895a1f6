// The embedded REST server over real HTTP on loopback, with handlers made of fakes: routes
// bound from the contract, auth, Host/Origin checks, errors, SSE, static files, logs.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../main/core/errors.ts';
import { EventBus } from '../../main/core/events.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { call, fakeHandlers, type Reply } from './helpers.ts';

const TOKEN = 'test-token-0123456789abcdef';
const log = memoryLogger();
const events = new EventBus();
const seen: Reply[] = [];
let health: 'healthy' | 'unhealthy' = 'healthy';
const fake = fakeHandlers({
  health: async () => ({ status: health, kubernetes: health === 'healthy' ? 'connected' : 'disconnected' }),
  deleteDeployment: async ({ deployment_name }) => {
    throw new AppError(404, `deployment ${deployment_name} not found`, { deployment_name });
  },
  listPulls: async () => {
    throw new Error('boom');
  },
});
let server: RestServer;
let staticDir: string;

async function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string | Buffer): Promise<Reply> {
  const reply = await call(server.port, { method, path, headers, body });
  seen.push(reply);
  return reply;
}
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const lastCall = () => fake.calls[fake.calls.length - 1];

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'kmm-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>KMM UI</title><div id="app"></div>');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("ui")');
  writeFileSync(join(staticDir, 'assets', 'app-1234.css'), 'body{}');
  writeFileSync(join(tmpdir(), 'kmm-secret.txt'), 'SECRET-OUTSIDE');
  server = await startRestServer({ port: 0, getHandlers: () => fake.handlers, events, token: TOKEN, staticDir, log });
});

afterAll(async () => {
  await server?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('auth', () => {
  test('binds loopback by default', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  test('health is open, everything else needs the token', async () => {
    const open = await get('/api/health');
    expect(open.status).toBe(200);
    expect(open.json).toEqual({ status: 'healthy', kubernetes: 'connected' });

    const none = await get('/api/deployments');
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ success: false, status: 401 });
    expect(none.headers['content-type']).toMatch(/application\/json/);

    const wrong = await get('/api/deployments', { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    const wrongScheme = await get('/api/deployments', { authorization: `Basic ${TOKEN}` });
    expect(wrongScheme.status).toBe(401);

    const right = await get('/api/deployments', auth);
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ success: true, op: 'listDeployments' });
    // Kept only to be revalidated (ETag), never shared.
    expect(right.headers['cache-control']).toBe('private, no-cache');
  });

  test('the token in the query string does not open /api', async () => {
    expect((await get(`/api/deployments?token=${TOKEN}`)).status).toBe(401);
  });

  test('?token= sets an HttpOnly SameSite=Strict cookie and redirects without the token; the cookie then works', async () => {
    const login = await get(`/?token=${encodeURIComponent(TOKEN)}&view=gpu`);
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/?view=gpu');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0]!;

    const withCookie = await get('/api/usage/ranking', { cookie: `other=1; ${pair}` });
    expect(withCookie.status).toBe(200);
    expect(withCookie.json.op).toBe('usageRanking');

    const forged = await get('/api/usage/ranking', { cookie: `${pair.split('=')[0]}=${TOKEN}` });
    expect(forged.status).toBe(401);

    const bad = await get('/?token=nope');
    expect(bad.status).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
  });
});

describe('Host and Origin', () => {
  test('a foreign Host is refused (DNS rebinding), loopback names are served', async () => {
    for (const path of ['/api/health', '/', '/api/deployments']) {
      const evil = await get(path, { ...auth, host: `evil.example:${server.port}` });
      expect(evil.status).toBe(403);
      expect(evil.json).toMatchObject({ success: false, status: 403 });
    }
    expect((await get('/api/health', { host: 'evil.example' })).status).toBe(403);
    expect((await get('/api/health', { host: 'evil.example.' })).status).toBe(403);
    expect((await get('/api/health', { host: '10.0.0.7' })).status).toBe(403);
    // Through a port-forward the Host carries the local port.
    expect((await get('/api/health', { host: 'localhost:9000' })).status).toBe(200);
    expect((await get('/api/health', { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get('/api/health', { host: `[::1]:${server.port}` })).status).toBe(200);
  });

  test('a state-changing request with a foreign Origin is refused; its own Origin is served', async () => {
    const before = fake.calls.length;
    const foreign = await get('/api/usage/reset', { ...auth, origin: 'http://evil.example' }, 'POST');
    expect(foreign.status).toBe(403);
    const nullOrigin = await get('/api/usage/reset', { ...auth, origin: 'null' }, 'POST');
    expect(nullOrigin.status).toBe(403);
    const otherPort = await get('/api/usage/reset', { ...auth, origin: `http://127.0.0.1:${server.port + 1}` }, 'POST');
    expect(otherPort.status).toBe(403);
    expect(fake.calls.length).toBe(before);

    const own = await get('/api/usage/reset', { ...auth, origin: `http://127.0.0.1:${server.port}` }, 'POST');
    expect(own.status).toBe(200);
    expect(lastCall()?.name).toBe('resetUsage');
  });
});

describe('routes bound from the contract', () => {
  test('unknown route 404, wrong method 405 with Allow, both JSON', async () => {
    const missing = await get('/api/nope', auth);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, status: 404 });

    const wrong = await get('/api/deploy', auth);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.json).toMatchObject({ success: false, status: 405 });

    const options = await get('/api/deployments', auth, 'OPTIONS');
    expect(options.status).toBe(405);
  });

  test('bodies: 413 over 1 MiB, 415 not JSON, 400 bad JSON or not an object', async () => {
    const big = JSON.stringify({ model: 'x'.repeat(1024 * 1024 + 10) });
    const tooBig = await get('/api/usage/track', json, 'POST', big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({ success: false, status: 413 });

    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/usage/track', headers: json, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // No Content-Length: the limit must hold while the body streams in.
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(chunked).toBe(413);

    const text = await get('/api/usage/track', { ...auth, 'content-type': 'text/plain' }, 'POST', '{"model":"llama3"}');
    expect(text.status).toBe(415);
    expect(text.json.status).toBe(415);

    const broken = await get('/api/usage/track', json, 'POST', '{"model": ');
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatch(/JSON/);

    const array = await get('/api/usage/track', json, 'POST', '["llama3"]');
    expect(array.status).toBe(400);

    const ok = await get('/api/usage/track', { ...auth, 'content-type': 'application/json; charset=utf-8' }, 'POST', '{"model":"llama3"}');
    expect(ok.status).toBe(200);
    expect(lastCall()).toEqual({ name: 'trackUsage', input: { model: 'llama3' } });
  });

  test('a contract validation error is a 400 that names the field, and the handler is not called', async () => {
    const before = fake.calls.length;
    const bad = await get('/api/deploy', json, 'POST', JSON.stringify({ model_id: 'llama3.1:8b', deployment_name: 'Bad_Name', memory: 8 }));
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ success: false, status: 400, field: 'deployment_name' });
    expect(bad.json.error).toMatch(/deployment_name/);
    const missing = await get('/api/deploy', json, 'POST', JSON.stringify({ deployment_name: 'ok-name', memory: 8 }));
    expect(missing.status).toBe(400);
    expect(missing.json.field).toBe('model_id');
    expect(fake.calls.length).toBe(before);

    const good = await get('/api/deploy', json, 'POST', JSON.stringify({ model_id: 'llama3.1:8b', deployment_name: 'llama-8b', memory: '8' }));
    expect(good.status).toBe(200);
    // The contract's coercion ran: the seed's "8" arrives as a number.
    expect(lastCall()).toEqual({ name: 'deploy', input: { model_id: 'llama3.1:8b', deployment_name: 'llama-8b', memory: 8 } });
  });

  test('{model} captures the rest of the path, URL-decoded', async () => {
    const plain = await get('/api/ollama/pull/progress/library/llama3.1:8b', auth);
    expect(plain.status).toBe(200);
    expect(lastCall()).toEqual({ name: 'pullProgress', input: { model: 'library/llama3.1:8b' } });

    const encoded = await get('/api/ollama/pull/progress/library%2Fllama3.1%3A8b', auth);
    expect(encoded.status).toBe(200);
    expect(lastCall()).toEqual({ name: 'pullProgress', input: { model: 'library/llama3.1:8b' } });

    const cancel = await get('/api/ollama/pull/library/qwen2.5:0.5b', auth, 'DELETE');
    expect(cancel.status).toBe(200);
    expect(lastCall()).toEqual({ name: 'cancelPull', input: { model: 'library/qwen2.5:0.5b' } });

    const empty = await get('/api/ollama/pull/progress/', auth);
    expect(empty.status).toBe(400);
    expect(empty.json.field).toBe('model');
    const badEscape = await get('/api/ollama/pull/progress/%E0%A4%A', auth);
    expect(badEscape.status).toBe(400);
  });

  test('a pull answers 202; GET input comes from the query string', async () => {
    const pull = await get('/api/ollama/pull', json, 'POST', JSON.stringify({ model: 'llama3.1:8b' }));
    expect(pull.status).toBe(202);
    expect(lastCall()).toEqual({ name: 'pullModel', input: { model: 'llama3.1:8b' } });

    const estimate = await get('/api/vram/estimate?model=llama3.1%3A70b', auth);
    expect(estimate.status).toBe(200);
    expect(lastCall()).toEqual({ name: 'estimateVram', input: { model: 'llama3.1:70b' } });
    const noModel = await get('/api/vram/estimate', auth);
    expect(noModel.status).toBe(400);
    expect(noModel.json.field).toBe('model');
  });

  test("a handler's AppError keeps its status and details; unhealthy health is 503", async () => {
    const gone = await get('/api/delete', json, 'POST', JSON.stringify({ deployment_name: 'nothere' }));
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ success: false, status: 404, error: 'deployment nothere not found', deployment_name: 'nothere' });

    const crash = await get('/api/ollama/pulls', auth);
    expect(crash.status).toBe(500);
    expect(crash.json).toMatchObject({ success: false, error: 'boom' });

    health = 'unhealthy';
    try {
      const down = await get('/api/health');
      expect(down.status).toBe(503);
      expect(down.json).toEqual({ status: 'unhealthy', kubernetes: 'disconnected' });
    } finally {
      health = 'healthy';
    }
  });
});

describe('server-sent events', () => {
  test('GET /api/events needs the token and delivers an emitted event', async () => {
    expect((await get('/api/events')).status).toBe(401);

    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: auth, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('retry:') && !text.includes('event:')) {
            events.emit('usageChanged', { total_requests: 42 });
          }
          if (text.includes('\n\nevent: usageChanged') || /event: usageChanged\ndata: .*\n\n/.test(text)) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toMatch(/event: usageChanged\ndata: \{"total_requests":42\}\n\n/);
  });
});

describe('static renderer', () => {
  test('index.html at /, assets with their types, the SPA fallback and security headers', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('KMM UI');
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');

    const js = await get('/assets/app-1234.js');
    expect(js.status).toBe(200);
    expect(js.text).toBe('console.log("ui")');
    expect(js.headers['content-type']).toMatch(/text\/javascript/);
    expect((await get('/assets/app-1234.css')).headers['content-type']).toMatch(/text\/css/);

    const route = await get('/deployments/llama');
    expect(route.status).toBe(200);
    expect(route.text).toContain('KMM UI');

    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });

  test('a path that leaves the folder is refused', async () => {
    for (const path of ['/..%2fkmm-secret.txt', '/assets/..%2f..%2fkmm-secret.txt', '/%2e%2e/kmm-secret.txt', '/..%5ckmm-secret.txt', '/../kmm-secret.txt', '/%00index.html']) {
      const reply = await get(path);
      expect(reply.text, path).not.toContain('SECRET-OUTSIDE');
      expect([400, 403, 404], path).toContain(reply.status);
    }
  });

  test('an unbuilt renderer gets a page that says to build it', async () => {
    const bare = await startRestServer({ port: 0, getHandlers: () => fake.handlers, events, token: TOKEN, staticDir: join(staticDir, 'nothing') });
    try {
      const page = await call(bare.port, { path: '/' });
      expect(page.status).toBe(200);
      expect(page.text).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

describe('logs and headers', () => {
  test('a manager that is not ready answers 503', async () => {
    const notReady = await startRestServer({
      port: 0,
      getHandlers: () => {
        throw new Error('still connecting');
      },
      events,
      token: TOKEN,
    });
    try {
      const reply = await call(notReady.port, { path: '/api/gpu/status', headers: auth });
      expect(reply.status).toBe(503);
      expect(reply.json.error).toMatch(/still connecting/);
    } finally {
      await notReady.close();
    }
  });

  test('one [REQUEST] line per request, never the token; no CORS header anywhere', async () => {
    await get(`/?token=${TOKEN}`);
    await get('/api/health', auth);
    // Responses are logged when they close; give the last one a moment.
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBeGreaterThan(30);
    for (const reply of seen) expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(log.lines.some((l) => /^\[REQUEST\] GET \/api\/health 200 \d+ms$/.test(l))).toBe(true);
    expect(log.lines.some((l) => /^\[REQUEST\] POST \/api\/ollama\/pull 202 \d+ms$/.test(l))).toBe(true);
    expect(log.lines.some((l) => /^\[REQUEST\] GET \/ 302 \d+ms$/.test(l))).toBe(true);
    const requestLines = log.lines.filter((l) => l.startsWith('[REQUEST]'));
    expect(requestLines.length).toBeGreaterThanOrEqual(seen.length);
    for (const line of log.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toMatch(/token=|Bearer/);
    }
  });
});
