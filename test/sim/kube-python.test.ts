// Debian's python3-kubernetes (the client the original system used) drives the simulator:
// one scenario script per test under test/sim/python/. Skipped where the client is absent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { startOllamaSim } from './ollama/server.ts';
import { hasPythonKubernetes, runScenario } from './python/run.ts';

const available = await hasPythonKubernetes();
let sim: KubeSim;
let ollama: Awaited<ReturnType<typeof startOllamaSim>>;
let dir: string;
let kubeconfig: string;

async function scenario(script: string, env: Record<string, string> = {}) {
  const r = await runScenario(script, kubeconfig, env);
  expect(r.code, `${script}\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.report;
}

describe.skipIf(!available)('python3-kubernetes against the simulator', () => {
  beforeAll(async () => {
    ollama = await startOllamaSim({});
    sim = await startKubeSim({ readyDelayMs: 100, quiet: true, ollamaUrl: ollama.url, crashBackoffMs: 300 });
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-python-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    await sim?.close();
    await ollama?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // apimachinery pkg/runtime/conversion.go (Convert_Slice_string_To_bool): "True" is true.
  test('watch=True&allowWatchBookmarks=True is a watch: events and bookmarks on one open stream', async () => {
    sim.faults.bookmarkIntervalMs = 300;
    const rep = await scenario('watch_bookmarks.py');
    expect(rep.bookmarks.length).toBeGreaterThan(0);
    expect(rep.events).toContainEqual(['ADDED', 'py-watch-cm']);
  });

  // apimachinery pkg/util/strategicpatch/patch.go with the merge keys of k8s.io/api core/v1 and apps/v1
  // types.go; a failed JSON-patch test: apiserver pkg/endpoints/handlers/patch.go (422).
  test('strategic merge patch merges containers, env, ports by key; a failed JSON-patch test is 422', async () => {
    const rep = await scenario('strategic_patch.py');
    expect(rep).toMatchObject({ containers: ['app', 'sidecar'], env: { B: '2', C: '3' }, ports: [8080, 9090], jsonPatchTestStatus: 422 });
  });

  // apiserver pkg/registry/generic/registry/store.go (Delete), pkg/registry/core/pod/strategy.go
  // (CheckGracefulDelete) and kube-controller-manager pkg/controller/garbagecollector.
  test('each propagation policy, a pod grace period and a finalizer, as the API server and GC do them', async () => {
    const rep = await scenario('delete_propagation.py');
    expect(rep.orphan).toEqual({ replicasets: 1, pods: 2 });
    expect(rep.foreground.finalizers).toEqual(['foregroundDeletion']);
    expect(rep.foreground.terminatingPods).toBe(1);
    // The owner waited for the pod's termination (podTerminationMs 1000 here).
    expect(rep.foreground.ownerWaitedSeconds).toBeGreaterThan(0.3);
  });

  // The API server routes on Go's decoded url.Path (apiserver pkg/registry/core/service/proxy.go
  // hands it to the proxy as the location's Path), so %2F is a slash by the time Ollama sees it.
  test('the service proxy decodes the client-encoded path (api%2Ftags reaches Ollama as /api/tags)', async () => {
    const rep = await scenario('service_proxy.py');
    expect(rep.version).toMatch(/^\d+\.\d+/);
    expect(Array.isArray(rep.models)).toBe(true);
  });

  // pkg/controller/deployment/rolling.go (reconcileNewReplicaSet, reconcileOldReplicaSets) and
  // util/deployment_util.go (ResolveFenceposts: surge rounds up, unavailable down).
  test('a RollingUpdate keeps within maxSurge / maxUnavailable, old and new pods side by side, to ready', async () => {
    const rep = await scenario('rollout.py');
    expect(rep.maxPods).toBe(5);
    expect(rep.minAvailable).toBeGreaterThanOrEqual(3);
    expect(rep.sideBySide.length).toBeGreaterThan(0);
  });

  // Reasons from pkg/kubelet/events/event.go, messages from kuberuntime_container.go, images/image_manager.go,
  // pkg/controller/deployment/sync.go; fields from pkg/registry/core/event/strategy.go; logs from
  // pkg/registry/core/pod/strategy.go (LogLocation) and the kubelet's GetContainerLogs.
  test('events of a failed pod (core and events.k8s.io), ScalingReplicaSet on a watch, logs with tail, timestamps, follow', async () => {
    const rep = await scenario('events_logs.py');
    expect(rep.reasons).toEqual(expect.arrayContaining(['BackOff', 'Failed', 'Pulling', 'Scheduled']));
    expect(rep.followed).toMatch(/^\[GIN\] \d{4}\/\d\d\/\d\d - [\d:]+ \| 200 \|\s+\S+ \|\s+\S+ \| GET\s+"\/api\/version"$/);
  });

  // pkg/controller/endpoint/endpoints_controller.go and pkg/controller/endpointslice (ready/serving/terminating).
  test('Endpoints and EndpointSlices follow a Service\'s pods, named target ports resolved, Terminating pods marked', async () => {
    const rep = await scenario('endpoints.py');
    expect(rep.ollama).toHaveLength(1);
  });

  test('lists of every kind into typed models, 409 on a stale replace, pagination, label and field selectors', async () => {
    const rep = await scenario('lists_models.py');
    expect(rep.stale).toBe(409);
    expect(rep.pages).toBeGreaterThan(1);
  });

  // plugin/pkg/auth/authorizer/rbac/rbac.go (rule matching, the "allowed by" reason) and
  // pkg/registry/authorization (SelfSubjectAccessReview/RulesReview answer for the caller).
  test('a service account token from TokenRequest may do exactly what its Role allows; access reviews agree', async () => {
    const rep = await scenario('rbac.py', { TOKEN_OUT: join(dir, 'sa-token') });
    expect(rep.denied).toEqual({ 'pods in research': 403, 'configmaps in team-a': 403, nodes: 403 });
  });

  // apiserver pkg/endpoints/handlers/patch.go (applyPatcher: fieldManager required) and fieldmanager (conflicts, force).
  test('server-side apply (YAML body): create, managedFields, 409 on another manager\'s field, force, 422 without fieldManager', async () => {
    const rep = await scenario('server_side_apply.py');
    expect(rep.conflict).toBe(409);
    expect(rep.managers).toEqual(['py-apply']);
  });

  // pkg/controller/volume/persistentvolume (binding, claimRef, reclaim Delete) with a dynamic provisioner.
  test('a claim gets a provisioned PersistentVolume, Bound both ways; deleting the claim deletes the volume', async () => {
    const rep = await scenario('storage.py');
    expect(rep.volume).toMatch(/^pvc-[0-9a-f-]{36}$/);
    expect(rep.storageClass).toBe('standard');
  });

  // pkg/controller/volume/pvcprotection: a claim in use is only removed when no pod uses it.
  test('with pvcProtection, a deleted claim a pod uses stays Terminating until the pod is gone', async () => {
    const prot = await startKubeSim({ readyDelayMs: 100, quiet: true, pvcProtection: true });
    const kc = join(dir, 'kubeconfig-protect');
    prot.writeKubeconfig(kc);
    try {
      const r = await runScenario('storage.py', kc, { PVC_PROTECTION: '1' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.report.protection).toBe(true);
    } finally {
      await prot.close();
    }
  });

  // pkg/kubelet/kuberuntime (CrashLoopBackOff, lastState, the BackOff event) and GetContainerLogs (previous).
  test('a crashing container: restarts, CrashLoopBackOff, BackOff event, logs of this run and the previous one', async () => {
    const rep = await scenario('crashloop.py');
    expect(rep.restarts).toBeGreaterThanOrEqual(2);
  });
});
