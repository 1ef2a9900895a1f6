// The official `ollama` client through the simulated API server's service proxy, as a
// workstation outside the cluster reaches Ollama: TLS with the cluster CA, a bearer token,
// and NDJSON streams that pass through the proxy as they come.
import { Ollama } from 'ollama';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from './index.ts';

let sim: SimCluster;
let agent: Agent;
let client: Ollama;

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['llama3.2:1b'], pullBytesPerSecond: 2e9 } });
  agent = new Agent({ connect: { ca: sim.kube.caPem } });
  client = new Ollama({
    host: `${sim.kube.url}/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy`,
    headers: { Authorization: `Bearer ${sim.kube.token}` },
    fetch: ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch,
  });
});
afterAll(async () => {
  await agent?.close();
  await sim?.close();
});

describe('ollama client through the service proxy', () => {
  it('lists what Ollama holds', async () => {
    const { models } = await client.list();
    expect(models.map((m) => m.name)).toEqual(['llama3.2:1b']);
  });

  it('pulls with streamed progress to success', async () => {
    const statuses: string[] = [];
    let lastCompleted = 0;
    let grew = 0;
    for await (const p of await client.pull({ model: 'qwen2.5:0.5b', stream: true })) {
      statuses.push(p.status);
      if (p.completed && p.completed > lastCompleted) {
        grew++;
        lastCompleted = p.completed;
      }
    }
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(grew).toBeGreaterThan(1);
    expect(sim.ollama.state.installed()).toContain('qwen2.5:0.5b');
  });

  it('generates, streamed and not, with the same deterministic text', async () => {
    const whole = await client.generate({ model: 'llama3.2:1b', prompt: 'Which GPU is free?', stream: false });
    expect(whole.eval_count).toBeGreaterThan(0);
    let text = '';
    let chunks = 0;
    for await (const c of await client.generate({ model: 'llama3.2:1b', prompt: 'Which GPU is free?', stream: true })) {
      text += c.response;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(whole.response);
  });

  it("deletes a model, and answers Ollama's 404 for one it does not have", async () => {
    await client.delete({ model: 'qwen2.5:0.5b' });
    expect(sim.ollama.state.installed()).not.toContain('qwen2.5:0.5b');
    await expect(client.delete({ model: 'qwen2.5:0.5b' })).rejects.toMatchObject({ status_code: 404, error: "model 'qwen2.5:0.5b' not found" });
    await expect(client.generate({ model: 'nope:1b', prompt: 'x', stream: false })).rejects.toMatchObject({ status_code: 404 });
  });

  it('is refused by the API server without the token', async () => {
    const anonymous = new Ollama({
      host: `${sim.kube.url}/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy`,
      fetch: ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch,
    });
    await expect(anonymous.list()).rejects.toMatchObject({ status_code: 401 });
  });
});
