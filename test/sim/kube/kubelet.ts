// Binds new pods to nodes (through the Scheduler) and plays the kubelet: after
// readyDelayMs a bound pod is Running and Ready, unless its image cannot be pulled
// (then it waits in ImagePullBackOff). Unschedulable pods are retried when room appears.
// A pod deleted gracefully is stopped: its containers take terminationMs to exit on SIGTERM
// (never longer than the grace period), then the kubelet removes it (a delete with grace 0).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { createHash } from 'node:crypto';
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { keyOf } from './store.ts';
import { resourceFor } from './resources.ts';
import type { Scheduler } from './scheduler.ts';
import { storeOrFinish } from './deletion.ts';
import type { EventRecorder } from './events.ts';
import type { PodLogs } from './podlogs.ts';
import type { CrashLoops } from './crashloop.ts';
import { containerStartEvents, failedSchedulingEvent, killingEvents, scheduledEvent } from './kubelet-events.ts';

export interface KubeletOptions {
  readyDelayMs: number;
  unpullableImages: string[];
  /** How long a container takes to exit after SIGTERM (capped by the pod's grace period). */
  terminationMs: number;
}

const pods = resourceFor('pods');

function cond(type: string, status: string, extra: Record<string, string> = {}): any {
  return { type, status, lastProbeTime: null, lastTransitionTime: nowIso(), ...extra };
}

function hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function qosClass(pod: KObj): string {
  let any = false;
  let guaranteed = true;
  for (const c of pod.spec?.containers ?? []) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const k of ['cpu', 'memory']) if (!lim[k] || (req[k] ?? lim[k]) !== lim[k]) guaranteed = false;
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

export class Kubelet {
  private store: Store;
  private scheduler: Scheduler;
  private opts: KubeletOptions;
  private log: (m: string) => void;
  private timers = new Map<string, NodeJS.Timeout>();
  private stopping = new Map<string, NodeJS.Timeout>();
  private toSchedule = new Set<string>();
  private unschedulable = new Set<string>();
  private scheduled = false;
  private ipCounter = new Map<string, number>();
  private closed = false;
  /** Called with a pod the kubelet brings to Running, before it is stored (the per-pod Ollamas: test/sim/pod-ollama.ts). */
  startHook: ((pod: KObj) => void) | undefined;
  /** Where the scheduler's and kubelet's events go, and the containers' output. */
  events: EventRecorder | undefined;
  podLogs: PodLogs | undefined;
  crashLoops: CrashLoops | undefined;

  constructor(store: Store, scheduler: Scheduler, opts: KubeletOptions, log: (m: string) => void) {
    this.store = store;
    this.scheduler = scheduler;
    this.opts = opts;
    this.log = log;
  }

  isUnpullable(image: string): boolean {
    return image.includes('does-not-exist') || this.opts.unpullableImages.includes(image);
  }

  onEvent(e: StoreEvent): void {
    if (e.r.plural === 'nodes' && e.type !== 'DELETED') return this.retryUnschedulable();
    if (e.r.plural !== 'pods') return;
    const key = keyOf(e.obj.metadata.namespace, e.obj.metadata.name!);
    if (e.type === 'DELETED') {
      this.podLogs?.drop(e.obj.metadata.namespace!, e.obj.metadata.name!);
      this.crashLoops?.drop(e.obj.metadata.namespace!, e.obj.metadata.name!);
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      clearTimeout(this.stopping.get(key));
      this.stopping.delete(key);
      this.unschedulable.delete(key);
      this.toSchedule.delete(key);
      return this.retryUnschedulable();
    }
    if (e.obj.metadata.deletionTimestamp && e.obj.spec?.nodeName && e.obj.metadata.deletionGracePeriodSeconds > 0) return this.stopLater(key, e.obj);
    if (e.type === 'ADDED') {
      if (!e.obj.spec?.nodeName) this.enqueue(key);
      else if (e.obj.status?.phase === 'Pending' && !e.obj.status?.containerStatuses) this.startLater(key);
    }
  }

  private retryUnschedulable(): void {
    for (const k of this.unschedulable) this.enqueue(k);
  }

