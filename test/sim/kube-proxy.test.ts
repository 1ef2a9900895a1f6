// The service proxy: path forms, streaming of request and response bodies (an NDJSON
// stream must arrive line by line, not at the end), and the no-endpoints answer.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Agent, request } from 'undici';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw } from './kube/testing.ts';

let sim: KubeSim;
let backend: Server;
let lastBody = '';
let lastPath = '';

beforeAll(async () => {
  // Stand-in Ollama: /api/pull streams three NDJSON lines 300 ms apart; /echo returns the body.
  backend = createServer((req, res) => {
    lastPath = req.url ?? '';
    if (req.url === '/api/pull') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        lastBody = body;
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        const lines = ['{"status":"pulling manifest"}', '{"status":"pulling abc","total":100,"completed":50}', '{"status":"success"}'];
        lines.forEach((l, i) => setTimeout(() => (i === lines.length - 1 ? res.end(l + '\n') : res.write(l + '\n')), i * 300));
      });
      return;
    }
    if (req.url?.startsWith('/api/version')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"version":"0.12.0"}');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  sim = await startKubeSim({ ollamaUrl: `http://127.0.0.1:${(backend.address() as { port: number }).port}`, readyDelayMs: 50, quiet: true });
});
afterAll(async () => {
  await sim?.close();
  backend?.close();
});

const base = '/api/v1/namespaces/model-hosting/services';

describe('service proxy', () => {
  test('NAME:PORT, NAME and http:NAME:PORT reach the backend, with the query string', async () => {
    for (const ref of ['ollama-service:11434', 'ollama-service', 'http:ollama-service:11434', 'ollama-service:http']) {
      const r = await raw(sim, `${base}/${ref}/proxy/api/version?x=1`);
      expect(r.status, ref).toBe(200);
      expect(r.json).toEqual({ version: '0.12.0' });
      expect(lastPath).toBe('/api/version?x=1');
    }
    const nf = await raw(sim, `${base}/ollama-service:11434/proxy/api/nothing`);
    expect(nf.status).toBe(404);
    expect(nf.json).toEqual({ error: 'not found' });
    const missing = await raw(sim, `${base}/nope:11434/proxy/api/version`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('services "nope" not found');
  });

  test('an NDJSON stream arrives incrementally and the request body passes through', async () => {
    const agent = new Agent({ connect: { ca: sim.caPem } });
    const t0 = Date.now();
    const res = await request(`${sim.url}${base}/ollama-service:11434/proxy/api/pull`, {
      method: 'POST', dispatcher: agent,
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', stream: true }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    const arrivals: [number, string][] = [];
    let buf = '';
    for await (const chunk of res.body) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        arrivals.push([Date.now() - t0, buf.slice(0, i)]);
        buf = buf.slice(i + 1);
      }
    }
    expect(arrivals.map(([, l]) => JSON.parse(l).status)).toEqual(['pulling manifest', 'pulling abc', 'success']);
    // The first line came long before the last: nothing buffered the stream.
    expect(arrivals[2]![0] - arrivals[0]![0]).toBeGreaterThanOrEqual(450);
    expect(arrivals[0]![0]).toBeLessThan(arrivals[2]![0] - 400);
    expect(JSON.parse(lastBody)).toEqual({ model: 'llama3.2', stream: true });
    await agent.close();
  });

  test('the read-only token may GET through the proxy but not POST', async () => {
    expect((await raw(sim, `${base}/ollama-service:11434/proxy/api/version`, { token: sim.readOnlyToken })).status).toBe(200);
    const post = await raw(sim, `${base}/ollama-service:11434/proxy/api/pull`, { token: sim.readOnlyToken, method: 'POST', body: {} });
    expect(post.status).toBe(403);
    expect(post.json.message).toContain('cannot create resource "services/proxy"');
  });

  test('no ready pods behind the service: 503 no endpoints available', async () => {
    const d = '/apis/apps/v1/namespaces/model-hosting/deployments/ollama';
    await raw(sim, d, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { replicas: 0 } } });
    const r = await eventually(() => raw(sim, `${base}/ollama-service:11434/proxy/api/version`), (x) => x.status === 503);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503, message: 'no endpoints available for service "ollama-service"' });
    await raw(sim, d, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { replicas: 1 } } });
    await eventually(() => raw(sim, `${base}/ollama-service:11434/proxy/api/version`), (x) => x.status === 200);
  });

  test('a service whose pods are not Ollama: connection refused as 503', async () => {
    const svc = await raw(sim, '/api/v1/namespaces/team-a/services', { method: 'POST',
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
    expect(svc.status).toBe(201);
    expect(svc.json.spec.clusterIP).toMatch(/^10\.96\./);
    const r = await raw(sim, '/api/v1/namespaces/team-a/services/web:80/proxy/');
    expect(r.status).toBe(503);
    expect(r.json.message).toMatch(/^error trying to reach service: dial tcp 10\.244\.\d+\.\d+:80: connect: connection refused$/);
    expect((await raw(sim, '/api/v1/namespaces/team-a/services/web', { method: 'DELETE' })).status).toBe(200);
    expect((await raw(sim, '/api/v1/namespaces/team-a/services/web')).status).toBe(404);
  });
});
