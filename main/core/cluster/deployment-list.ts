// GET /api/deployments from the caches: every namespace but the system ones, with the
// reason a deployment is not running (the pod's waiting reason or scheduling failure), and
// whether each is a model server (the UI shows those by default; REST lists them all).
import type { DeploymentInfo } from '../../../preload/contract/index.ts';
import type { DeploymentLite, PodLite } from '../kube/objects.ts';
import { ESTIMATE_ANNOTATION } from '../vram/index.ts';
import { isManaged, selects } from '../kube/labels.ts';
import { isSystem, MODEL_ID_ANNOTATION, MODEL_LABEL } from './system.ts';

// Waiting reasons a pod does not get out of by itself.
const FAILED_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'OOMKilled', 'Error', 'ErrImageNeverPull']);

export function podsByNamespace(pods: Iterable<PodLite>): Map<string, PodLite[]> {
  const out = new Map<string, PodLite[]>();
  for (const p of pods) {
    const list = out.get(p.namespace) ?? [];
    list.push(p);
    out.set(p.namespace, list);
  }
  return out;
}

// Images of inference servers an operator would call a model deployment (Ollama first).
const MODEL_SERVER_IMAGE = /(^|[/_-])(ollama|vllm|text-generation-inference|tgi|llama[._-]?cpp|llama-server|localai|sglang|tritonserver|tensorrt-llm|lmdeploy)([/:@_-]|$)/i;

/** Made by this app, or recognisably a model server: its server or model (served-model.ts), the image, the app's model label or annotation. */
export function isModelServer(d: DeploymentLite): boolean {
  if (isManaged(d.labels) || d.labels[MODEL_LABEL] || d.annotations[MODEL_ID_ANNOTATION] || d.servedModel || d.server) return true;
  return MODEL_SERVER_IMAGE.test(d.image);
}

export function describeDeployment(d: DeploymentLite, pods: PodLite[]): DeploymentInfo {
  const own = pods.filter((p) => !p.terminating && selects(d.selector, p.labels));
  const running = d.desired > 0 && d.ready >= d.desired;
  let reason: { reason: string; message: string } | null = null;
  if (!running) {
    const waiting = own.find((p) => p.waiting)?.waiting;
    const unsched = own.find((p) => !p.nodeName && p.unschedulable)?.unschedulable;
    reason = waiting ?? unsched ?? d.failure ?? (d.desired === 0 ? { reason: 'ScaledToZero', message: 'the deployment asks for 0 replicas' } : null);
  }
  const failed = !running && Boolean(reason && (FAILED_REASONS.has(reason.reason) || reason === d.failure));
  const estimate = Number(d.annotations[ESTIMATE_ANNOTATION]);
  const info: DeploymentInfo = {
    name: d.name,
    namespace: d.namespace,
    // A plain Ollama serves whatever is pulled into it: no one model (''), its server says what it is.
    model_id: d.annotations[MODEL_ID_ANNOTATION] ?? d.servedModel ?? d.labels[MODEL_LABEL] ?? (d.server === 'ollama' ? '' : d.name),
    image: d.image,
    status: running ? 'Running' : failed ? 'Failed' : 'Starting',
    replicas: `${d.ready}/${d.desired}`,
    gpu: d.gpu,
    memory: d.memory,
    created: d.created,
    managed: isManaged(d.labels),
    model_server: isModelServer(d),
  };
  if (d.server) info.server = d.server;
  if (reason) {
    info.reason = reason.reason;
    info.message = reason.message;
  }
  if (Number.isFinite(estimate) && estimate > 0) info.estimated_vram_gb = estimate;
  return info;
}

export function listDeployments(deployments: Iterable<DeploymentLite>, pods: Iterable<PodLite>): DeploymentInfo[] {
  const byNs = podsByNamespace(pods);
  const out: DeploymentInfo[] = [];
  for (const d of deployments) if (!isSystem(d.namespace, d.name)) out.push(describeDeployment(d, byNs.get(d.namespace) ?? []));
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
