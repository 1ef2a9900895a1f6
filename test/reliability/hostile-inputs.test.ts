// Property-based: hostile and malformed inputs to every REST route and every IPC operation,
// against the real core on the simulated cluster. Whatever arrives, the answer is a JSON 4xx
// (or a success), never a 5xx, a hang or a crash; and nothing unchecked reaches Ollama: a
// counting proxy in front of the simulated Ollama checks every model name it is sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { handleInvoke } from '../../main/shell/invoke.ts';
import { modelName, operationNames, operations, type OperationName } from '../../preload/contract/index.ts';
import { call, type Reply } from '../rest/helpers.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { recordFigure } from './figures.ts';

const TOKEN = 'hostile-inputs-token-7f3a9c1e5b';
// Settings changes that succeed rebuild the manager (another namespace has no Ollama); they are
// fuzzed with invalid values only, below.
const SKIP = new Set<OperationName>(['updateSettings', 'resetUsage']);
const NASTY = [
  '', ' ', '../../etc/passwd', '__proto__', 'constructor', 'a'.repeat(5000), '%00', '\u0000', '\u202e', '<script>alert(1)</script>', '${jndi:x}',
  'llama3.1:8b', 'my.ns/model', 'model-hosting', 'kube-system', 'default', '0x10', '1e3', 'true', 'NaN', '-1', '9'.repeat(400), 'ollama', 'a/b/c/d/e',
];
const value = fc.oneof(
  fc.constantFrom<unknown>(...NASTY),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const fieldsOf = (name: OperationName) => Object.keys((operations[name].input as unknown as { shape?: object }).shape ?? {});
const inputFor = (name: OperationName) =>
  fc.oneof(
    fc.dictionary(fc.constantFrom(...fieldsOf(name), 'extra', '__proto__'), value, { maxKeys: 5 }),
    fc.record(Object.fromEntries(fieldsOf(name).map((k) => [k, value]))),
  );

let sim: SimCluster;
let dir: string;
let host: ManagerHost;
let server: RestServer;
let proxy: Server;
const ollamaSaw: { path: string; model?: unknown }[] = [];

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  // Every request the app sends to Ollama passes here first (the API server's service proxy forwards to it).
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let model: unknown;
      try {
        const j = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
        model = j.model ?? j.name ?? j.source;
      } catch {
        /* not JSON: no model */
      }
      ollamaSaw.push({ path: req.url ?? '', model });
      const target = new URL(sim.ollama.url);
      const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  sim.kube.setOllamaUrl(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  dir = mkdtempSync(join(tmpdir(), 'kmm-hostile-'));
  const settings = fileSettings(join(dir, 'config'));
  settings.update({ ollamaRoutes: ['service-proxy'] });
  host = await ManagerHost.start({ settings, env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' }, log: silentLogger, stateDir: join(dir, 'state'), kubeconfigYaml: sim.kube.kubeconfig() });
  server = await startRestServer({ port: 0, getHandlers: () => host.handlers, events: host.events, token: TOKEN, log: silentLogger });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await host?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let tried = 0;
function checkAnswer(what: string, status: number, body: any): void {
  tried++;
  expect(status, `${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    expect(body, what).toMatchObject({ success: false, error: expect.any(String), status });
    expect(body.error.length, what).toBeGreaterThan(0);
  }
}

function pathFor(name: OperationName, input: Record<string, unknown>): { method: string; path: string; body?: string } {
  const rest = operations[name].rest!;
  let path = rest.path;
  const capture = /\{(\w+)\}$/.exec(path);
  if (capture) {
    const v = input[capture[1]!];
    path = path.replace(capture[0], encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v ?? '')));
  }
  if (rest.method === 'GET') {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(input)) q.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return { method: 'GET', path: `${path}${q.size ? `?${q}` : ''}` };
  }
  return { method: rest.method, path, body: JSON.stringify(input) };
}

describe('hostile inputs', { timeout: 240_000 }, () => {
  const restOps = operationNames.filter((n) => operations[n].rest && !SKIP.has(n));

  it('over REST: every route answers JSON below 500 to arbitrary inputs', async () => {
    for (const name of restOps) {
      await fc.assert(
        fc.asyncProperty(inputFor(name), async (input) => {
          const r = pathFor(name, input as Record<string, unknown>);
          const reply: Reply = await call(server.port, {
            method: r.method,
            path: r.path,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            ...(r.body !== undefined ? { body: r.body } : {}),
          });
          checkAnswer(`${name} ${r.method} ${r.path.slice(0, 120)}`, reply.status, reply.json);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('over REST: bodies that are not JSON objects, and settings of the wrong types', async () => {
    const bodies = fc.oneof(fc.string(), fc.json(), fc.constantFrom('{', '[]', 'null', '"x"', '{"a":', '\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...restOps.filter((n) => operations[n].rest!.method === 'POST')), bodies, async (name, body) => {
        const reply = await call(server.port, { method: 'POST', path: operations[name].rest!.path, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
        checkAnswer(`${name} body ${body.slice(0, 60)}`, reply.status, reply.json);
      }),
      { numRuns: 80 },
    );
    const wrongTypes = fc.record({ namespace: fc.oneof(fc.integer(), fc.constant('Not_A_Label'), fc.constant('a'.repeat(70))), restPort: fc.oneof(fc.string(), fc.constant(80), fc.constant(70000)), deployImage: fc.constantFrom('::', 'Ollama/Ollama', '') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(wrongTypes.filter((o) => Object.keys(o).length > 0), async (input) => {
        const reply = await call(server.port, { method: 'POST', path: '/api/settings', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
        checkAnswer('updateSettings', reply.status, reply.json);
        expect(reply.status).toBe(400);
      }),
      { numRuns: 30 },
    );
  });

  it('over IPC: every operation answers ok or an error below 500, and refuses what is not one', async () => {
    const origins = { rendererDir: '/app/renderer', devServerUrl: null };
    const page = 'file:///app/renderer/index.html';
    for (const name of operationNames.filter((n) => !SKIP.has(n) && n !== 'generateStream')) {
      await fc.assert(
        fc.asyncProperty(inputFor(name), async (input) => {
          const r = await handleInvoke(host.handlers, page, origins, name, input, silentLogger);
          if (!r.ok) checkAnswer(`IPC ${name}`, r.error.status, r.error);
          else tried++;
        }),
        { numRuns: 15 },
      );
    }
    for (const bogus of ['constructor', '__proto__', 'toString', '', 42, null]) {
      const r = await handleInvoke(host.handlers, page, origins, bogus, {}, silentLogger);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.status).toBe(400);
    }
  });

  it('sent Ollama only model names of its own grammar', () => {
    const bad = ollamaSaw.filter((s) => s.model !== undefined && !modelName.safeParse(s.model).success);
    expect(bad).toEqual([]);
    expect(ollamaSaw.length).toBeGreaterThan(0);
    recordFigure('hostile inputs tried', tried);
  });
});
