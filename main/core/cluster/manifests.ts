// The Deployment and Service of a model deployment. The model name reaches the container
// only as an environment variable: never interpolated into the shell script.
import type * as k8s from '@kubernetes/client-node';
import type { VramEstimate } from '../../../preload/contract/index.ts';
import { ESTIMATE_ANNOTATION } from '../vram/index.ts';
import { MANAGED_BY, MANAGER } from '../kube/labels.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { ESTIMATE_METHOD_ANNOTATION, MODEL_ID_ANNOTATION, MODEL_LABEL, NAME_LABEL } from './system.ts';

// Serve, wait until the server answers, pull "$MODEL", keep serving.
export const START_SCRIPT = 'ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done; ollama pull "$MODEL"; wait';
export const READY_SCRIPT = 'ollama show "$MODEL" >/dev/null 2>&1';

/** A label value for a model name: "llama3.1:8b" → "llama3.1-8b" (≤ 63 chars, alphanumeric ends). */
export function labelSafe(value: string): string {
  const s = value.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return s || 'model';
}

/** "8" → "8Gi", 7.5 → "7.5Gi" (never exponent form). */
export const memoryQuantity = (gb: number): string => `${Number(gb.toFixed(3))}Gi`;

export interface ModelDeploymentSpec {
  name: string;
  namespace: string;
  model: string;
  memoryGb: number;
  image: string;
  gpuResource: string;
  estimate: VramEstimate;
}

export function selectorOf(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [MANAGED_BY]: MANAGER };
}

export function deploymentManifest(s: ModelDeploymentSpec): k8s.V1Deployment {
  const labels = { ...selectorOf(s.name), [MODEL_LABEL]: labelSafe(s.model) };
  const annotations = {
    [MODEL_ID_ANNOTATION]: s.model,
    [ESTIMATE_ANNOTATION]: String(s.estimate.required_vram_gb),
    [ESTIMATE_METHOD_ANNOTATION]: s.estimate.method,
  };
  const resources = { memory: memoryQuantity(s.memoryGb), [s.gpuResource]: '1' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, namespace: s.namespace, labels, annotations },
    spec: {
      replicas: 1,
      // One GPU each: a rolling update would need a second free GPU.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorOf(s.name) },
      template: {
        // Pods carry the estimate too, so GPU allocation counts it.
        metadata: { labels, annotations },
        spec: {
          containers: [
            {
              name: 'ollama',
              image: s.image,
              command: ['/bin/sh', '-c', START_SCRIPT],
              env: [
                { name: 'MODEL', value: s.model },
                { name: 'OLLAMA_HOST', value: `0.0.0.0:${OLLAMA_PORT}` },
              ],
              ports: [{ name: 'http', containerPort: OLLAMA_PORT, protocol: 'TCP' }],
              resources: { requests: { ...resources }, limits: { ...resources } },
              // Ready means the model is there to answer, not just that Ollama started:
              // until the pull ends the deployment shows as Starting.
              readinessProbe: {
                exec: { command: ['/bin/sh', '-c', READY_SCRIPT] },
                initialDelaySeconds: 5,
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/api/version', port: OLLAMA_PORT },
                initialDelaySeconds: 30,
                periodSeconds: 20,
                failureThreshold: 6,
              },
            },
          ],
        },
      },
    },
  };
}

export function serviceManifest(name: string, namespace: string, model: string): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { ...selectorOf(name), [MODEL_LABEL]: labelSafe(model) } },
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(name),
      ports: [{ name: 'http', port: OLLAMA_PORT, targetPort: OLLAMA_PORT, protocol: 'TCP' }],
    },
  };
}
