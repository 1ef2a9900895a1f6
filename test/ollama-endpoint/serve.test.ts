// `serve --ollama-port P` as a person runs it: the headless server also serves the Ollama
// endpoint on loopback, the ollama client works against it and its use is counted. Without
// the flag (and the setting off, its default) there is no endpoint; the setting switches it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/core/log.ts';
import { SettingsStore } from '../../main/core/settings.ts';
import { followOllamaEndpointSetting } from '../../main/ollama-endpoint/index.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { startServe } from '../rest/serve-process.ts';
import { memoryKv } from '../core/cluster/harness.ts';
import { storedUsage, until } from './harness.ts';

let sim: SimCluster;
let dir: string;
beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'kmm-endpoint-serve-'));
  sim.kube.writeKubeconfig(join(dir, 'kubeconfig'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serve --ollama-port', () => {
  it('serves the endpoint on loopback; an ollama client pointed at it is counted', async () => {
    const serve = await startServe(['--kubeconfig', join(dir, 'kubeconfig'), '--config-dir', join(dir, 'a'), '--ollama-port', '0']);
    try {
      const line = await until(() => /endpoint: serving Ollama's API at (http:\/\/\S+)/.exec(serve.output()), (m) => !!m, 10_000);
      expect(line).not.toBeNull();
      const url = new URL(line![1]!);
      expect(url.hostname).toBe('127.0.0.1');
      const ollama = new Ollama({ host: url.origin });
      const r = await ollama.generate({ model: 'llama3.2:1b', prompt: 'from serve' });
      expect(r.done).toBe(true);
      const stored = await until(() => storedUsage(sim), (s) => (s.counts['llama3.2:1b'] ?? 0) >= 1);
      expect(stored.tokens['llama3.2:1b']).toEqual({ prompt_tokens: r.prompt_eval_count, completion_tokens: r.eval_count });
    } finally {
      await serve.kill();
    }
  }, 30_000);

  it('without the flag and with the setting off (the default) there is no endpoint', async () => {
    const serve = await startServe(['--kubeconfig', join(dir, 'kubeconfig'), '--config-dir', join(dir, 'b')]);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(serve.output()).not.toContain("serving Ollama's API");
    } finally {
      await serve.kill();
    }
  }, 30_000);
});

describe('the ollamaEndpoint settings', () => {
  it('start, move and stop the endpoint', async () => {
    const settings = new SettingsStore(memoryKv());
    const log = memoryLogger();
    const followed = followOllamaEndpointSetting({ settings, getCore: () => null, env: {}, log });
    await followed.settled();
    expect(followed.current()).toBeNull();
    const port = 20000 + Math.floor(Math.random() * 20000);
    settings.update({ ollamaEndpointEnabled: true, ollamaEndpointPort: port });
    await followed.settled();
    expect(followed.current()?.url).toBe(`http://127.0.0.1:${port}`);
    // No manager yet: a clear 503, in Ollama's error shape.
    const res = await fetch(`http://127.0.0.1:${port}/api/tags`);
    expect(res.status).toBe(503);
    expect((await res.json()) as unknown).toEqual({ error: expect.stringContaining('not connected') });
    settings.update({ ollamaEndpointPort: port + 1 });
    await followed.settled();
    expect(followed.current()?.port).toBe(port + 1);
    await expect(fetch(`http://127.0.0.1:${port}/api/tags`)).rejects.toThrow();
    settings.update({ ollamaEndpointEnabled: false });
    await followed.settled();
    expect(followed.current()).toBeNull();
    await expect(fetch(`http://127.0.0.1:${port + 1}/api/tags`)).rejects.toThrow();
    await followed.close();
  });
});
