// Faults: full queue, latency, random 500s, mid-stream disconnects, stop/start, and the control endpoint.
import { request } from 'node:http';
import { Ollama } from 'ollama';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';

let sim: OllamaSim;
let client: Ollama;

beforeAll(async () => {
  sim = await startOllamaSim({ installed: ['llama3.2:1b', 'tinyllama'], pullBytesPerSecond: 4e9, tokenIntervalMs: 10 });
  client = new Ollama({ host: sim.url });
});
afterEach(() => {
  Object.assign(sim.faults, { latencyMs: 0, errorRate: 0, queueFull: false, disconnectMidStreamAfterMs: null });
});
afterAll(() => sim.close());

describe('Ollama simulator faults', () => {
  it('queueFull answers generate with 503 and Ollama\'s message, but not the model list', async () => {
    sim.faults.queueFull = true;
    await expect(client.generate({ model: 'llama3.2:1b', prompt: 'hi', stream: false })).rejects.toMatchObject({
      name: 'ResponseError',
      status_code: 503,
      error: 'server busy, please try again.  maximum pending requests exceeded',
    });
    expect((await client.list()).models.length).toBe(2);
  });

  it('latency delays every answer', async () => {
    sim.faults.latencyMs = 250;
    const t0 = Date.now();
    await client.version();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('errorRate 1 makes every request a plain 500', async () => {
    sim.faults.errorRate = 1;
    await expect(client.list()).rejects.toMatchObject({ status_code: 500 });
    sim.faults.errorRate = 0;
    await expect(client.list()).resolves.toBeTruthy();
  });

  it('a mid-stream disconnect cuts a streamed generation', async () => {
    sim.faults.disconnectMidStreamAfterMs = 60;
    const parts: string[] = [];
    const run = async () => {
      for await (const c of await client.generate({ model: 'llama3.2:1b', prompt: 'Tell me about GPUs', stream: true })) parts.push(c.response ?? '');
    };
    await expect(run()).rejects.toThrow();
    expect(parts.length).toBeGreaterThan(0); // some tokens arrived first
    expect(parts.length).toBeLessThan(20);
  });

  it('a mid-stream disconnect cuts a pull, which a retry then resumes', async () => {
    sim.faults.disconnectMidStreamAfterMs = 150;
    const seen: { digest?: string; completed?: number }[] = [];
    const run = async () => {
      for await (const p of await client.pull({ model: 'llama3.2:3b', stream: true })) seen.push(p);
    };
    await expect(run()).rejects.toThrow();
    const lastBefore = Math.max(...seen.map((p) => p.completed ?? 0));
    expect(lastBefore).toBeGreaterThan(0);
    sim.faults.disconnectMidStreamAfterMs = null;
    let firstAfter: number | undefined;
    for await (const p of await client.pull({ model: 'llama3.2:3b', stream: true })) {
      if (firstAfter === undefined && p.digest) firstAfter = p.completed ?? 0;
    }
    expect(firstAfter).toBeGreaterThanOrEqual(lastBefore);
  });

  it('the control endpoint flips faults from outside the process', async () => {
    const set = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ queueFull: true, latencyMs: 5 }) });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ latencyMs: 5, errorRate: 0, queueFull: true, disconnectMidStreamAfterMs: null });
    expect(sim.faults.queueFull).toBe(true);
    expect((await fetch(`${sim.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2:1b', prompt: 'x' }) })).status).toBe(503);
    const bad = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as { installed: string[] };
    expect(state.installed).toContain('llama3.2:1b');
  });

  it('stop refuses connections; start brings it back on the same port with models kept and runners gone', async () => {
    await client.generate({ model: 'tinyllama', prompt: '', stream: false });
    expect(sim.state.loaded()).toContain('tinyllama:latest');
    const port = sim.port;
    await sim.stop();
    // A fresh connection (no pooled keep-alive socket) must be refused.
    const code = await new Promise<string | undefined>((resolve) => {
      const req = request(`${sim.url}/api/version`, { agent: false }, () => resolve('answered'));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
      req.end();
    });
    expect(code).toBe('ECONNREFUSED');
    await sim.start();
    expect(sim.port).toBe(port);
    expect((await client.list()).models.map((m) => m.name)).toContain('tinyllama:latest');
    expect((await client.ps()).models).toEqual([]);
  });
});
