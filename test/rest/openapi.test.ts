// GET /api/openapi.json against the real stack (simulated cluster and Ollama, the core, the
// REST server): the document is valid OpenAPI 3.1, names exactly the contract's routes with
// their inputs as the server reads them, and the server's real answers match its schemas.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { eventNames, operations, type OperationName } from '../../preload/contract/index.ts';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { bindRoutes, matchRoute } from '../../main/rest/routes.ts';
import { MAX_BODY_BYTES } from '../../main/rest/input.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { call } from './helpers.ts';

type Json = Record<string, any>;

const TOKEN = randomBytes(18).toString('base64url');
const auth = { authorization: `Bearer ${TOKEN}` };
let sim: SimCluster;
let host: ManagerHost;
let server: RestServer;
let dir: string;
let served: { status: number; type: string | null; body: Json };
let doc: Json;
/** Validates JSON against any part of the served document (its `#/components/...` refs resolve). */
let ajv: InstanceType<typeof Ajv2020>;

beforeAll(async () => {
  sim = await startSimCluster();
  dir = mkdtempSync(join(tmpdir(), 'kmm-openapi-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MODEL_MANAGER_TOKEN: TOKEN, OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' };
  for (const key of ['OLLAMA_HOST', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'POD_NAMESPACE']) delete env[key];
  host = await ManagerHost.start({ settings: fileSettings(join(dir, 'config')), env, log: silentLogger, stateDir: join(dir, 'state'), kubeconfigYaml: sim.kube.kubeconfig() });
  const live = host;
  server = await startRestServer({ host: '127.0.0.1', port: 0, getHandlers: () => live.handlers, events: live.events, token: TOKEN, log: silentLogger });
  // No token: the document is open.
  const res = await fetch(`${server.url}/api/openapi.json`);
  served = { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Json };
  doc = served.body;
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await host?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The documented answer schema of `method template` for `status`, following a `$ref` to components.responses. */
function responseSchemaRef(method: string, template: string, status: number): string {
  const responses = doc.paths?.[template]?.[method.toLowerCase()]?.responses;
  expect(responses, `${method} ${template} is documented`).toBeDefined();
  let response = responses[String(status)];
  expect(response, `${method} ${template} documents ${status}`).toBeDefined();
  let ref = `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status))}`;
  if (response.$ref) {
    ref = `openapi.json${response.$ref}`;
    response = doc.components.responses[response.$ref.split('/').pop()];
  }
  expect(response.content?.['application/json']?.schema, `${method} ${template} ${status} has a JSON schema`).toBeDefined();
  return `${ref}/content/application~1json/schema`;
}

/** Calls the real server and checks the answer against the document; returns the body. */
async function answerMatches(method: string, path: string, template: string, expected: number, opts: { body?: unknown; token?: boolean } = {}): Promise<Json> {
  const headers: Record<string, string> = opts.token === false ? {} : { ...auth };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const body = (await res.json()) as Json;
  expect(res.status, `${method} ${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(expected);
  const validate = ajv.getSchema(responseSchemaRef(method, template, res.status)) ?? ajv.compile({ $ref: responseSchemaRef(method, template, res.status) });
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${method} ${path} ${res.status} answer against the document`).toEqual([]);
  return body;
}

const restOperations = (Object.keys(operations) as OperationName[]).filter((name) => operations[name].rest);

describe('GET /api/openapi.json', () => {
  test('is served without a token, as JSON, and is a valid OpenAPI 3.1 document', async () => {
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('travels compressed with an ETag, like the other reads (51 KB of JSON)', async () => {
    const res = await fetch(`${server.url}/api/openapi.json`, { headers: { 'accept-encoding': 'br' } });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(await res.json()).toEqual(doc);
    const again = await fetch(`${server.url}/api/openapi.json`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  test('every schema in it is valid JSON Schema 2020-12 (strict: patterns compile, no unknown keywords)', () => {
    const strict = new Ajv2020({ strict: true, validateFormats: false });
    const schemas: unknown[] = Object.values(doc.components.schemas);
    for (const item of Object.values<Json>(doc.paths).flatMap((p) => Object.values<Json>(p))) {
      for (const param of item.parameters ?? []) schemas.push(param.schema);
      if (item.requestBody) schemas.push(item.requestBody.content['application/json'].schema);
    }
    expect(schemas.length).toBeGreaterThan(restOperations.length);
    for (const schema of schemas) expect(() => strict.compile(schema as object)).not.toThrow();
  });

  test('every _gb field of every answer says it is GiB', () => {
    const found: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key.endsWith('_gb') && at.endsWith('properties')) {
          found.push(key);
          expect((value as Json).description, `${at}.${key}`).toMatch(/GiB/);
        }
        walk(value, `${at}.${key}`);
      }
    };
    walk(doc.components.schemas, 'components.schemas');
    expect(found).toEqual(expect.arrayContaining(['total_vram_gb', 'required_vram_gb', 'size_gb', 'largest_free_gpu_gb']));
  });

  test('has every contract operation with a REST route, by its method, path and name, and no other route', () => {
    const documented = new Map<string, string>();
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) documented.set(`${method.toUpperCase()} ${path}`, operation.operationId);
    }
    const expected = new Map(restOperations.map((name) => [`${operations[name].rest!.method} ${operations[name].rest!.path}`, name as string]));
    expected.set('GET /api/events', 'events');
    expected.set('GET /api/openapi.json', 'openapi');
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected));

    // Each documented contract route is one the server routes to that operation (captures filled in).
    const routes = bindRoutes();
    for (const [key, name] of documented) {
      if (name === 'events' || name === 'openapi') continue;
      const [method, template] = key.split(' ') as [string, string];
      const match = matchRoute(routes, method, template.replace(/\{[^}]+\}$/, 'library%2Fllama3.1%3A8b'));
      expect(match.kind === 'found' && match.route.name, key).toBe(name);
      const operation = doc.paths[template][method.toLowerCase()];
      expect(operation.summary).toBe(operations[name as OperationName].summary);
      // One success status, the contract's (the pull's 202).
      const successes = Object.keys(operation.responses).filter((s) => s.startsWith('2'));
      expect(successes, key).toEqual([String(operations[name as OperationName].rest!.status ?? 200)]);
      // Its answer is described field by field (preload/contract/answers.ts), not as "some object".
      const answer = operation.responses[successes[0]!].content['application/json'].schema;
      expect(answer.$ref, `${key} has an answer schema`).toMatch(/^#\/components\/schemas\/\w+Answer$/);
      expect(doc.components.schemas[answer.$ref.split('/').pop()].properties, key).toBeDefined();
    }
    expect(doc.paths['/api/ollama/pull'].post.responses['202']).toBeDefined();
    expect(matchRoute(routes, 'GET', '/api/nope').kind).toBe('none');
    expect(doc.paths['/api/nope']).toBeUndefined();
  });

  test('inputs are where the server reads them: captures in the path, GET fields in the query, other methods in a JSON body', () => {
    const progress = doc.paths['/api/ollama/pull/progress/{model}'].get;
    // The model in the path; which Ollama (a model deployment's, "namespace/name") in the query.
    expect(progress.parameters).toEqual([expect.objectContaining({ name: 'model', in: 'path', required: true }), expect.objectContaining({ name: 'target', in: 'query', required: false })]);
    expect(progress.requestBody).toBeUndefined();
    // The cancel's model is its capture; the body, optional, only names another Ollama.
    const cancel = doc.paths['/api/ollama/pull/{model}'].delete;
    expect(cancel.parameters.map((p: Json) => `${p.in}:${p.name}`)).toEqual(['path:model']);
    expect(cancel.requestBody).toMatchObject({ required: false });
    expect(Object.keys(cancel.requestBody.content['application/json'].schema.properties)).toEqual(['target']);

    const estimate = doc.paths['/api/vram/estimate'].get;
    const query = Object.fromEntries(estimate.parameters.map((p: Json) => [p.name, p]));
    expect(Object.keys(query).sort()).toEqual(Object.keys(operations.estimateVram.input.shape).sort());
    expect(Object.values<Json>(query).every((p) => p.in === 'query')).toBe(true);
    expect(query.model.required).toBe(true);
    expect(query.context_length).toMatchObject({ required: false, schema: { type: 'integer', minimum: 256 } });
    expect(estimate.requestBody).toBeUndefined();

    const deploy = doc.paths['/api/deploy'].post;
    expect(deploy.parameters).toBeUndefined();
    expect(deploy.requestBody.content['application/json'].schema.required.sort()).toEqual(['deployment_name', 'model_id']);
    // Routes without a token answer 401, and every route but GET reads a body that may be too large or not JSON.
    expect(Object.keys(deploy.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '409', '413', '415', '429', '503']));
    expect(Object.keys(doc.paths['/api/health'].get.responses)).not.toContain('401');
  });

  test("the deploy body describes the input side of memory's transform: a number or a decimal string, as the contract accepts", () => {
    const schema = ajv.getSchema(`openapi.json#/${pointer('paths', '/api/deploy', 'post', 'requestBody', 'content', 'application/json', 'schema')}`)!;
    const base = { model_id: 'llama3.1:8b', deployment_name: 'l8' };
    const cases: [unknown, boolean][] = [
      [{ ...base, memory: 8 }, true],
      [{ ...base, memory: '7.5' }, true],
      // The contract trims it first; JSON Schema cannot say "trim", so the document refuses it (stricter, never looser).
      [{ ...base, memory: ' 16 ' }, false],
      [{ ...base }, true],
      [{ ...base, memory: '0x10' }, false],
      [{ ...base, memory: '1e3' }, false],
      [{ ...base, memory: '' }, false],
      [{ ...base, memory: true }, false],
      [{ ...base, deployment_name: 'Bad_Name', memory: 8 }, false],
      [{ deployment_name: 'l8', memory: 8 }, false],
    ];
    for (const [value, valid] of cases) {
      expect(schema(value), JSON.stringify(value)).toBe(valid);
      if (JSON.stringify(value).includes(' 16 ')) continue;
      expect(operations.deploy.input.safeParse(value).success, `contract: ${JSON.stringify(value)}`).toBe(valid);
    }
  });

  test('names the auth schemes the server uses: bearer and its session cookie; open routes say so', async () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearerToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: `kmm_session_${server.port}` });
    expect(doc.security).toEqual([{ bearerToken: [] }, { sessionCookie: [] }]);

    // The login URL sets exactly that cookie, and it opens a protected route.
    const login = await fetch(server.loginUrl(), { redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie.split('=')[0]).toBe(schemes.sessionCookie.name);
    expect((await fetch(`${server.url}/api/usage/ranking`, { headers: { cookie } })).status).toBe(200);

    // Without a token, each documented route answers 401 unless it says `security: []` (the check comes before any input is read).
    for (const [template, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) {
        const path = template.replace(/\{[^}]+\}$/, 'llama3.1%3A8b');
        const res = await fetch(`${server.url}${path}`, { method: method.toUpperCase() });
        await res.arrayBuffer();
        const open = Array.isArray(operation.security) && operation.security.length === 0;
        // (An open route may still answer 503: health, while the client is reaching the API server.)
        expect(res.status === 401, `${method} ${template} ${res.status}`).toBe(!open);
        if (open) expect([200, 503]).toContain(res.status);
      }
    }
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });

  test('describes /api/events: an event stream with every event name of the contract', async () => {
    const events = doc.paths['/api/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(events['x-event-names']).toEqual([...eventNames]);
    for (const name of eventNames) expect(events.description).toContain(name);
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { headers: auth, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
});

describe('answers of the running server match the document', () => {
  test('health, open and with the token', async () => {
    let body = await answerMatches('GET', '/api/health', '/api/health', 200, { token: false }).catch(() => null);
    // The first call may come before the client has reached the API server.
    for (let i = 0; i < 50 && !body; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = await answerMatches('GET', '/api/health', '/api/health', 200, { token: false }).catch(() => null);
    }
    expect(Object.keys(body!).sort()).toEqual(['kubernetes', 'status']);
    const full = await answerMatches('GET', '/api/health', '/api/health', 200);
    expect(full).toMatchObject({ status: 'healthy', kubernetes: 'connected', namespace: 'model-hosting' });
  });

  // Reads without input: each on its own, so that one answer off the document hides no other.
  test.each([
    ['/api/gpu/status', (b: Json) => expect(b.gpu_info.nodes.length).toBeGreaterThan(0)],
    ['/api/deployments', (b: Json) => expect(b.count).toBeGreaterThan(0)],
    ['/api/ollama/models', (b: Json) => expect(b.count).toBeGreaterThan(0)],
    ['/api/ollama/pulls', (b: Json) => expect(Array.isArray(b.pulls)).toBe(true)],
    ['/api/ollama/gguf-models', (b: Json) => expect(b.models.length).toBeGreaterThan(0)],
    ['/api/ollama/endpoint/routes', (b: Json) => expect(b.default_target).toBe('shared')],
    ['/api/settings', (b: Json) => expect(b.settings.restPort).toBeTypeOf('number')],
    ['/api/contexts', (b: Json) => expect(b.contexts.length).toBeGreaterThan(0)],
  ] as const)('GET %s', async (path, check) => {
    check(await answerMatches('GET', path, path, 200));
  });

  test('the VRAM estimate, with query parameters read as numbers', async () => {
    const plain = await answerMatches('GET', '/api/vram/estimate?model=llama3.1%3A8b', '/api/vram/estimate', 200);
    expect(plain.estimate.model).toBe('llama3.1:8b');
    const tuned = await answerMatches('GET', '/api/vram/estimate?model=llama3.1%3A8b&context_length=8192&parallel=2&kv_cache_type=q8_0', '/api/vram/estimate', 200);
    expect(tuned.estimate).toMatchObject({ context_length: 8192, parallel: 2, kv_cache_type: 'q8_0' });
  });

  test('usage: track, then the ranking', async () => {
    await answerMatches('POST', '/api/usage/track', '/api/usage/track', 200, { body: { model: 'llama3.1:8b' } });
    const ranking = await answerMatches('GET', '/api/usage/ranking', '/api/usage/ranking', 200);
    expect(ranking.models.map((m: Json) => m.model)).toContain('llama3.1:8b');
  });

  test('a pull answers 202, its progress 200, an unknown pull 404', async () => {
    await answerMatches('POST', '/api/ollama/pull', '/api/ollama/pull', 202, { body: { model: 'qwen2.5:0.5b' } });
    await answerMatches('GET', '/api/ollama/pull/progress/qwen2.5%3A0.5b', '/api/ollama/pull/progress/{model}', 200);
    await answerMatches('GET', '/api/ollama/pull/progress/never%3Apulled', '/api/ollama/pull/progress/{model}', 404);
  });

  test('failures are ErrorBody: bad input (400, naming the field), no token (401)', async () => {
    const badModel = await answerMatches('GET', '/api/vram/estimate?model=not%20a%20model!', '/api/vram/estimate', 400);
    expect(badModel).toMatchObject({ success: false, status: 400, field: 'model' });
    const badMemory = await answerMatches('POST', '/api/deploy', '/api/deploy', 400, { body: { model_id: 'qwen2.5:0.5b', deployment_name: 'q05', memory: '0x10' } });
    expect(badMemory).toMatchObject({ success: false, status: 400, field: 'memory' });
    const denied = await answerMatches('GET', '/api/gpu/status', '/api/gpu/status', 401, { token: false });
    expect(denied).toMatchObject({ success: false, status: 401 });
  });

  test("the transport's failures are ErrorBody too: Host refused (403), body too large (413), not JSON (415)", async () => {
    const validateAs = (template: string, method: string, status: number, body: unknown) => {
      const validate = ajv.getSchema(responseSchemaRef(method, template, status))!;
      expect(validate(body) ? [] : validate.errors, `${method} ${template} ${status}`).toEqual([]);
    };
    const refused = await call(server.port, { path: '/api/gpu/status', headers: { ...auth, host: 'evil.example' } });
    expect(refused.status).toBe(403);
    validateAs('/api/gpu/status', 'GET', 403, refused.json);
    const json = { ...auth, 'content-type': 'application/json' };
    const large = await call(server.port, { method: 'POST', path: '/api/usage/track', headers: json, body: JSON.stringify({ model: 'x'.repeat(MAX_BODY_BYTES) }) });
    expect(large.status).toBe(413);
    validateAs('/api/usage/track', 'POST', 413, large.json);
    const text = await call(server.port, { method: 'POST', path: '/api/usage/track', headers: { ...auth, 'content-type': 'text/plain' }, body: 'model=x' });
    expect(text.status).toBe(415);
    validateAs('/api/usage/track', 'POST', 415, text.json);
  });

  test('a server whose core is not ready answers 503 (health too), and wrong tokens get 429, as documented', async () => {
    const starting = await startRestServer({ host: '127.0.0.1', port: 0, getHandlers: () => { throw new Error('still starting'); }, events: host.events, token: TOKEN, log: silentLogger });
    try {
      const check = (template: string, status: number, reply: { status: number; json: unknown }) => {
        expect(reply.status).toBe(status);
        const validate = ajv.getSchema(responseSchemaRef('GET', template, status))!;
        expect(validate(reply.json) ? [] : validate.errors, `GET ${template} ${status}`).toEqual([]);
      };
      check('/api/health', 503, await call(starting.port, { path: '/api/health' }));
      check('/api/gpu/status', 503, await call(starting.port, { path: '/api/gpu/status', headers: auth }));
      let reply = await call(starting.port, { path: '/api/gpu/status', headers: { authorization: 'Bearer wrong' } });
      for (let i = 0; i < 20 && reply.status !== 429; i++) reply = await call(starting.port, { path: '/api/gpu/status', headers: { authorization: 'Bearer wrong' } });
      check('/api/gpu/status', 429, reply);
      expect((reply.json as Json).retry_after).toBeGreaterThan(0);
    } finally {
      await starting.close();
    }
  });

  test('a deploy with memory as a decimal string, as the document allows, and its answer', async () => {
    const deployed = await answerMatches('POST', '/api/deploy', '/api/deploy', 200, { body: { model_id: 'qwen2.5:0.5b', deployment_name: 'openapi-q05', memory: '7.5', storage: 'none' } });
    expect(deployed).toMatchObject({ deployment_name: 'openapi-q05', vram_allocation: { requested_memory_gb: 7.5 } });
    const again = await answerMatches('POST', '/api/deploy', '/api/deploy', 409, { body: { model_id: 'qwen2.5:0.5b', deployment_name: 'openapi-q05', memory: 8, storage: 'none' } });
    expect(again.field).toBe('deployment_name');
    await answerMatches('POST', '/api/delete', '/api/delete', 200, { body: { deployment_name: 'openapi-q05' } });
  });
});
