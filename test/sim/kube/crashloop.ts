// Containers whose image crashes (an image named in crashingImages, or containing "crash-loop"):
// the kubelet starts them, they print a line and exit 1 after runMs, and are restarted with the
// kubelet's back-off (pkg/kubelet/kuberuntime: CrashLoopBackOff, lastState.terminated, the
// restart count; the BackOff event "Back-off restarting failed container"). Each run's output is
// its own log instance, so logs?previous=true shows the one before.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store } from './store.ts';
import { resourceFor } from './resources.ts';
import type { EventRecorder } from './events.ts';
import type { PodLogs } from './podlogs.ts';

const pods = resourceFor('pods');

export class CrashLoops {
  private timers = new Map<string, NodeJS.Timeout>();
  private store: Store;
  private opts: { runMs: number; backoffMs: number; images: string[] };
  events: EventRecorder | undefined;
  podLogs: PodLogs | undefined;

  constructor(store: Store, opts: { runMs: number; backoffMs: number; images: string[] }) {
    this.store = store;
    this.opts = opts;
  }

  crashes(image: string): boolean {
    return image.includes('crash-loop') || this.opts.images.includes(image);
  }

  /** A pod just started: schedule the crash of each crashing container. */
  started(pod: KObj): void {
    for (const c of pod.spec?.containers ?? []) if (this.crashes(String(c.image))) this.later(pod, c.name, this.opts.runMs, () => this.crash(pod, c.name));
  }

  private later(pod: KObj, container: string, ms: number, f: () => void): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      f();
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  private current(pod: KObj): KObj | undefined {
    const e = this.store.getEntry(pods, pod.metadata.namespace, pod.metadata.name!);
    return e && e.obj.metadata.uid === pod.metadata.uid && !e.obj.metadata.deletionTimestamp ? e.obj : undefined;
  }

  private crash(pod: KObj, container: string): void {
    const cur = this.current(pod);
    if (!cur) return;
    const o = clone(cur);
    const now = nowIso();
    const s = (o.status.containerStatuses ?? []).find((x: any) => x.name === container);
    if (!s) return;
    const restarts = s.restartCount ?? 0;
    const image = String((o.spec.containers ?? []).find((x: any) => x.name === container)?.image ?? '');
    this.podLogs?.append(o.metadata.namespace!, o.metadata.name!, container, CrashLoops.exitLine(image));
    s.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: s.state?.running?.startedAt ?? now, finishedAt: now, containerID: s.containerID } };
    s.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.min(300, 10 * 2 ** restarts)}s restarting failed container=${container} pod=${o.metadata.name}_${o.metadata.namespace}(${o.metadata.uid})` } };
    s.ready = false;
    s.started = false;
    s.restartCount = restarts + 1;
    const reasons = { reason: 'ContainersNotReady', message: `containers with unready status: [${container}]` };
    o.status.conditions = (o.status.conditions ?? []).map((c: any) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', ...reasons, lastTransitionTime: now } : c));
    const stored = this.store.update(pods, o);
    const host = { component: 'kubelet', host: o.spec?.nodeName };
    this.events?.record(pods, stored, 'Warning', 'BackOff', `Back-off restarting failed container ${container} in pod ${o.metadata.name}_${o.metadata.namespace}(${o.metadata.uid})`, host, `spec.containers{${container}}`);
    this.later(pod, container, this.opts.backoffMs, () => this.restart(pod, container));
  }

  private restart(pod: KObj, container: string): void {
    const cur = this.current(pod);
    if (!cur) return;
    const o = clone(cur);
    const s = (o.status.containerStatuses ?? []).find((x: any) => x.name === container);
    if (!s) return;
    s.state = { running: { startedAt: nowIso() } };
    s.started = true;
    const stored = this.store.update(pods, o);
    const c = (o.spec.containers ?? []).find((x: any) => x.name === container);
    const host = { component: 'kubelet', host: o.spec?.nodeName };
    const fp = `spec.containers{${container}}`;
    this.events?.record(pods, stored, 'Normal', 'Pulled', `Container image "${c?.image}" already present on machine`, host, fp);
    this.events?.record(pods, stored, 'Normal', 'Created', `Created container: ${container}`, host, fp);
    this.events?.record(pods, stored, 'Normal', 'Started', `Started container ${container}`, host, fp);
    this.podLogs?.started(stored, c, Date.now(), s.restartCount);
    this.later(pod, container, this.opts.runMs, () => this.crash(pod, container));
  }

  /** What a crashing container prints before it exits. */
  static exitLine(image: string): string {
    return `fatal: ${image} cannot start: configuration invalid (exit status 1)`;
  }

  drop(ns: string, name: string): void {
    for (const [k, t] of [...this.timers]) {
      if (!k.startsWith(`${ns}/${name}/`)) continue;
      clearTimeout(t);
      this.timers.delete(k);
    }
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