  private enqueue(key: string): void {
    this.toSchedule.add(key);
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keys = [...this.toSchedule];
      this.toSchedule.clear();
      for (const k of keys) this.trySchedule(k);
    });
  }

  private trySchedule(key: string): void {
    const [ns, name] = key.split('/') as [string, string];
    const e = this.store.getEntry(pods, ns, name);
    if (!e || e.obj.spec?.nodeName) return;
    const result = this.scheduler.schedule(e.obj);
    const pod = clone(e.obj);
    if ('message' in result) {
      this.unschedulable.add(key);
      const old = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
      if (old?.message === result.message) return;
      pod.status = { ...(pod.status ?? {}), phase: 'Pending', qosClass: qosClass(pod),
        conditions: [cond('PodScheduled', 'False', { reason: 'Unschedulable', message: result.message })] };
      const stored = this.store.update(pods, pod);
      failedSchedulingEvent(this.events, stored, result.message);
      this.log(`[SIM] pod ${key} unschedulable: ${result.message}`);
      return;
    }
    this.unschedulable.delete(key);
    const bound = this.store.update(pods, this.bind(pod, result.node));
    scheduledEvent(this.events, bound, result.node.metadata.name!);
    this.startLater(key);
  }

  private bind(pod: KObj, node: KObj): KObj {
    pod.spec.nodeName = node.metadata.name;
    const hostIP = node.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    pod.status = {
      phase: 'Pending',
      conditions: [cond('PodScheduled', 'True')],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      startTime: nowIso(),
      qosClass: qosClass(pod),
      containerStatuses: (pod.spec.containers ?? []).map((c: any) => ({
        name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } }, lastState: {},
      })),
    };
    return pod;
  }

  private podIp(node: string): string {
    const n = (this.ipCounter.get(node) ?? 1) + 1;
    this.ipCounter.set(node, n);
    const e = this.store.getEntry(resourceFor('nodes'), undefined, node);
    const cidr: string = e?.obj.spec?.podCIDR ?? '10.244.0.0/24';
    const base = cidr.split('.').slice(0, 3).join('.');
    return `${base}.${(n % 250) + 2}`;
  }

  /** The state the kubelet brings a bound pod to: Running and Ready, or stuck pulling its image. */
  private started(pod: KObj): KObj {
    const bad = (pod.spec.containers ?? []).filter((c: any) => this.isUnpullable(String(c.image)));
    const now = nowIso();
    const scheduled = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled') ?? cond('PodScheduled', 'True');
    if (bad.length) {
      const names = bad.map((c: any) => c.name).join(' ');
      pod.status.conditions = [
        cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'),
        cond('Ready', 'False', { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` }),
        cond('ContainersReady', 'False', { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` }),
        scheduled,
      ];
      pod.status.podIP = this.podIp(pod.spec.nodeName);
      pod.status.podIPs = [{ ip: pod.status.podIP }];
      pod.status.containerStatuses = (pod.spec.containers ?? []).map((c: any) => ({
        name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0,
        state: this.isUnpullable(String(c.image))
          ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } }
          : { waiting: { reason: 'PodInitializing' } },
        lastState: {},
      }));
      return pod;
    }
    pod.status.phase = 'Running';
    pod.status.podIP = this.podIp(pod.spec.nodeName);
    pod.status.podIPs = [{ ip: pod.status.podIP }];
    pod.status.conditions = [
      cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', 'True'),
      cond('ContainersReady', 'True'), scheduled,
    ];
    pod.status.containerStatuses = (pod.spec.containers ?? []).map((c: any) => {
      const image = String(c.image);
      const ref = image.includes('/') ? image : `docker.io/library/${image}`;
      return {
        name: c.name,
        image: ref.includes(':') ? ref : `${ref}:latest`,
        imageID: `${ref.split(':')[0]}@sha256:${hex(image)}`,
        containerID: `containerd://${hex(pod.metadata.uid + c.name)}`,
        ready: true, started: true, restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      };
    });
    return pod;
  }

  private startLater(key: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      const [ns, name] = key.split('/') as [string, string];
      const e = this.store.getEntry(pods, ns, name);
      if (!e || !e.obj.spec?.nodeName || e.obj.status?.phase !== 'Pending' || e.obj.metadata.deletionTimestamp) return;
      const pod = this.started(clone(e.obj));
      this.startHook?.(pod);
      const stored = this.store.update(pods, pod);
      containerStartEvents(this.events, stored, (image) => this.isUnpullable(image));
      for (const c of stored.spec?.containers ?? []) if (!this.isUnpullable(String(c.image))) this.podLogs?.started(stored, c);
      this.crashLoops?.started(stored);
      const waiting = pod.status.containerStatuses?.find((s: any) => s.state?.waiting)?.state.waiting.reason;
      this.log(`[SIM] pod ${key} ${waiting ? `waiting: ${waiting}` : `running on ${pod.spec.nodeName}`}`);
    }, this.opts.readyDelayMs);
    t.unref();
    this.timers.set(key, t);
  }

  private stopLater(key: string, pod: KObj): void {
    if (this.stopping.has(key) || this.closed) return;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const ms = Math.min(this.opts.terminationMs, pod.metadata.deletionGracePeriodSeconds * 1000);
    killingEvents(this.events, pod);
    const t = setTimeout(() => {
      this.stopping.delete(key);
      const [ns, name] = key.split('/') as [string, string];
      const e = this.store.getEntry(pods, ns, name);
      if (!e || !e.obj.metadata.deletionTimestamp) return;
      const o = clone(e.obj);
      const now = nowIso();
      o.status = { ...(o.status ?? {}) };
      o.status.containerStatuses = (o.status.containerStatuses ?? []).map((c: any) => ({
        ...c, ready: false, started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state?.running?.startedAt ?? now, finishedAt: now, containerID: c.containerID } },
      }));
      o.metadata.deletionGracePeriodSeconds = 0;
      storeOrFinish(this.store, pods, o);
      this.podLogs?.drop(ns, name);
      this.log(`[SIM] pod ${key} stopped and removed by the kubelet`);
    }, ms);
    t.unref();
    this.stopping.set(key, t);
  }

  /** For seeding: schedules and starts a pod at once, returning the object to store (Pending if it cannot be). */
  materialize(pod: KObj): KObj {
    const result = this.scheduler.schedule(pod);
    if ('message' in result) return pod;
    return this.started(this.bind(pod, result.node));
  }

  close(): void {
    this.closed = true;
    for (const t of [...this.timers.values(), ...this.stopping.values()]) clearTimeout(t);
    this.timers.clear();
    this.stopping.clear();
  }
}
