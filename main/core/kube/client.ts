// The one Kubernetes client: loads the config, applies a timeout to every call, knows
// whether the API server answers, and turns ApiExceptions into errors that say what
// failed and why.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { shareExecCredentialRuns } from './exec-credentials.ts';

export const CALL_TIMEOUT_MS = 5_000;

export interface KubeTarget {
  /** Kubeconfig path(s); default KUBECONFIG or ~/.kube/config, in-cluster when inside a pod. */
  kubeconfig?: string;
  /** Kubeconfig YAML, instead of a path (tests). */
  kubeconfigYaml?: string;
  context?: string | null;
  namespace?: string | null;
}

export function loadKubeConfig(target: KubeTarget, env: NodeJS.ProcessEnv = process.env): { kc: k8s.KubeConfig; source: string } {
  const kc = new k8s.KubeConfig();
  let source: string;
  if (target.kubeconfigYaml) {
    kc.loadFromString(target.kubeconfigYaml);
    source = 'inline kubeconfig';
  } else if (target.kubeconfig) {
    kc.loadFromFile(target.kubeconfig);
    source = target.kubeconfig;
  } else if (env.KUBERNETES_SERVICE_HOST && !env.KUBECONFIG) {
    kc.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    const files = (env.KUBECONFIG || join(homedir(), '.kube', 'config')).split(delimiter).filter(Boolean);
    // Without this, client-node would quietly invent a cluster at localhost:8080.
    const present = files.filter((f) => existsSync(f));
    if (!present.length) {
      throw new AppError(400, `no kubeconfig found (${files.join(', ')}) and not running in a pod: set KUBECONFIG, or try "npm run demo" for a simulated cluster`);
    }
    // The `env` given, not process.env (client-node's loadFromDefault reads that); as kubectl
    // merges KUBECONFIG: missing files skipped, the first current-context set wins.
    kc.loadFromFile(present[0]!);
    for (const file of present.slice(1)) {
      const more = new k8s.KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, Boolean(kc.getCurrentContext()));
    }
    source = env.KUBECONFIG || '~/.kube/config';
  }
  if (target.context) {
    if (!kc.getContextObject(target.context)) throw new AppError(400, `context "${target.context}" is not in ${source}`);
    kc.setCurrentContext(target.context);
  }
  return { kc, source };
}

/** The namespace the app works in: explicit, then POD_NAMESPACE (as the seed), then the context's, then model-hosting. */
export function resolveNamespace(kc: k8s.KubeConfig, explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.POD_NAMESPACE || kc.getContextObject(kc.getCurrentContext())?.namespace || 'model-hosting';
}

type ApiClass<T> = new (config: k8s.Configuration) => T;

export class KubeClient {
  readonly kc: k8s.KubeConfig;
  readonly namespace: string;
  readonly source: string;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly log: Logger;
  #connected = false;
  #failing: AppError | null = null;
  #lastOkAt = 0;
  #lastError: string | null = null;

  constructor(kc: k8s.KubeConfig, namespace: string, source: string, log: Logger) {
    this.kc = kc;
    this.namespace = namespace;
    this.source = source;
    this.log = log;
    shareExecCredentialRuns(kc, log);
    this.core = this.makeApi(k8s.CoreV1Api);
    this.apps = this.makeApi(k8s.AppsV1Api);
  }

  get context(): string {
    return this.kc.getCurrentContext();
  }

  get server(): string | undefined {
    return this.kc.getCurrentCluster()?.server;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** An API client whose every request carries a 5 s timeout (watches do not go through here). */
  makeApi<T>(api: ApiClass<T>, timeoutMs = CALL_TIMEOUT_MS): T {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new AppError(400, 'the kubeconfig has no current cluster');
    const config = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(cluster.server, {}),
      authMethods: { default: this.kc },
      promiseMiddleware: [
        {
          pre: async (ctx) => {
            ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (ctx) => ctx,
        },
      ],
    });
    return new api(config);
  }

  /**
   * Runs one API call; `what` says what it does ("list nodes", "create deployment x").
   * Records whether the server answered, and throws an AppError that says why it failed.
   */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.markConnected();
      this.#failing = null;
      this.#lastOkAt = Date.now();
      return result;
    } catch (err) {
      const appErr = explainKubeError(what, err);
      // An HTTP answer (even 4xx) proves the server is there; a network failure does not.
      if (appErr.details.k8s_code) this.markConnected();
      else this.markDisconnected(appErr.message);
      const code = Number(appErr.details.k8s_code);
      if (code === 401 || code === 429 || code >= 500) this.#failing = appErr;
      throw appErr;
    }
  }

  /**
   * The last call's failure when the server answered but cannot be used (401: the
   * credentials were refused; 429 or 5xx: it answers with errors); null once a call succeeds.
   * A 403 or 404 is not counted: the server works, that object or permission does not.
   */
  get failing(): AppError | null {
    return this.#failing;
  }

  /** How long ago a call last succeeded (Infinity before the first). */
  get sinceLastOkMs(): number {
    return this.#lastOkAt ? Date.now() - this.#lastOkAt : Infinity;
  }

  markConnected(): void {
    if (!this.#connected) this.log.info('K8S', `connected to ${this.server} (context ${this.context})`);
    this.#connected = true;
    this.#lastError = null;
  }

  markDisconnected(reason: string): void {
    if (this.#connected) this.log.warn('K8S', `lost the API server: ${reason}`);
    this.#connected = false;
    this.#lastError = reason;
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string };
}

function parseStatus(body: unknown): StatusBody | null {
  if (!body) return null;
  if (typeof body === 'object') return body as StatusBody;
  try {
    return JSON.parse(String(body)) as StatusBody;
  } catch {
    return null;
  }
}

/** The API server's own Status message of an explained error (e.g. the RBAC refusal), else the whole message. */
export function kubeMessage(err: AppError): string {
  const m = err.details.k8s_message;
  return typeof m === 'string' && m ? m : err.message;
}

/** ApiException (HTTP answer) or a network/timeout failure, as an AppError with the Status message and code. */
export function explainKubeError(what: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof k8s.ApiException) {
    const status = parseStatus(err.body);
    const code = err.code;
    const message = status?.message || `HTTP ${code}`;
    const details = { k8s_code: code, k8s_reason: status?.reason ?? null, k8s_message: status?.message ?? null };
    if (code === 401) return new AppError(502, `Kubernetes refused the credentials while trying to ${what}: ${message}`, details);
    if (code === 403) return new AppError(403, `Kubernetes forbids it (${what}): ${message}. Ask for that permission in RBAC.`, details);
    if (code === 404) return new AppError(404, message, details);
    if (code === 409) return new AppError(409, message, details);
    if (code === 410) return new AppError(410, message, details);
    if (code === 422 || code === 400) return new AppError(400, `Kubernetes rejected it (${what}): ${message}`, details);
    return new AppError(502, `Kubernetes failed to ${what}: HTTP ${code} ${message}`, details);
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const reason = timedOut ? `no answer within ${CALL_TIMEOUT_MS / 1000} s` : e?.cause?.code || e?.cause?.message || e?.message || String(err);
  return new AppError(503, `Kubernetes API unreachable while trying to ${what}: ${reason}`);
}
