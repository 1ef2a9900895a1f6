import { describe, expect, it } from 'vitest';
import { trimDeployment, trimNode, trimPod } from '../../../main/core/kube/objects.ts';

const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];

describe('trimmed cache objects', () => {
  it('a pod keeps what the app reads: GPU requests, node, phase, reasons; no managedFields or spec', () => {
    const pod = trimPod({
      metadata: { name: 'p', namespace: 'ns', resourceVersion: '7', labels: { app: 'x' }, annotations: { 'model-manager/estimated-vram-gb': '5.3', 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(5000) }, managedFields, ownerReferences: [{ name: 'x-abc', kind: 'ReplicaSet' }], creationTimestamp: new Date('2025-01-01T00:00:00Z') },
      spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'i', resources: { limits: { 'nvidia.com/gpu': '1', memory: '8Gi' } } }, { name: 'b', image: 'i', resources: { requests: { 'nvidia.com/gpu': 2 } } }], volumes: [{ name: 'v' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "i"' } } }], conditions: [{ type: 'Ready', status: 'False' }] },
    });
    expect(pod).toEqual({
      kind: 'pod', namespace: 'ns', name: 'p', resourceVersion: '7', labels: { app: 'x' }, annotations: { 'model-manager/estimated-vram-gb': '5.3' },
      ownerNames: ['x-abc'], nodeName: 'n1', phase: 'Pending', terminating: false, gpuRequests: { 'nvidia.com/gpu': 3 },
      waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "i"' }, unschedulable: null, ready: false,
      restarts: 0, created: '2025-01-01T00:00:00Z',
    });
    expect(JSON.stringify(pod)).not.toContain('managedFields');
  });

  it('a pending pod without a node carries its scheduling failure', () => {
    const pod = trimPod({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/6 nodes are available: 6 Insufficient nvidia.com/gpu.' }] } });
    expect(pod.nodeName).toBeNull();
    expect(pod.unschedulable).toEqual({ reason: 'Unschedulable', message: '0/6 nodes are available: 6 Insufficient nvidia.com/gpu.' });
  });

  it('a node keeps labels, capacity, allocatable and readiness', () => {
    const node = trimNode({ metadata: { name: 'n', labels: { 'nvidia.com/gpu.product': 'Tesla-T4' }, managedFields }, spec: { unschedulable: true }, status: { capacity: { 'nvidia.com/gpu': '2' }, allocatable: { 'nvidia.com/gpu': '2' }, conditions: [{ type: 'Ready', status: 'True' }], images: [{ names: ['x'] }] } });
    expect(node).toMatchObject({ name: 'n', ready: true, unschedulable: true, capacity: { 'nvidia.com/gpu': '2' } });
    expect(Object.keys(node)).not.toContain('images');
  });

  it('a deployment keeps image, GPU, memory, replicas and failure conditions; dates as ISO strings', () => {
    const d = trimDeployment({
      metadata: { name: 'd', namespace: 'ns', uid: 'u', labels: {}, annotations: { 'model-manager/model-id': 'llama3.1:8b' }, creationTimestamp: new Date('2025-02-03T04:05:06Z'), managedFields },
      spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { spec: { containers: [{ image: 'ollama/ollama', env: [{ name: 'MODEL', value: 'llama3.1:8b' }], resources: { requests: { memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '8Gi', 'nvidia.com/gpu': '1' } } }] } } },
      status: { readyReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'took too long' }] },
    });
    expect(d).toMatchObject({ image: 'ollama/ollama', gpu: '1', memory: '8Gi', desired: 1, ready: 0, created: '2025-02-03T04:05:06Z', servedModel: 'llama3.1:8b', failure: { reason: 'ProgressDeadlineExceeded', message: 'took too long' } });
  });
});
