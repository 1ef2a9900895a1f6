// Exec credential plugins (EKS `aws eks get-token`, gke-gcloud-auth-plugin, kubelogin) run
// through client-node, which caches the ExecCredential until its expirationTimestamp. But
// it has no single-flight: the first requests at start-up (three lists, the usage
// ConfigMap, the Ollama route) and the first ones after each expiry would each spawn the
// plugin, which takes up to a second on EKS. This makes concurrent askers share one run.
import type * as k8s from '@kubernetes/client-node';
import { AppError } from '../errors.ts';

interface ExecAuthLike {
  getCredential(user: k8s.User): Promise<unknown>;
}

const patched = new WeakSet<object>();

/** Shares one plugin run among concurrent callers, per kubeconfig user. Harmless when the user has no exec stanza. */
export function shareExecCredentialRuns(kc: k8s.KubeConfig): void {
  // client-node keeps its authenticators private and does not export ExecAuth: found by shape.
  const list = (kc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
  const exec = list.find((a): a is ExecAuthLike => !!a && typeof (a as ExecAuthLike).getCredential === 'function' && 'tokenCache' in (a as object));
  if (!exec || patched.has(exec)) return;
  patched.add(exec);
  const original = exec.getCredential.bind(exec);
  const inflight = new Map<string, Promise<unknown>>();
  exec.getCredential = (user: k8s.User) => {
    const running = inflight.get(user.name);
    if (running) return running;
    const run = original(user)
      .catch((err: unknown) => {
        throw execFailure(user, err);
      })
      .finally(() => inflight.delete(user.name));
    inflight.set(user.name, run);
    return run;
  };
}

/**
 * A plugin that cannot run or fails is not an unreachable API server: say which command
 * failed and why (missing from PATH is the usual case in a desktop app started from a
 * launcher). Its stderr is shown, trimmed: plugins print the reason there, not secrets.
 */
function execFailure(user: k8s.User, err: unknown): AppError {
  const command = (user.exec as { command?: string } | undefined)?.command ?? 'exec plugin';
  const e = err as NodeJS.ErrnoException;
  let why: string;
  if (e?.code === 'ENOENT') why = `"${command}" was not found on PATH`;
  else if (e?.code === 'EACCES') why = `"${command}" is not executable`;
  else if (err instanceof SyntaxError) why = 'it did not print an ExecCredential (JSON)';
  else why = (e?.message || String(err)).trim().split('\n').slice(-3).join(' ').slice(0, 300) || 'it exited with an error';
  return new AppError(502, `the kubeconfig's exec credential plugin (${command}) failed: ${why}`, { exec_plugin: command });
}
