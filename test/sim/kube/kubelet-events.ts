// The events the scheduler and kubelet record for a pod, with their real reasons and
// messages (pkg/kubelet/events/event.go reasons; kuberuntime_container.go and
// images/image_manager.go messages; the scheduler's Scheduled / FailedScheduling).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { EventRecorder } from './events.ts';
import { resourceFor } from './resources.ts';

const pods = resourceFor('pods');
// The scheduler records through events.k8s.io/v1 (pkg/scheduler/schedule_one.go: action Binding / Scheduling).
const instance = 'default-scheduler-control-plane';

export function scheduledEvent(rec: EventRecorder | undefined, pod: KObj, node: string): void {
  rec?.record(pods, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
    { component: 'default-scheduler', action: 'Binding', instance });
}

export function failedSchedulingEvent(rec: EventRecorder | undefined, pod: KObj, message: string): void {
  rec?.record(pods, pod, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler', action: 'Scheduling', instance });
}

function ref(image: string): string {
  const withRepo = image.includes('/') ? (image.split('/')[0]!.includes('.') ? image : `docker.io/${image}`) : `docker.io/library/${image}`;
  return /:[^/]+$/.test(withRepo) || withRepo.includes('@') ? withRepo : `${withRepo}:latest`;
}

/** Pulling, then Pulled, Created, Started; or, for an image that cannot be pulled, Failed and BackOff. */
export function containerStartEvents(rec: EventRecorder | undefined, pod: KObj, unpullable: (image: string) => boolean): void {
  if (!rec) return;
  const host = { component: 'kubelet', host: pod.spec?.nodeName };
  for (const c of pod.spec?.containers ?? []) {
    const fp = `spec.containers{${c.name}}`;
    const image = String(c.image);
    rec.record(pods, pod, 'Normal', 'Pulling', `Pulling image "${image}"`, host, fp);
    if (unpullable(image)) {
      const r = ref(image);
      rec.record(pods, pod, 'Warning', 'Failed',
        `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${r}": failed to resolve reference "${r}": ${r}: not found`, host, fp);
      rec.record(pods, pod, 'Warning', 'Failed', 'Error: ErrImagePull', host, fp);
      rec.record(pods, pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, host, fp);
      rec.record(pods, pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', host, fp);
      continue;
    }
    rec.record(pods, pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in 412ms (412ms including waiting). Image size: 72099501 bytes.`, host, fp);
    rec.record(pods, pod, 'Normal', 'Created', `Created container: ${c.name}`, host, fp);
    rec.record(pods, pod, 'Normal', 'Started', `Started container ${c.name}`, host, fp);
  }
}

export function killingEvents(rec: EventRecorder | undefined, pod: KObj): void {
  for (const s of pod.status?.containerStatuses ?? []) {
    if (!s.state?.running) continue;
    rec?.record(pods, pod, 'Normal', 'Killing', `Stopping container ${s.name}`, { component: 'kubelet', host: pod.spec?.nodeName }, `spec.containers{${s.name}}`);
  }
}
