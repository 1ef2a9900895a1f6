// Which deployments the Deployments view shows by default: model servers (made by this app,
// or recognisably an inference server), not every workload of the cluster.
import { describe, expect, it } from 'vitest';
import { describeDeployment, isModelServer } from '../../../main/core/cluster/deployment-list.ts';
import { trimDeployment } from '../../../main/core/kube/objects.ts';

function deployment(image: string, extra: { labels?: Record<string, string>; env?: { name: string; value: string }[]; annotations?: Record<string, string> } = {}) {
  const labels = extra.labels ?? { app: 'x' };
  return trimDeployment({
    metadata: { name: 'x', namespace: 'team-a', labels, annotations: extra.annotations ?? {} },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image, env: extra.env ?? [] }] } } },
  });
}

describe('isModelServer', () => {
  it('recognises inference server images', () => {
    for (const image of ['ollama/ollama:0.12.0', 'docker.io/ollama/ollama', 'vllm/vllm-openai:v0.6.4', 'ghcr.io/huggingface/text-generation-inference:2.4.0', 'ghcr.io/ggerganov/llama.cpp:server', 'nvcr.io/nvidia/tritonserver:24.12-trtllm-python-py3', 'localai/localai:latest-gpu-nvidia-cuda-12', 'lmsysorg/sglang:latest'])
      expect(isModelServer(deployment(image)), image).toBe(true);
  });

  it('leaves other workloads out, GPU ones included', () => {
    for (const image of ['nginx:1.27.3', 'redis:7.4', 'quay.io/jupyter/pytorch-notebook:cuda12-2024-12-09', 'nvcr.io/nvidia/pytorch:24.12-py3', 'postgres:17.2', 'myollamafan/web:1'])
      expect(isModelServer(deployment(image)), image).toBe(false);
  });

  it('counts what this app made, and a MODEL variable, whatever the image', () => {
    expect(isModelServer(deployment('registry.local/custom:1', { labels: { 'app.kubernetes.io/managed-by': 'kubernetes-model-manager' } }))).toBe(true);
    expect(isModelServer(deployment('registry.local/custom:1', { env: [{ name: 'MODEL', value: 'llama3.1:8b' }] }))).toBe(true);
    expect(isModelServer(deployment('registry.local/custom:1', { annotations: { 'model-manager/model-id': 'qwen2.5:7b' } }))).toBe(true);
  });

  it('is carried by the listing as model_server', () => {
    expect(describeDeployment(deployment('ollama/ollama:0.12.0'), []).model_server).toBe(true);
    expect(describeDeployment(deployment('nginx:1.27.3'), []).model_server).toBe(false);
  });
});
