// What deserves a notice, decided once from the core's events: a pull that finished or
// failed; a model deployment that became ready, failed (with its reason) or was evicted;
// Kubernetes or Ollama lost and back. Each change is said once, as a `notice` event that the
// desktop shows as a notification and every window (IPC or the event stream) as a toast.
import type { DeploymentInfo, DeploymentsDelta, HealthResult, Notice, PullProgress } from '../../preload/contract/index.ts';
import type { EventBus } from './events.ts';

export type { Notice };

const key = (d: { namespace: string; name: string }) => `${d.namespace}/${d.name}`;

export class NoticeRules {
  /** Last status seen per model deployment; a deployment first seen is not news. */
  readonly #deployments = new Map<string, DeploymentInfo['status']>();
  #kube: HealthResult['kubernetes'] | null = null;
  #ollama: 'reachable' | 'unreachable' | null = null;

  /** Finished pulls already said (a pull's last progress may be sent more than once). */
  readonly #pullsSaid = new Set<string>();

  pull(p: PullProgress): Notice | null {
    if (!p.finished_at || (p.status !== 'success' && p.status !== 'error')) return null;
    const said = `${p.target ?? ''}|${p.model}@${p.finished_at}`;
    if (this.#pullsSaid.has(said)) return null;
    this.#pullsSaid.add(said);
    if (this.#pullsSaid.size > 500) this.#pullsSaid.delete(this.#pullsSaid.values().next().value!);
    // A pull into a model deployment's own Ollama says which one.
    const on = p.target ? ` on ${p.target}` : '';
    if (p.status === 'success') return { level: 'info', title: `Pulled ${p.model}${on}`, body: `${p.model} is ready to try${on}.` };
    return { level: 'error', title: `Pull of ${p.model}${on} failed`, body: p.error ?? p.message };
  }

  deployments(delta: DeploymentsDelta): Notice[] {
    const out: Notice[] = [];
    for (const d of delta.upserts) {
      if (!d.managed && !d.model_server) continue;
      const before = this.#deployments.get(key(d));
      this.#deployments.set(key(d), d.status);
      if (before === undefined || before === d.status) continue;
      const what = `${key(d)}${d.model_id ? ` (${d.model_id})` : ''}`;
      if (d.status === 'Running') out.push({ level: 'info', title: `${key(d)} is ready`, body: `${what} is running.` });
      else if (d.status === 'Failed' && d.reason === 'Evicted') out.push({ level: 'warn', title: `${key(d)} was evicted`, body: d.message || `${what}: its pod was evicted.` });
      else if (d.status === 'Failed') out.push({ level: 'error', title: `${key(d)} failed`, body: [d.reason, d.message].filter(Boolean).join(': ') || `${what} failed.` });
    }
    for (const d of delta.deletes) this.#deployments.delete(key(d));
    return out;
  }

  health(h: HealthResult): Notice[] {
    const out: Notice[] = [];
    if (this.#kube !== null && h.kubernetes !== this.#kube) {
      out.push(h.kubernetes === 'connected' ? { level: 'info', title: 'Kubernetes is back', body: `Connected to ${h.context ?? 'the cluster'} again.` } : { level: 'warn', title: 'Kubernetes lost', body: h.error ?? 'The API server does not answer; the app shows the last known state.' });
    }
    this.#kube = h.kubernetes;
    if (h.ollama !== undefined) {
      const now = h.ollama ? 'reachable' : 'unreachable';
      if (this.#ollama !== null && now !== this.#ollama) {
        out.push(now === 'reachable' ? { level: 'info', title: 'Ollama is back', body: `Reached through ${h.ollama!.kind}.` } : { level: 'warn', title: 'Ollama lost', body: 'No route to Ollama answers.' });
      }
      this.#ollama = now;
    }
    return out;
  }
}

/** Emits a `notice` on `events` for each change its pulls, deployments and health events say; returns the unsubscribe. */
export function startNotices(events: EventBus): () => void {
  const rules = new NoticeRules();
  const say = (n: Notice | null) => n && events.emit('notice', n);
  const offs = [
    events.on('pullProgress', (p) => say(rules.pull(p))),
    events.on('deploymentsChanged', (d) => rules.deployments(d).forEach(say)),
    events.on('healthChanged', (h) => rules.health(h).forEach(say)),
  ];
  return () => offs.forEach((off) => off());
}
