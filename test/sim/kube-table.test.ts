// Server-side Tables (Accept: application/json;as=Table;v=v1;g=meta.k8s.io), as kubectl get
// asks for them: columns, cells, row objects, and lists' selectors and paging.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { raw } from './kube/testing.ts';
import { humanDuration } from './kube/table.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
let sim: KubeSim;

beforeAll(async () => {
  sim = await startKubeSim({ readyDelayMs: 50, quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

const table = (path: string, accept = TABLE) => raw(sim, path, { headers: { accept } });
const names = (t: any) => t.columnDefinitions.map((c: any) => c.name);
const cellsOf = (t: any, name: string) => t.rows.find((r: any) => r.cells[0] === name)?.cells;

describe('Table', () => {
  test('pods: columns with wide ones at priority 1, cells, PartialObjectMetadata rows', async () => {
    const t = (await table('/api/v1/namespaces/model-hosting/pods')).json;
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(names(t)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(t.columnDefinitions.filter((c: any) => c.priority === 1).map((c: any) => c.name)).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const list = (await raw(sim, '/api/v1/namespaces/model-hosting/pods')).json;
    expect(list.kind).toBe('PodList');
    expect(t.metadata.resourceVersion).toBe(list.metadata.resourceVersion);
    expect(t.rows.length).toBe(list.items.length);
    const pod = list.items[0];
    const cells = cellsOf(t, pod.metadata.name);
    expect(cells.slice(0, 4)).toEqual([pod.metadata.name, '1/1', 'Running', '0']);
    expect(cells[4]).toMatch(/^\d+[smhdy]/);
    expect(cells.slice(5)).toEqual([pod.status.podIP, pod.spec.nodeName, '<none>', '<none>']);
    const row = t.rows[0];
    expect(row.object.kind).toBe('PartialObjectMetadata');
    expect(row.object.apiVersion).toBe('meta.k8s.io/v1');
    expect(row.object.metadata.uid).toBe(pod.metadata.uid);
    expect(row.object.spec).toBeUndefined();
  });

  test('includeObject=Object and None; v1beta1; plain JSON for any other Accept', async () => {
    const o = (await table('/api/v1/namespaces/model-hosting/pods?includeObject=Object')).json;
    expect(o.rows[0].object.kind).toBe('Pod');
    expect(o.rows[0].object.spec.containers.length).toBeGreaterThan(0);
    const n = (await table('/api/v1/namespaces/model-hosting/pods?includeObject=None')).json;
    expect(n.rows[0].object).toBeNull();
    const b = (await table('/api/v1/namespaces/model-hosting/pods', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io')).json;
    expect(b.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(b.rows[0].object.apiVersion).toBe('meta.k8s.io/v1beta1');
    for (const accept of ['application/json', '*/*', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json'])
      expect((await table('/api/v1/namespaces/model-hosting/pods', accept)).json.kind).toBe('PodList');
    expect((await raw(sim, '/api/v1/namespaces/model-hosting/pods')).json.kind).toBe('PodList');
    const bad = await table('/api/v1/namespaces/model-hosting/pods?includeObject=All');
    expect(bad.status).toBe(400);
  });

  test('one object: a one-row Table; 404 stays a Status', async () => {
    const t = (await table('/api/v1/nodes/gpu-h100-01')).json;
    expect(t.kind).toBe('Table');
    expect(names(t)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
    expect(t.rows.length).toBe(1);
    const node = (await raw(sim, '/api/v1/nodes/gpu-h100-01')).json;
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['gpu-h100-01', 'Ready', '<none>']);
    expect(t.rows[0].cells[4]).toBe(node.status.nodeInfo.kubeletVersion);
    expect(t.metadata.resourceVersion).toBe(node.metadata.resourceVersion);
    const nf = await table('/api/v1/nodes/nope');
    expect(nf.status).toBe(404);
    expect(nf.json.kind).toBe('Status');
  });

  test('deployments, services, configmaps, namespaces, replicasets', async () => {
    const d = (await table('/apis/apps/v1/deployments')).json;
    expect(names(d)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(cellsOf(d, 'ollama').slice(0, 4)).toEqual(['ollama', '1/1', 1, 1]);
    expect(cellsOf(d, 'ollama').slice(5)[2]).toBe('app=ollama');
    const s = (await table('/api/v1/namespaces/model-hosting/services')).json;
    expect(names(s)).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    const svc = (await raw(sim, '/api/v1/namespaces/model-hosting/services/ollama-service')).json;
    const sc = cellsOf(s, 'ollama-service');
    expect([sc[0], sc[1], sc[2], sc[3], sc[4], sc[6]]).toEqual(['ollama-service', 'ClusterIP', svc.spec.clusterIP, '<none>', '11434/TCP', 'app=ollama']);
    const c = (await table('/api/v1/namespaces/default/configmaps')).json;
    expect(names(c)).toEqual(['Name', 'Data', 'Age']);
    expect(cellsOf(c, 'kube-root-ca.crt').slice(0, 2)).toEqual(['kube-root-ca.crt', 1]);
    const ns = (await table('/api/v1/namespaces')).json;
    expect(names(ns)).toEqual(['Name', 'Status', 'Age']);
    expect(cellsOf(ns, 'model-hosting').slice(0, 2)).toEqual(['model-hosting', 'Active']);
    const rs = (await table('/apis/apps/v1/namespaces/model-hosting/replicasets')).json;
    expect(names(rs).slice(0, 5)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age']);
    expect(rs.rows[0].cells.slice(1, 4)).toEqual([1, 1, 1]);
  });

  test('labelSelector, fieldSelector, limit and continue as lists have them', async () => {
    const all = (await raw(sim, '/api/v1/pods')).json.items.map((p: any) => p.metadata.name);
    expect(all.length).toBeGreaterThan(3);
    const sel = (await table('/api/v1/pods?labelSelector=app%3Dollama')).json;
    expect(sel.rows.map((r: any) => r.cells[0])).toEqual(all.filter((n: string) => n.startsWith('ollama-')));
    const field = (await table('/api/v1/pods?fieldSelector=metadata.namespace%3Dteam-a')).json;
    expect(field.rows.length).toBe((await raw(sim, '/api/v1/namespaces/team-a/pods')).json.items.length);
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const page = (await table(`/api/v1/pods?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json;
      expect(page.kind).toBe('Table');
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((r: any) => r.cells[0]));
      if (page.metadata.continue) expect(page.metadata.remainingItemCount).toBe(all.length - seen.length);
      cont = page.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  test('a watch asked for as a Table sends one-row Tables', async () => {
    const { watchEvents } = await import('./kube/testing.ts');
    // watchEvents sends no Accept header: plain objects.
    const plain = await watchEvents(sim, '/api/v1/namespaces/model-hosting/pods?watch=true', (ev) => ev.length >= 1);
    expect(plain.events[0].object.kind).toBe('Pod');
    const { request, Agent } = await import('undici');
    const ac = new AbortController();
    const res = await request(`${sim.url}/api/v1/namespaces/model-hosting/pods?watch=true`, {
      headers: { authorization: `Bearer ${sim.token}`, accept: TABLE }, dispatcher: new Agent({ connect: { ca: sim.caPem } }), signal: ac.signal,
    });
    let buf = '';
    for await (const chunk of res.body) {
      buf += chunk.toString();
      if (buf.includes('\n')) break;
    }
    ac.abort();
    const ev = JSON.parse(buf.slice(0, buf.indexOf('\n')));
    expect(ev.type).toBe('ADDED');
    expect(ev.object.kind).toBe('Table');
    expect(ev.object.rows.length).toBe(1);
    expect(ev.object.rows[0].cells[2]).toBe('Running');
  });

  test('AGE reads as Go duration.HumanDuration does', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    const d = 24 * h;
    expect([0, 59 * s, 119 * s, 2 * m, 5 * m + 7 * s, 12 * m, 3 * h + 10 * m, 7 * h, 30 * h, 3 * d + 4 * h, 30 * d, 800 * d, 9 * 365 * d, -5 * s].map(humanDuration))
      .toEqual(['0s', '59s', '119s', '2m', '5m7s', '12m', '3h10m', '7h', '30h', '3d4h', '30d', '2y70d', '9y', '<invalid>']);
  });
});
