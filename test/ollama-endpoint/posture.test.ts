// The local posture of Ollama's own server: loopback names only in Host, browser pages only
// from allowed origins (loopback, app://, ... and OLLAMA_ORIGINS), no token from loopback, and
// a refusal that says why (JSON 403) without anything reaching Ollama.
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaEndpoint } from '../../main/ollama-endpoint/index.ts';
import { startWorld, type World } from './harness.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ endpoint: { env: { OLLAMA_ORIGINS: 'https://dash.example.com,chrome-extension://*' } } });
});
afterAll(async () => {
  await w?.close();
});

function send(url: string, o: { method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = httpRequest({ host: u.hostname, port: u.port, method: o.method ?? 'GET', path: o.path, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...o.headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const generated = () => w.sim.ollama.state.generateCounts.get('llama3.2:1b') ?? 0;
const generate = { method: 'POST', path: '/api/generate', body: { model: 'llama3.2:1b', prompt: 'hi', stream: false } };

describe('Host', () => {
  it('answers local names as Ollama does', async () => {
    for (const host of ['localhost', `127.0.0.1:${w.endpoint.port}`, '[::1]:11434', 'my-laptop.local', 'box.internal', 'app.localhost', '10.1.2.3', '192.168.0.5:80']) {
      const r = await send(w.endpoint.url, { path: '/api/version', headers: { host } });
      expect(r.status, host).toBe(200);
    }
  });

  it('refuses any other name (DNS rebinding) with a JSON message, and Ollama never sees the request', async () => {
    const before = generated();
    const r = await send(w.endpoint.url, { ...generate, headers: { host: 'evil.example:11434' } });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.text).error).toContain('host evil.example:11434 is not allowed');
    expect(generated()).toBe(before);
    const ok = await send(w.endpoint.url, generate);
    expect(ok.status).toBe(200);
    expect(generated()).toBe(before + 1);
  });
});

describe('Origin', () => {
  it('lets pages of loopback origins, app:// and OLLAMA_ORIGINS call, naming them in Access-Control-Allow-Origin', async () => {
    for (const origin of ['http://localhost:3000', 'https://127.0.0.1', 'http://0.0.0.0:8080', 'app://obsidian.md', 'file://', 'vscode-webview://abc', 'https://dash.example.com', 'chrome-extension://abcdef']) {
      const r = await send(w.endpoint.url, { path: '/api/tags', headers: { origin } });
      expect(r.status, origin).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe(origin);
    }
    const pre = await send(w.endpoint.url, { method: 'OPTIONS', path: '/api/chat', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(pre.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('refuses a foreign origin with a JSON message (OpenAI-shaped under /v1), and Ollama never sees it', async () => {
    const before = generated();
    const r = await send(w.endpoint.url, { ...generate, headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toEqual({ error: expect.stringContaining('origin https://evil.example is not allowed') });
    const v1 = await send(w.endpoint.url, { method: 'POST', path: '/v1/chat/completions', headers: { origin: 'http://localhost.evil.example' }, body: { model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }] } });
    expect(v1.status).toBe(403);
    expect(JSON.parse(v1.text).error).toMatchObject({ message: expect.stringContaining('not allowed'), type: 'permission_error' });
    const pre = await send(w.endpoint.url, { method: 'OPTIONS', path: '/api/chat', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(403);
    expect(generated()).toBe(before);
  });
});

describe('paths', () => {
  it('refuses a path that could climb out of the service proxy (an encoded "/" or ".."), before anything is sent', async () => {
    for (const path of ['/api/..%2F..%2F..%2Fsecrets', '/api/x%2F..%2F..%2Fy', '/v1/models/a%5Cb', '/api/tags%00']) {
      const r = await send(w.endpoint.url, { path });
      expect(r.status, path).toBe(400);
      expect(r.text).toContain('is not an Ollama path');
    }
    // What clients do send still works: an encoded ":" in a model name.
    const m = await send(w.endpoint.url, { path: '/v1/models/llama3.2%3A1b' });
    expect(m.status).toBe(200);
    expect(JSON.parse(m.text).id).toBe('llama3.2:1b');
  });
});

describe('beyond loopback', () => {
  it('refuses to bind beyond loopback without a strong token', async () => {
    await expect(startOllamaEndpoint({ host: '0.0.0.0', port: 0, getCore: () => null, env: {} })).rejects.toThrow(/without a strong token/);
    await expect(startOllamaEndpoint({ host: '0.0.0.0', port: 0, getCore: () => null, env: {}, token: 'short' })).rejects.toThrow(/without a strong token/);
  });

  const lan = Object.values(networkInterfaces()).flatMap((l) => l ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(!lan)('bound to a LAN address on purpose, a peer there needs the REST token as a bearer; loopback still does not', async () => {
    const ep = await startOllamaEndpoint({ host: '0.0.0.0', port: 0, getCore: () => w.manager.endpoint, env: {}, token: 'a-long-enough-token-for-this-test-0123456789' });
    try {
      const url = `http://${lan}:${ep.port}`;
      const refused = await send(url, { path: '/api/tags' });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text).error).toContain('need Authorization: Bearer');
      const ok = await send(url, { path: '/api/tags', headers: { authorization: 'Bearer a-long-enough-token-for-this-test-0123456789' } });
      expect(ok.status).toBe(200);
      expect((await send(`http://127.0.0.1:${ep.port}`, { path: '/api/tags' })).status).toBe(200);
    } finally {
      await ep.close();
    }
  });
});
