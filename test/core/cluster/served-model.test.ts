// Model servers the app did not create show the model they serve, read as each server takes
// it (the container specs are the ones their own docs and charts use), through the real
// listing on the simulated cluster: kubectl creates them, GET-style listing reads them back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedModel } from '../../../main/core/kube/served-model.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: { name: string; value: string }[] };

// [deployment name, container, server, model shown]
const CASES: [string, Container, string, string][] = [
  // TGI's docs: the model comes from MODEL_ID (or --model-id).
  ['tgi-env', { name: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference:3.0.1', env: [{ name: 'MODEL_ID', value: 'meta-llama/Llama-3.1-8B-Instruct' }] }, 'text-generation-inference', 'meta-llama/Llama-3.1-8B-Instruct'],
  ['tgi-arg', { name: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference:3.0.1', args: ['--model-id', 'mistralai/Mistral-7B-Instruct-v0.3', '--port', '8080'] }, 'text-generation-inference', 'mistralai/Mistral-7B-Instruct-v0.3'],
  // vLLM's Kubernetes guide: `vllm serve NAME`, or the OpenAI image with --model.
  ['vllm-serve', { name: 'vllm', image: 'vllm/vllm-openai:v0.6.4', command: ['/bin/sh', '-c'], args: ['vllm serve meta-llama/Llama-3.2-1B-Instruct --trust-remote-code --enable-chunked-prefill'] }, 'vllm', 'meta-llama/Llama-3.2-1B-Instruct'],
  ['vllm-flag', { name: 'vllm', image: 'vllm/vllm-openai:v0.6.4', args: ['--model=Qwen/Qwen2.5-7B-Instruct', '--gpu-memory-utilization', '0.9'] }, 'vllm', 'Qwen/Qwen2.5-7B-Instruct'],
  ['vllm-env', { name: 'vllm', image: 'vllm/vllm-openai:v0.6.4', env: [{ name: 'MODEL', value: 'google/gemma-2-9b-it' }] }, 'vllm', 'google/gemma-2-9b-it'],
  // llama.cpp's server image: -m PATH (the file's name is shown) or -hf REPO.
  ['llamacpp-m', { name: 'llama', image: 'ghcr.io/ggml-org/llama.cpp:server-cuda', args: ['-m', '/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', '--port', '8080', '-ngl', '99'] }, 'llama.cpp', 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'],
  ['llamacpp-hf', { name: 'llama', image: 'ghcr.io/ggml-org/llama.cpp:server', args: ['-hf', 'ggml-org/gemma-3-1b-it-GGUF', '--host', '0.0.0.0'] }, 'llama.cpp', 'ggml-org/gemma-3-1b-it-GGUF'],
  ['llama-server', { name: 'llama', image: 'registry.local/inference:1', command: ['/app/llama-server'], args: ['--model', '/data/qwen2.5-0.5b-instruct-q8_0.gguf'] }, 'llama.cpp', 'qwen2.5-0.5b-instruct-q8_0.gguf'],
  // Ollama that pulls its model at start, as many charts do.
  ['ollama-pull', { name: 'ollama', image: 'ollama/ollama:0.13.5', command: ['/bin/sh', '-c'], args: ['ollama serve & sleep 5; ollama pull phi3:mini; wait'] }, 'ollama', 'phi3:mini'],
];

describe('servedModel', () => {
  it.each(CASES)('%s', (_name, container, server, model) => {
    expect(servedModel(container)).toEqual({ server, model });
  });

  it('a plain Ollama serves whatever is pulled into it: no one model', () => {
    expect(servedModel({ image: 'ollama/ollama:0.13.5' })).toEqual({ server: 'ollama', model: null });
  });

  it('other workloads are no server, whatever their flags', () => {
    expect(servedModel({ image: 'nginx:1.27.3', args: ['--model', 'x'] })).toEqual({ server: null, model: null });
  });
});

describe('the listing on the simulated cluster', () => {
  let sim: KubeSim;
  let side: Awaited<ReturnType<typeof clusterSide>>;
  beforeAll(async () => {
    sim = await startKubeSim({ quiet: true });
    side = await clusterSide(sim);
    const dir = mkdtempSync(join(tmpdir(), 'kmm-served-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig());
    const items = CASES.map(([name, container]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'research' },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
    }));
    const file = join(dir, 'servers.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    // Async: the simulator answers from this very process.
    await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'create', '--validate=false', '-f', file]);
  });
  afterAll(async () => {
    await side?.close();
    await sim?.close();
  });

  it('shows each server and its model instead of the deployment name', async () => {
    const list = await until('all listed', async () => {
      const r = await side.handlers.listDeployments({});
      return CASES.every(([name]) => r.models.some((m) => m.namespace === 'research' && m.name === name)) ? r : undefined;
    });
    for (const [name, , server, model] of CASES) {
      const d = list.models.find((m) => m.namespace === 'research' && m.name === name)!;
      expect({ name, server: d.server, model: d.model_id, model_server: d.model_server }).toEqual({ name, server, model, model_server: true });
    }
    // The seeded shared Ollama: a server, with no one model of its own.
    const shared = list.models.find((m) => m.namespace === 'model-hosting' && m.name === 'ollama')!;
    expect(shared).toMatchObject({ server: 'ollama', model_id: '', model_server: true });
  });
});
