// What the desktop says with a notification, from the core's own event payloads: once per
// change, and never for what was already so.
import { describe, expect, it } from 'vitest';
import { NoticeRules } from '../../main/core/notices.ts';
import type { DeploymentInfo, HealthResult, PullProgress } from '../../preload/contract/index.ts';

const pull = (over: Partial<PullProgress>): PullProgress => ({
  model: 'llama3.2:1b', status: 'downloading', progress: 40, total: 10, completed: 4, error: null, message: '', bytes_per_second: null, eta_seconds: null, started_at: '2026-12-01T10:00:00Z', finished_at: null, ...over,
});
const dep = (status: DeploymentInfo['status'], over: Partial<DeploymentInfo> = {}): DeploymentInfo =>
  ({ name: 'llama', namespace: 'model-hosting', model_id: 'llama3.2:1b', image: 'ollama/ollama:0.31.1', status, replicas: '0/1', gpu: '1', memory: '8Gi', created: '', managed: true, model_server: true, ...over }) as DeploymentInfo;
const delta = (upserts: DeploymentInfo[], deletes: { namespace: string; name: string }[] = []) => ({ epoch: 'e', seq: 1, upserts, deletes });
const health = (kubernetes: HealthResult['kubernetes'], ollama: HealthResult['ollama'] = { kind: 'service-proxy', url: 'x' }): HealthResult => ({ status: kubernetes === 'connected' ? 'healthy' : 'unhealthy', kubernetes, ollama, context: 'sim' });

describe('desktop notices', () => {
  it('a pull: once when it finished or failed, nothing while it runs', () => {
    const r = new NoticeRules();
    expect(r.pull(pull({}))).toBeNull();
    // The last progress may arrive twice (status success before and after finished_at is set).
    expect(r.pull(pull({ status: 'success', progress: 100 }))).toBeNull();
    expect(r.pull(pull({ status: 'success', progress: 100, finished_at: '2026-12-01T10:01:00Z' }))).toMatchObject({ title: 'Pulled llama3.2:1b', body: 'llama3.2:1b is ready to try.' });
    expect(r.pull(pull({ status: 'success', progress: 100, finished_at: '2026-12-01T10:01:00Z' }))).toBeNull();
    expect(r.pull(pull({ model: 'x:1b', status: 'error', error: 'pull model manifest: file does not exist', finished_at: '2026-12-01T10:02:00Z' }))).toMatchObject({ title: 'Pull of x:1b failed', body: 'pull model manifest: file does not exist' });
    expect(r.pull(pull({ status: 'cancelled', finished_at: '2026-12-01T10:03:00Z' }))).toBeNull();
  });

  it('a deployment: ready, failed with its reason, evicted; not on first sight nor for other workloads', () => {
    const r = new NoticeRules();
    expect(r.deployments(delta([dep('Starting')]))).toEqual([]);
    expect(r.deployments(delta([dep('Starting')]))).toEqual([]);
    expect(r.deployments(delta([dep('Running', { replicas: '1/1' })]))).toMatchObject([{ title: 'model-hosting/llama is ready', body: 'model-hosting/llama (llama3.2:1b) is running.' }]);
    expect(r.deployments(delta([dep('Failed', { reason: 'ImagePullBackOff', message: 'Back-off pulling image' })]))).toMatchObject([{ title: 'model-hosting/llama failed', body: 'ImagePullBackOff: Back-off pulling image' }]);
    r.deployments(delta([dep('Running')]));
    expect(r.deployments(delta([dep('Failed', { reason: 'Evicted', message: 'The node was low on resource: memory.' })]))[0]).toMatchObject({ title: 'model-hosting/llama was evicted', body: 'The node was low on resource: memory.' });
    const web = dep('Starting', { name: 'web', namespace: 'team-a', managed: false, model_server: false });
    r.deployments(delta([web]));
    expect(r.deployments(delta([{ ...web, status: 'Running' }]))).toEqual([]);
    // Deleted, then made again: first sight again.
    r.deployments(delta([], [{ namespace: 'model-hosting', name: 'llama' }]));
    expect(r.deployments(delta([dep('Running')]))).toEqual([]);
  });

  it('says each as a notice event on the bus, with its level', async () => {
    const { EventBus } = await import('../../main/core/events.ts');
    const { startNotices } = await import('../../main/core/notices.ts');
    const bus = new EventBus();
    const heard: { level: string; title: string }[] = [];
    bus.on('notice', (n) => heard.push(n));
    const stop = startNotices(bus);
    bus.emit('pullProgress', pull({ status: 'error', error: 'disk full', finished_at: '2026-12-01T11:00:00Z' }));
    bus.emit('healthChanged', health('connected'));
    bus.emit('healthChanged', health('disconnected'));
    stop();
    bus.emit('healthChanged', health('connected'));
    expect(heard).toEqual([
      { level: 'error', title: 'Pull of llama3.2:1b failed', body: 'disk full' },
      { level: 'warn', title: 'Kubernetes lost', body: 'The API server does not answer; the app shows the last known state.' },
    ]);
  });

  it('Kubernetes and Ollama lost and back, each change once', () => {
    const r = new NoticeRules();
    expect(r.health(health('connected'))).toEqual([]);
    expect(r.health(health('connected'))).toEqual([]);
    expect(r.health({ ...health('disconnected'), error: 'Kubernetes API unreachable' }).map((n) => n.title)).toEqual(['Kubernetes lost']);
    expect(r.health(health('connected')).map((n) => n.title)).toEqual(['Kubernetes is back']);
    expect(r.health(health('connected', null)).map((n) => n.title)).toEqual(['Ollama lost']);
    expect(r.health(health('connected', null))).toEqual([]);
    expect(r.health(health('connected')).map((n) => n.title)).toEqual(['Ollama is back']);
  });
});
