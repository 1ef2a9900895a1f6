// GET pods/NAME/log as the API server and kubelet answer it (pkg/registry/core/pod/strategy.go
// LogLocation, pkg/kubelet/kubelet_pods.go GetContainerLogs, kuberuntime logs): container
// (required when the pod has several), previous, tailLines, sinceSeconds / sinceTime,
// timestamps (RFC 3339 with nanoseconds), limitBytes, and follow (the stream stays open and
// ends when the container stops). The lines are what the simulated container wrote (podlogs.ts).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { KObj } from './types.ts';
import { errors } from './status.ts';
import { queryBool } from './query.ts';
import type { LogLine } from './podlogs.ts';

function rfc3339Nano(t: number): string {
  return new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  const n = Number(v);
  if (n < (name === 'sinceSeconds' || name === 'limitBytes' ? 1 : 0))
    throw errors.invalid({ kind: 'PodLogOptions', group: '' } as any, '', [{ reason: 'FieldValueInvalid', field: name,
      message: `Invalid value: ${n}: must be greater than ${name === 'tailLines' ? 'or equal to 0' : '0'}` }]);
  return n;
}

export function servePodLog(ctx: SimContext, pod: KObj, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const name = pod.metadata.name!;
  const ns = pod.metadata.namespace!;
  const containers: any[] = pod.spec?.containers ?? [];
  let container = q.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1)
      throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    container = containers[0].name;
  }
  const spec = containers.find((c) => c.name === container);
  if (!spec) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  const tail = intParam(q, 'tailLines');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== null)
    throw errors.invalid({ kind: 'PodLogOptions', group: '' } as any, '', [{ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' }]);
  if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const status = (pod.status?.containerStatuses ?? []).find((s: any) => s.name === container);
  const logs = ctx.podLogs!;
  const latest = logs.instance(ns, name, container);
  const previous = queryBool(q, 'previous');
  if (previous && !(latest > 0 && status?.lastState?.terminated))
    throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  const waiting = status?.state?.waiting;
  // A container waiting to restart (CrashLoopBackOff) shows its last run's output.
  if (!status || (waiting && !status.lastState?.terminated)) {
    const why = waiting?.reason === 'ImagePullBackOff' || waiting?.reason === 'ErrImagePull' ? 'trying and failing to pull image' : (waiting?.reason ?? 'ContainerCreating');
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  logs.ensureStarted(pod, spec);
  const instance = previous ? latest - 1 : latest;
  const stamps = queryBool(q, 'timestamps');
  const from = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : -Infinity;
  let lines = logs.get(ns, name, container, instance).filter((l) => l.t >= from);
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
  let budget = limitBytes ?? Infinity;
  const render = (l: LogLine) => (stamps ? `${rfc3339Nano(l.t)} ` : '') + l.text + '\n';
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const b = Buffer.from(text);
    res.write(b.length > budget ? b.subarray(0, budget) : b);
    budget -= b.length;
    return budget > 0;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  for (const l of lines) if (!write(render(l))) return void res.end();
  const follow = queryBool(q, 'follow') && !previous && Boolean(status.state?.running);
  if (!follow) return void res.end();
  res.flushHeaders();
  const stop = logs.follow(ns, name, container, (l) => {
    if (!write(render(l))) done();
  }, () => done());
  function done(): void {
    stop();
    res.end();
  }
  req.on('close', stop);
}
