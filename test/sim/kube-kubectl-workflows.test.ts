// kubectl workflows beyond get/create: strategic patch, apply with validation, rollouts,
// events, logs, cascading deletes, auth can-i (skipped where kubectl is absent).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { startOllamaSim } from './ollama/server.ts';
import { kubectl, kubectlPath, kubectlStream } from './kube/kubectl.ts';
import { eventually, raw } from './kube/testing.ts';

let sim: KubeSim;
let ollama: Awaited<ReturnType<typeof startOllamaSim>>;
let dir: string;
let kubeconfig: string;
const k = (...args: string[]) => kubectl(kubeconfig, args);

function deployment(name: string, ns: string, containers: unknown[], replicas = 1): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  };
}

describe.skipIf(!kubectlPath)(`kubectl workflows (${kubectlPath ?? 'not on PATH: skipped'})`, () => {
  beforeAll(async () => {
    // Pods take 300 ms to be ready, so a rollout of 3 lasts about a second: long enough for kubectl to watch it.
    ollama = await startOllamaSim({});
    sim = await startKubeSim({ readyDelayMs: 300, quiet: true, ollamaUrl: ollama.url });
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-wf-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    await sim?.close();
    await ollama?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // apimachinery pkg/util/strategicpatch/patch.go; containers merge on name (k8s.io/api core/v1 types.go).
  test('patch (strategic, the default) changes one container and keeps the other and the resources', async () => {
    const d = deployment('kc-smp', 'team-a', [
      { name: 'main', image: 'nginx:1.27.3', resources: { requests: { cpu: '100m' } } },
      { name: 'side', image: 'busybox:1.36' },
    ]);
    const c = await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments', { method: 'POST', body: d });
    expect(c.status).toBe(201);
    const p = await k('patch', 'deployment', 'kc-smp', '-n', 'team-a', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.27.4"}]}}}}');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim()).toBe('deployment.apps/kc-smp patched');
    const got = (await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments/kc-smp')).json;
    expect(got.spec.template.spec.containers.map((x: any) => [x.name, x.image, x.resources?.requests?.cpu])).toEqual([
      ['main', 'nginx:1.27.4', '100m'], ['side', 'busybox:1.36', undefined],
    ]);
    const bad = await k('patch', 'deployment', 'kc-smp', '-n', 'team-a', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":5}]');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('the server rejected our request due to an error in our request');
  });

  // kubectl delete --cascade sends propagationPolicy; apiserver registry/generic/registry/store.go and the
  // garbage collector (pkg/controller/garbagecollector) decide what stays.
  test('delete --cascade=orphan keeps the ReplicaSet and pods; --cascade=foreground returns once the pods are gone', async () => {
    for (const name of ['kc-orphan', 'kc-fg']) {
      const c = await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments', { method: 'POST', body: deployment(name, 'team-a', [{ name: 'main', image: 'nginx:1.27.3' }], 2) });
      expect(c.status).toBe(201);
      await eventually(async () => (await raw(sim, `/apis/apps/v1/namespaces/team-a/deployments/${name}`)).json.status?.readyReplicas, (n) => n === 2);
    }
    const o = await k('delete', 'deployment', 'kc-orphan', '-n', 'team-a', '--cascade=orphan');
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout.trim()).toBe('deployment.apps "kc-orphan" deleted');
    const rs = await k('get', 'rs', '-n', 'team-a', '-l', 'app=kc-orphan', '-o', 'json');
    const sets = JSON.parse(rs.stdout).items;
    expect(sets).toHaveLength(1);
    expect(sets[0].metadata.ownerReferences).toBeUndefined();
    const po = await k('get', 'pods', '-n', 'team-a', '-l', 'app=kc-orphan', '-o', 'name');
    expect(po.stdout.trim().split('\n')).toHaveLength(2);

    const t0 = Date.now();
    const f = await k('delete', 'deployment', 'kc-fg', '-n', 'team-a', '--cascade=foreground');
    expect(f.code, f.stderr).toBe(0);
    // kubectl waits until the Deployment is gone, which foreground deletion delays until the pods are.
    expect(Date.now() - t0).toBeGreaterThan(500);
    const left = await raw(sim, '/api/v1/namespaces/team-a/pods?labelSelector=app%3Dkc-fg');
    expect(left.json.items).toHaveLength(0);
  });

  // kubectl's rollout status reads the Deployment's status as pkg/controller/deployment/rolling.go writes it.
  test('set image, then rollout status follows the RollingUpdate to "successfully rolled out"', async () => {
    const c = await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments', { method: 'POST', body: deployment('kc-roll', 'team-a', [{ name: 'main', image: 'nginx:1.27.3' }], 3) });
    expect(c.status).toBe(201);
    const first = await k('rollout', 'status', 'deployment/kc-roll', '-n', 'team-a', '--timeout=20s');
    expect(first.code, first.stderr).toBe(0);
    const si = await k('set', 'image', 'deployment/kc-roll', '-n', 'team-a', 'main=nginx:1.27.4');
    expect(si.code, si.stderr).toBe(0);
    const r = await k('rollout', 'status', 'deployment/kc-roll', '-n', 'team-a', '--timeout=20s');
    expect(r.code, r.stderr).toBe(0);
    // maxSurge 25% of 3 rounds up to 1 and maxUnavailable down to 0: one new pod at a time, so kubectl
    // sees new and old replicas together (a controller replacing all at once shows neither line).
    expect(r.stdout).toMatch(/Waiting for deployment "kc-roll" rollout to finish: ([12] out of 3 new replicas have been updated|[12] old replicas are pending termination)\.\.\./);
    expect(r.stdout.trim().split('\n').pop()).toBe('deployment "kc-roll" successfully rolled out');
    const h = await k('rollout', 'history', 'deployment/kc-roll', '-n', 'team-a');
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    // Undo brings revision 1's template back: its ReplicaSet is reused and becomes revision 3
    // (pkg/controller/deployment/sync.go: the template hash, not the key order, names it).
    const u = await k('rollout', 'undo', 'deployment/kc-roll', '-n', 'team-a');
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout.trim()).toBe('deployment.apps/kc-roll rolled back');
    const r2 = await k('rollout', 'status', 'deployment/kc-roll', '-n', 'team-a', '--timeout=20s');
    expect(r2.stdout.trim().split('\n').pop()).toBe('deployment "kc-roll" successfully rolled out');
    const h2 = await k('rollout', 'history', 'deployment/kc-roll', '-n', 'team-a');
    expect(h2.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
    const img = await k('get', 'deployment/kc-roll', '-n', 'team-a', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(img.stdout).toBe('nginx:1.27.3');
  });

  // Columns of pkg/printers/internalversion/printers.go (printEvent); reasons and messages of the kubelet
  // (pkg/kubelet/events/event.go, images/image_manager.go) and the scheduler.
  test('get events shows the failed pod\'s Scheduled, Pulling, BackOff; --field-selector narrows them', async () => {
    const c = await raw(sim, '/api/v1/namespaces/research/pods', { method: 'POST', body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kc-bad' }, spec: { containers: [{ name: 'main', image: 'registry.example/does-not-exist:2' }] } } });
    expect(c.status).toBe(201);
    const r = await eventually(() => k('get', 'events', '-n', 'research', '--field-selector', 'involvedObject.name=kc-bad'),
      (x) => x.stdout.includes('BackOff'), 15_000);
    const [head, ...rows] = r.stdout.trim().split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const reasons = rows.map((l) => l.split(/\s+/)[2]);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Failed', 'BackOff']));
    expect(rows.find((l) => l.split(/\s+/)[2] === 'BackOff')).toMatch(/Normal\s+BackOff\s+pod\/kc-bad\s+Back-off pulling image "registry.example\/does-not-exist:2"/);
    const w = await k('get', 'events', '-n', 'research', '--field-selector', 'type=Warning,involvedObject.name=kc-bad', '-o', 'json');
    const items = JSON.parse(w.stdout).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e: any) => e.type === 'Warning')).toBe(true);
  });

  test('logs -f prints the Ollama pod\'s start-up lines, then the requests the service proxy forwards to it', async () => {
    const pods = (await raw(sim, '/api/v1/namespaces/model-hosting/pods?labelSelector=app%3Dollama')).json.items;
    const f = kubectlStream(kubeconfig, ['logs', '-f', '-n', 'model-hosting', pods[0].metadata.name]);
    try {
      await eventually(() => f.output(), (o) => o.includes('msg="Listening on [::]:11434 (version'), 10_000);
      const p = await raw(sim, '/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy/api/tags');
      expect(p.status).toBe(200);
      const out = await eventually(() => f.output(), (o) => o.includes('"/api/tags"'), 10_000);
      expect(out.trim().split('\n').pop()).toMatch(/^\[GIN\] .* \| 200 \|.*\| GET\s+"\/api\/tags"$/);
      // A pull through the proxy: Ollama's download.go line for its model blob, then the request line.
      const pull = await raw(sim, '/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy/api/pull', { method: 'POST', body: { model: 'nomic-embed-text:latest' } });
      expect(pull.status).toBe(200);
      const after = await eventually(() => f.output(), (o) => o.includes('"/api/pull"'), 10_000);
      expect(after).toMatch(/level=INFO source=download\.go:176 msg="downloading [0-9a-f]{12} in \d+ \d+(\.\d)? MB part\(s\)"/);
      expect(f.child.exitCode).toBeNull(); // still following
    } finally {
      f.stop();
    }
    const tail = await k('logs', '-n', 'model-hosting', pods[0].metadata.name, '--tail=1', '--timestamps');
    expect(tail.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \[GIN\] .*"\/api\/pull"\n$/);
  });

  // kubectl looks for fieldValidation on the kind's PATCH operation in /openapi/v3 (client-go
  // resource.QueryParamVerifierV3) and then lets the server validate: apiserver's strict decoding errors.
  test('apply -f and create -f with validation on: created, configured, and a misspelt field refused by the server', async () => {
    const yaml = (replicasKey: string, n: number) => [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: kc-apply, namespace: team-a}',
      'spec:', `  ${replicasKey}: ${n}`, '  selector: {matchLabels: {app: kc-apply}}',
      '  template:', '    metadata: {labels: {app: kc-apply}}', '    spec: {containers: [{name: main, image: "nginx:1.27.3"}]}', ''].join('\n');
    const file = join(dir, 'apply.yaml');
    writeFileSync(file, yaml('replicas', 1));
    const a = await k('apply', '-f', file);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout.trim()).toBe('deployment.apps/kc-apply created');
    writeFileSync(file, yaml('replicas', 2));
    const b = await k('apply', '-f', file);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout.trim()).toBe('deployment.apps/kc-apply configured');
    expect(b.stderr).toBe('');
    const got = (await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments/kc-apply')).json;
    expect(got.spec.replicas).toBe(2);
    expect(got.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":2');
    writeFileSync(file, yaml('replica', 3));
    const c = await k('apply', '-f', file);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    const cm = join(dir, 'cm.yaml');
    writeFileSync(cm, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kc-cm, namespace: team-a}\ndata: {a: "1"}\n');
    const d = await k('create', '-f', cm);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.trim()).toBe('configmap/kc-cm created');
  });

  // kubectl auth can-i sends a SelfSubjectAccessReview (--list a SelfSubjectRulesReview); answers as
  // plugin/pkg/auth/authorizer/rbac/rbac.go decides for a token bound by a RoleBinding.
  test('auth can-i: yes for the admin, no for the read-only token, and exactly the Role for a service account token', async () => {
    const yes = await k('auth', 'can-i', 'create', 'deployments', '-n', 'team-a');
    expect([yes.code, yes.stdout.trim()]).toEqual([0, 'yes']);
    const ro = join(dir, 'ro');
    sim.writeKubeconfig(ro, { token: sim.readOnlyToken });
    const no = await kubectl(ro, ['auth', 'can-i', 'delete', 'pods', '-n', 'team-a']);
    expect([no.code, no.stdout.trim()]).toEqual([1, 'no']);
    const body = (o: unknown) => ({ method: 'POST', body: o });
    expect((await raw(sim, '/api/v1/namespaces/research/serviceaccounts', body({ metadata: { name: 'kc-sa' } }))).status).toBe(201);
    expect((await raw(sim, '/apis/rbac.authorization.k8s.io/v1/namespaces/research/roles', body({ metadata: { name: 'kc-pods' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }))).status).toBe(201);
    expect((await raw(sim, '/apis/rbac.authorization.k8s.io/v1/namespaces/research/rolebindings', body({ metadata: { name: 'kc-pods' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kc-pods' }, subjects: [{ kind: 'ServiceAccount', name: 'kc-sa', namespace: 'research' }] }))).status).toBe(201);
    const tr = await raw(sim, '/api/v1/namespaces/research/serviceaccounts/kc-sa/token', body({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }));
    expect(tr.status).toBe(201);
    const sa = join(dir, 'sa');
    sim.writeKubeconfig(sa, { token: tr.json.status.token });
    const list = await kubectl(sa, ['auth', 'can-i', 'list', 'pods', '-n', 'research']);
    expect([list.code, list.stdout.trim()]).toEqual([0, 'yes']);
    const del = await kubectl(sa, ['auth', 'can-i', 'delete', 'pods', '-n', 'research']);
    expect([del.code, del.stdout.trim()]).toEqual([1, 'no']);
    const other = await kubectl(sa, ['auth', 'can-i', 'list', 'pods', '-n', 'team-a']);
    expect(other.stdout.trim()).toBe('no');
    const get = await kubectl(sa, ['get', 'pods', '-n', 'team-a']);
    expect(get.stderr).toContain('pods is forbidden: User "system:serviceaccount:research:kc-sa" cannot list resource "pods" in API group "" in the namespace "team-a"');
    const rules = await kubectl(sa, ['auth', 'can-i', '--list', '-n', 'research']);
    expect(rules.code, rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(rules.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list watch\]/);
  });

  // Server-side apply: apiserver pkg/endpoints/handlers/fieldmanager and structured-merge-diff (ownership, conflicts, force).
  test('apply --server-side creates, owns its fields, conflicts with another manager\'s change, and --force-conflicts takes it', async () => {
    const file = join(dir, 'ssa.yaml');
    const yaml = (replicas: number, image: string, extraEnv = '') => [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: kc-ssa, namespace: team-a, labels: {tier: web}}',
      'spec:', `  replicas: ${replicas}`, '  selector: {matchLabels: {app: kc-ssa}}',
      '  template:', '    metadata: {labels: {app: kc-ssa}}',
      `    spec: {containers: [{name: main, image: "${image}", env: [{name: A, value: "1"}${extraEnv}]}]}`, ''].join('\n');
    writeFileSync(file, yaml(1, 'nginx:1.27.3', ', {name: B, value: "2"}'));
    const a = await k('apply', '--server-side', '-f', file);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout.trim()).toBe('deployment.apps/kc-ssa serverside-applied');
    const d1 = (await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments/kc-ssa')).json;
    const mf = d1.metadata.managedFields.find((m: any) => m.manager === 'kubectl');
    expect(mf).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(mf.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"main"}']).toMatchObject({ '.': {}, 'f:image': {}, 'f:env': { 'k:{"name":"B"}': { '.': {}, 'f:value': {} } } });
    const p = await k('patch', 'deployment', 'kc-ssa', '-n', 'team-a', '--type', 'merge', '-p', '{"spec":{"replicas":3}}');
    expect(p.code, p.stderr).toBe(0);
    writeFileSync(file, yaml(1, 'nginx:1.27.4'));
    const c = await k('apply', '--server-side', '-f', file);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas');
    const f = await k('apply', '--server-side', '--force-conflicts', '-f', file);
    expect(f.code, f.stderr).toBe(0);
    const d2 = (await raw(sim, '/apis/apps/v1/namespaces/team-a/deployments/kc-ssa')).json;
    expect(d2.spec.replicas).toBe(1);
    const main = d2.spec.template.spec.containers[0];
    expect(main.image).toBe('nginx:1.27.4');
    // B was applied before and is not any more: the applier's field is removed.
    expect(main.env).toEqual([{ name: 'A', value: '1' }]);
    expect(d2.metadata.managedFields.find((m: any) => m.manager === 'kubectl-patch')).toBeUndefined();
  });

  // kubectl's generator commands send protobuf (core/v1 and rbac/v1 generated.proto); with them a test can
  // set up a service account with exactly a Role's permissions, as on a real cluster.
  test('create namespace, serviceaccount, configmap, role, rolebinding and token; the token has exactly the Role', async () => {
    for (const args of [
      ['create', 'namespace', 'kc-rbac'],
      ['create', 'serviceaccount', 'runner', '-n', 'kc-rbac'],
      ['create', 'configmap', 'settings', '-n', 'kc-rbac', '--from-literal=a=1', '--from-literal=b=two'],
      ['create', 'role', 'deployer', '-n', 'kc-rbac', '--verb=get,list,watch,create', '--resource=deployments.apps,configmaps'],
      ['create', 'rolebinding', 'deployer', '-n', 'kc-rbac', '--role=deployer', '--serviceaccount=kc-rbac:runner'],
    ]) {
      const r = await k(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const cm = (await raw(sim, '/api/v1/namespaces/kc-rbac/configmaps/settings')).json;
    expect(cm.data).toEqual({ a: '1', b: 'two' });
    const role = (await raw(sim, '/apis/rbac.authorization.k8s.io/v1/namespaces/kc-rbac/roles/deployer')).json;
    expect(role.rules).toEqual([
      { verbs: ['get', 'list', 'watch', 'create'], apiGroups: [''], resources: ['configmaps'] },
      { verbs: ['get', 'list', 'watch', 'create'], apiGroups: ['apps'], resources: ['deployments'] },
    ]);
    const short = await k('create', 'token', 'runner', '-n', 'kc-rbac', '--duration=5m');
    expect(short.stderr).toContain('spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes');
    const t = await k('create', 'token', 'runner', '-n', 'kc-rbac', '--duration=2h');
    expect(t.code, t.stderr).toBe(0);
    const kc = join(dir, 'runner');
    sim.writeKubeconfig(kc, { token: t.stdout.trim() });
    expect((await kubectl(kc, ['auth', 'can-i', 'create', 'deployments.apps', '-n', 'kc-rbac'])).stdout.trim()).toBe('yes');
    expect((await kubectl(kc, ['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kc-rbac'])).stdout.trim()).toBe('no');
    expect((await kubectl(kc, ['auth', 'can-i', 'list', 'pods', '-n', 'kc-rbac'])).stdout.trim()).toBe('no');
    const got = await kubectl(kc, ['get', 'configmap', 'settings', '-n', 'kc-rbac', '-o', 'jsonpath={.data.b}']);
    expect(got.stdout).toBe('two');
  });
});
